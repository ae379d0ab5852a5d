/**
 * A value a rule compares facts with.
 *
 * @public
 */
export type ScorecardPrimitive = string | number | boolean;

/**
 * A scorecard rule or `appliesTo` filter: Backstage's filter-predicate syntax (the one
 * `@backstage/filter-predicates` evaluates) over a facts object keyed by fact-source id,
 * e.g. `{ "entity.kind": "Component", "provenance.drift.minorsBehind": { "$lte": 1 } }`.
 * `$all`, `$any` and `$not` combine predicates; every other key is a dot-separated path.
 *
 * @public
 */
export type ScorecardPredicate =
  | ScorecardPrimitive
  | { $all: ScorecardPredicate[] }
  | { $any: ScorecardPredicate[] }
  | { $not: ScorecardPredicate }
  | { [path: string]: ScorecardPredicateValue };

/**
 * What the value at a path must satisfy: a primitive (case-insensitive equality, as in
 * the catalog), or an object of operators that must all hold.
 *
 * @public
 */
export type ScorecardPredicateValue =
  | ScorecardPrimitive
  | ScorecardValueOperators;

/**
 * The value operators of the rule language. The first four are Backstage's own; the rest
 * are the scorecard extensions, validated when definitions are loaded.
 *
 * @public
 */
export interface ScorecardValueOperators {
  /** Whether the path has a value (`true`) or not (`false`). */
  $exists?: boolean;
  /** The value equals one of these. */
  $in?: ScorecardPrimitive[];
  /** The value is an array with at least one element matching this predicate. */
  $contains?: ScorecardPredicate;
  /** The value is a string that starts with this. */
  $hasPrefix?: string;
  /** Number comparisons; numeric strings such as `"3"` count as numbers. */
  $gt?: number;
  /** Greater than or equal to; a number comparison like `$gt`. */
  $gte?: number;
  /** Less than; a number comparison like `$gt`. */
  $lt?: number;
  /** Less than or equal to; a number comparison like `$gt`. */
  $lte?: number;
  /** Semantic-version comparisons (a leading `v` is ignored), so 1.10.0 \> 1.9.0. */
  $semverGt?: string;
  /** At or above this version; a semantic-version comparison like `$semverGt`. */
  $semverGte?: string;
  /** Below this version; a semantic-version comparison like `$semverGt`. */
  $semverLt?: string;
  /** At or below this version; a semantic-version comparison like `$semverGt`. */
  $semverLte?: string;
  /** A semver range such as `^2.2.0 || >=3`. */
  $semverSatisfies?: string;
  /** A JavaScript regular expression the string value must match (case-sensitive). */
  $matches?: string;
  /**
   * Operators that backend modules add through `pavedRoadRuleOperatorsExtensionPoint`.
   */
  [operator: `$${string}`]: unknown;
}

/**
 * One rung of a scorecard's ladder, such as bronze.
 *
 * @public
 */
export interface ScorecardLevel {
  /** Unique within the scorecard; checks and results name the level by it. */
  id: string;
  /** The name shown, e.g. `Bronze`. */
  title: string;
}

/**
 * One check of a scorecard.
 *
 * @public
 */
export interface ScorecardCheck {
  /** Unique within the scorecard. */
  id: string;
  /** The name shown. */
  title: string;
  /** What the check asks for and why. */
  description: string;
  /** The id of the level this check belongs to. */
  level: string;
  /** When the check passes, over the entity's facts. */
  rule: ScorecardPredicate;
  /** What a product engineer does to pass: markdown, and optionally a link. */
  remediation: { markdown: string; link?: string };
  /**
   * The guardrail (as named by escape hatches, e.g. `network-policy`) whose recorded
   * escape hatch exempts the entity from this check.
   */
  exemptionGuardrail?: string;
}

/**
 * A scorecard as defined in configuration.
 *
 * @public
 */
export interface ScorecardDefinition {
  /** Unique among the loaded scorecards. */
  id: string;
  /** The name shown. */
  title: string;
  /** What the scorecard measures and why. */
  description: string;
  /** Which entities the scorecard applies to; all when omitted. */
  appliesTo?: ScorecardPredicate;
  /** Ordered, lowest first. */
  levels: ScorecardLevel[];
  /** The checks, each belonging to one of `levels`. */
  checks: ScorecardCheck[];
}

/**
 * - `pass`: the rule holds
 * - `fail`: the rule does not hold on the facts at hand
 * - `unknown`: a fact source the rule needs failed or has no data for the entity
 * - `exempt`: the rule does not hold, but a recorded escape hatch covers it
 *
 * @public
 */
export type CheckStatus = 'pass' | 'fail' | 'unknown' | 'exempt';

/**
 * One check's outcome for one entity.
 *
 * @public
 */
export interface CheckResult {
  /** The check's id. */
  checkId: string;
  /** The check's status. */
  status: CheckStatus;
  /** Why the status is `unknown` or `exempt`. */
  reason?: string;
}

/**
 * One entity's result for one scorecard.
 *
 * @public
 */
export interface ScorecardResult {
  /** The scorecard's id. */
  scorecardId: string;
  /** The entity's ref. */
  entityRef: string;
  /**
   * The highest level whose checks, and those of every lower level, all pass or are
   * exempt; `null` when the lowest level is not reached.
   */
  level: string | null;
  /** The level above `level`; `null` at the top. */
  nextLevel: string | null;
  /** The checks of `nextLevel` that do not pass yet. */
  missingForNext: string[];
  /** Every check's result. */
  checks: CheckResult[];
}

/**
 * Facts of the `owner` fact source: the entity's owner as the catalog resolves it.
 *
 * @public
 */
export interface OwnerFacts {
  /** The `ownedBy` relation's target (or `spec.owner`), as an entity ref; null when none. */
  ref: string | null;
  /** The owner's kind in lower case, e.g. `group` or `user`; null when none. */
  kind: string | null;
  /** Whether the owner exists in the catalog. */
  exists: boolean;
}

/**
 * Facts of the `platformTool` fact source: a platform tool's declared wrapper-test answers
 * (annotation `paved-road.io/wrapper-test`) next to what the catalog measures.
 *
 * @public
 */
export interface PlatformToolFacts {
  /** Whether the tool declares wrapper-test answers at all. */
  declared: boolean;
  /** Declared hours one service saves (question 1); null when not declared. */
  hoursSavedPerService: number | null;
  /** Declared manual steps removed (question 2); null when not declared. */
  stepsRemoved: number | null;
  /** How many build-time errors the tool declares it prevents (question 2). */
  errorsPrevented: number;
  /** The declared operational benefit (question 3); null when not declared. */
  operationalBenefit: string | null;
  /** Measured: catalog entities that depend on the tool (`dependencyOf` relations). */
  consumers: number;
  /** Measured: declared hours per service times consumers; null when not declared. */
  measuredHoursSaved: number | null;
  /** Whether `paved-road.io/deprecation-policy` points at a deprecation policy. */
  hasDeprecationPolicy: boolean;
  /** The tool's latest released version, when a source reports one; else null. */
  version: string | null;
  /** Whether `version` is a semantic version; null when no version is known. */
  semver: boolean | null;
}

/**
 * Facts of the `repository` fact source, read from the entity's source repository. All
 * flags are false when the file they describe is missing.
 *
 * @public
 */
export interface RepositoryFacts {
  /** From the repository's `Dockerfile`. */
  dockerfile: {
    present: boolean;
    /** The final stage sets a `USER` other than root (0). */
    nonRoot: boolean;
    /** Every `FROM` names a version tag or digest, never `latest` or nothing. */
    pinnedBase: boolean;
  };
  /** From the Kubernetes manifests; every container of every workload must comply. */
  kubernetes: {
    probes: { liveness: boolean; readiness: boolean; startup: boolean };
    /** CPU and memory requests, and CPU and memory limits. */
    resources: { requests: boolean; limits: boolean };
    /** A NetworkPolicy selects the workload's pods. */
    networkPolicy: boolean;
    /** Images carry a version tag or digest, never `latest` or nothing. */
    pinnedImage: boolean;
    /** `securityContext.runAsNonRoot: true`. */
    runAsNonRoot: boolean;
  };
  /** From the CI workflows (`.github/workflows`). */
  ci: {
    present: boolean;
    /**
     * The stages the CI workflows run, by kind: `build`, `test`, `scan` (a vulnerability
     * scanner such as Trivy), `image`, `deploy`.
     */
    stages: string[];
  };
  /** From the TechDocs files. */
  docs: {
    /** `mkdocs.yml` and `docs/index.md` exist. */
    mkdocs: boolean;
    /** A quickstart page (`docs/quickstart.md`). */
    quickstart: boolean;
    /** A failure-mode reference (`docs/failure-modes.md`). */
    failureModes: boolean;
  };
  /** Alert rules are defined (e.g. the `paved-road.io/alerts` file exists). */
  alerts: { present: boolean };
}
