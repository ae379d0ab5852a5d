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
    /** `paved-road:template:upgrade`: upgrading services to newer template releases. */
    templateUpgrades?: {
      /**
       * Where released templates are read from: a git repository with a tag per release.
       * Set `url` (read through the integrations) or `gitRepository` (on this machine).
       */
      releases?: {
        /**
         * A tree URL with `{tag}` where the release tag goes, read with the integrations'
         * credentials, e.g. `https://github.com/acme/golden-paths/tree/{tag}/templates`.
         * @visibility backend
         */
        url?: string;
        /**
         * A git repository on this machine (offline instances, tests); relative paths are
         * resolved against the backend's working directory.
         * @visibility backend
         */
        gitRepository?: string;
        /**
         * With `gitRepository`: the folder inside the repository the templates live in.
         * @visibility backend
         */
        path?: string;
      };
      /**
       * The release tag of a template version: `{template}` and `{version}` are replaced.
       * Default `{template}-v{version}` (e.g. `api-service-v2.4.0`).
       * @visibility backend
       */
      tagPattern?: string;
      /**
       * The actions a render of a release runs (the ones that only write files); a
       * trailing `*` matches a prefix. Default: fetch:*, catalog:write, fs:*,
       * roadiehq:utils:*, paved-road:provenance:annotate, paved-road:answers:record.
       * @visibility backend
       */
      renderActions?: string[];
    };
  };
}
