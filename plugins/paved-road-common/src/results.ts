import { CheckResult, ScorecardDefinition } from './scorecards';
import { TemplateDriftStatus } from './versions';

/**
 * The catalog attributes stored next to an entity's results, used for filtering and
 * roll-ups.
 *
 * @public
 */
export interface EvaluatedEntity {
  entityRef: string;
  kind: string;
  type: string | null;
  lifecycle: string | null;
  /** The owner as an entity ref. */
  owner: string | null;
  /** The system as an entity ref. */
  system: string | null;
  /** The domain of the entity's system (or of the system itself), as an entity ref. */
  domain: string | null;
  /** Whether the entity was scaffolded from a golden-path template. */
  goldenPath: boolean;
  templateRef: string | null;
  /** Drift of its template version from the template's latest; null when unknown. */
  drift: TemplateDriftStatus | null;
  /** ISO 8601 timestamp of the evaluation the stored results come from. */
  evaluatedAt: string;
  /** True when the last attempt to evaluate failed and older results are shown. */
  stale: boolean;
  staleReason: string | null;
}

/**
 * One entity's stored result for one scorecard.
 *
 * @public
 */
export interface StoredScorecardResult {
  scorecardId: string;
  level: string | null;
  nextLevel: string | null;
  missingForNext: string[];
  checks: CheckResult[];
}

/**
 * An entity's results with the definitions needed to show them, as
 * `PavedRoadClient.getEntityScorecards` returns them.
 *
 * @public
 */
export interface EntityScorecardsResponse extends EntityResultsResponse {
  scorecards: ScorecardDefinition[];
}

/**
 * `GET /entities/:kind/:namespace/:name/scorecards`: an entity's stored results. The
 * definitions they refer to come from `GET /scorecards`.
 *
 * @public
 */
export interface EntityResultsResponse {
  /** Null when the entity has not been evaluated yet. */
  entity: EvaluatedEntity | null;
  results: StoredScorecardResult[];
}

/**
 * `GET /scorecards`: every loaded scorecard definition (with an ETag; they change only
 * when configuration does).
 *
 * @public
 */
export interface ScorecardsResponse {
  scorecards: ScorecardDefinition[];
}

/**
 * One row of `GET /results`: an entity with its level on one scorecard.
 *
 * @public
 */
export interface EntityResultRow extends EvaluatedEntity {
  scorecardId: string;
  level: string | null;
  nextLevel: string | null;
  missingForNext: string[];
  checks: CheckResult[];
}

/**
 * Query of `GET /results`. `owner` includes the owner's subgroups; `level` accepts
 * `none` for entities below the lowest level.
 *
 * @public
 */
export interface ResultsQuery {
  scorecard?: string;
  level?: string;
  owner?: string;
  system?: string;
  kind?: string;
  type?: string;
  lifecycle?: string;
  sort?: 'entityRef' | 'level' | 'evaluatedAt' | 'owner';
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

/** A page of `GET /results`. @public */
export interface ResultsPage {
  items: EntityResultRow[];
  totalItems: number;
  limit: number;
  offset: number;
}

/**
 * Roll-up of one scorecard within one scope.
 *
 * @public
 */
export interface ScorecardAggregate {
  /** Entities the scorecard applies to. */
  entities: number;
  /** Entities per level id; `none` counts those below the lowest level. */
  levels: Record<string, number>;
  /** Per check: status counts and the pass rate (pass or exempt, 0..1). */
  checks: Record<
    string,
    {
      pass: number;
      fail: number;
      unknown: number;
      exempt: number;
      passRate: number;
    }
  >;
}

/**
 * The golden-path entities of one scope that came from one template.
 *
 * @public
 */
export interface TemplateAggregate {
  entities: number;
  /** Entities per drift status of the template version they use. */
  drift: Record<string, number>;
  hoursSaved: number;
}

/**
 * Aggregates of one scope: the whole organisation, a group with its whole subtree, a
 * system or a domain.
 *
 * @public
 */
export interface ScopeAggregate {
  scope: 'org' | 'group' | 'system' | 'domain';
  /** The group, system or domain entity ref; `org` for the whole organisation. */
  ref: string;
  entities: number;
  scorecards: Record<string, ScorecardAggregate>;
  goldenPath: {
    /** Entities the golden-path scorecard applies to. */
    eligible: number;
    adopted: number;
    /** adopted / eligible, 0 when nothing is eligible. */
    rate: number;
  };
  /** Golden-path entities per drift status of their template version. */
  drift: Record<string, number>;
  /**
   * Per source template (entity ref): the scope's golden-path entities scaffolded from
   * it, their drift and their hours saved. Absent in aggregates stored by versions
   * before it existed.
   */
  templates?: Record<string, TemplateAggregate>;
  /**
   * Hours saved, summed over the scope's entities, each entity counted once: the hours
   * its recorded scaffold event declared, otherwise (golden-path provenance without a
   * recorded event) its source template's `backstage.io/time-saved`.
   */
  hoursSaved: number;
}

/**
 * Query of `GET /aggregates`: without parameters, the stored aggregates of the last
 * pass; with any, aggregates computed on request over the entities of that kind, type
 * and lifecycle only (every scope, every figure).
 *
 * @public
 */
export interface AggregatesQuery {
  /** Entity kind, case-insensitive. */
  kind?: string;
  type?: string;
  lifecycle?: string;
}

/** `GET /aggregates`. @public */
export interface AggregatesResponse {
  org: ScopeAggregate;
  groups: ScopeAggregate[];
  systems: ScopeAggregate[];
  domains: ScopeAggregate[];
  /** ISO 8601 time of the last completed evaluation pass; null before the first. */
  evaluatedAt: string | null;
}

/** Query of `GET /history`. @public */
export interface HistoryQuery {
  /** An entity ref, a group/system/domain ref, or `org`. */
  ref: string;
  scorecard?: string;
  /** ISO dates (YYYY-MM-DD), inclusive. */
  from?: string;
  to?: string;
}

/** One day's snapshot. @public */
export interface HistoryPoint {
  /** YYYY-MM-DD, UTC. */
  day: string;
  scorecardId: string;
  /** For entities: the level reached that day (`none` below the lowest). */
  level?: string | null;
  /** For aggregate scopes: entities per level that day. */
  levels?: Record<string, number>;
}

/**
 * One day's totals of an aggregate scope, as {@link ScopeAggregate} had them that day.
 *
 * @public
 */
export interface HistoryTotalsPoint {
  /** YYYY-MM-DD, UTC. */
  day: string;
  entities: number;
  goldenPath: { eligible: number; adopted: number; rate: number };
  /** Golden-path entities per drift status; share on the latest = current / sum. */
  drift: Record<string, number>;
  hoursSaved: number;
}

/** `GET /history`. @public */
export interface HistoryResponse {
  ref: string;
  scope: 'entity' | 'org' | 'group' | 'system' | 'domain';
  /** Per day and scorecard: an entity's level, or a scope's level distribution. */
  items: HistoryPoint[];
  /**
   * Aggregate scopes only: per day, the scope's golden-path adoption, drift and hours
   * saved (not narrowed by `scorecard`). Days recorded before these were kept are
   * missing.
   */
  totals?: HistoryTotalsPoint[];
}

/** What one evaluation pass did. @public */
export interface EvaluationSummary {
  /**
   * `full` re-evaluates every entity; `incremental` only those changed in the catalog
   * (or with new pushed facts); `scorecards` first re-evaluates the scorecards added or
   * edited since the last pass over every entity's stored facts, then goes on as
   * `incremental`; `entity` is one entity on demand.
   */
  mode: 'full' | 'incremental' | 'scorecards' | 'entity';
  /** A `scorecards` pass: the ids of the scorecards re-evaluated (and removed ones). */
  scorecards?: string[];
  /** Entities read from the catalog. */
  scanned: number;
  evaluated: number;
  unchanged: number;
  removed: number;
  /** Entities whose results were kept but marked stale because a fact source failed. */
  stale: number;
  durationMs: number;
  /** Set when the pass failed as a whole (e.g. the catalog was unreachable). */
  error?: string;
}

/**
 * `POST /scorecards/preview`: how a new or edited check or scorecard would score the
 * stored facts.
 *
 * @public
 */
export interface ScorecardPreviewResponse {
  entities: number;
  /** Per check id: status counts. */
  checks: Record<
    string,
    { pass: number; fail: number; unknown: number; exempt: number }
  >;
  /** Entities per level the scorecard would give. */
  levels: Record<string, number>;
  /** Entities whose level would differ from the stored one. */
  levelChanges: number;
}
