/**
 * Annotations Paved Road reads and writes. Where the Backstage ecosystem already has a
 * name for a fact (the template an entity came from, its version, the time a template
 * saves), that name is used; Paved Road's own facts live under `paved-road.io/`.
 *
 * @public
 */
export const PAVED_ROAD_ANNOTATIONS = {
  /** The template an entity was scaffolded from, as an entity ref (written by `catalog:write`). */
  sourceTemplate: 'backstage.io/source-template',
  /** On a Template: its semver version. On a scaffolded entity: the version it came from. */
  templateVersion: 'backstage.io/template-version',
  /**
   * On a Template: when its current version (`backstage.io/template-version`) was released,
   * as an ISO 8601 date or timestamp. The adoption dashboard counts the time from a release
   * to most services being on it from here; without it, from when the backend first saw
   * the version.
   */
  releasedAt: 'paved-road.io/released-at',
  /** On a Template: the time one run saves, as an ISO 8601 duration such as `PT40H`. */
  timeSaved: 'backstage.io/time-saved',
  /** When the entity was scaffolded, as an ISO 8601 timestamp. */
  scaffoldedAt: 'paved-road.io/scaffolded-at',
  /** Guardrails knowingly skipped at scaffolding time: a JSON array of `{ guardrail, reason }`. */
  escapeHatches: 'paved-road.io/escape-hatches',
  /** Marks a library or starter as a platform tool that the wrapper test applies to. */
  platformTool: 'paved-road.io/platform-tool',
  /** A platform tool's declared wrapper-test answers, as a JSON object. */
  wrapperTest: 'paved-road.io/wrapper-test',
  /** Where a platform tool documents its versioning and deprecation path. */
  deprecationPolicy: 'paved-road.io/deprecation-policy',
  /** The repository-relative file with the entity's alert rules, e.g. `observability/alerts.yaml`. */
  alerts: 'paved-road.io/alerts',
} as const;

/** The tag that marks a Template as a golden path. @public */
export const GOLDEN_PATH_TAG = 'golden-path';
