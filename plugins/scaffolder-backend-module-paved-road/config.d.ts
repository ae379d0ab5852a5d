export interface Config {
  /** Configuration of the Paved Road plugin bundle. */
  pavedRoad?: {
    /** `paved-road:publish:local`: publishing generated repositories to a local folder. */
    publishLocal?: {
      /**
       * Folder the generated repositories are written to, one git repository per
       * sub-folder. Relative paths are resolved against the backend's working directory.
       * The catalog must have a `file` location for `<directory>/*\/catalog-info.yaml`.
       * @visibility backend
       */
      directory: string;
    };
  };
}
