import { CheckResult, ScorecardDefinition } from './scorecards';
import { TemplateDriftStatus } from './versions';

/**
 * The catalog attributes stored next to an entity's results, used for filtering and
 * roll-ups.
 *
 * @public
 */
export interface EvaluatedEntity {
  /** The entity's ref, e.g. `component:default/orders-api`. */
  entityRef: string;
  /** The entity's kind, as the catalog has it. */
  kind: string;
  /** `spec.type`; null when the entity has none. */
  type: string | null;
  /** `spec.lifecycle`; null when the entity has none. */
  lifecycle: string | null;
  /** The owner as an entity ref. */
  owner: string | null;
  /** The system as an entity ref. */
  system: string | null;
  /** The domain of the entity's system (or of the system itself), as an entity ref. */
  domain: string | null;
  /** Whether the entity was scaffolded from a golden-path template. */
  goldenPath: boolean;
  /**
   * The source template's entity ref; null when the entity has no golden-path
   * provenance.
   */
  templateRef: string | null;
  /** Drift of its template version from the template's latest; null when unknown. */
  drift: TemplateDriftStatus | null;
  /** ISO 8601 timestamp of the evaluation the stored results come from. */
  evaluatedAt: string;
  /** True when the last attempt to evaluate failed and older results are shown. */
  stale: boolean;
  /** Why the last attempt failed; null when not stale. */
  staleReason: string | null;
}

/**
 * One entity's stored result for one scorecard.
 *
 * @public
 */
export interface StoredScorecardResult {
  /** The scorecard's id. */
  scorecardId: string;
  /** The highest level reached; null below the lowest. */
  level: string | null;
  /** The level above `level`; null at the top. */
  nextLevel: string | null;
  /** The checks of `nextLevel` that do not pass yet. */
  missingForNext: string[];
  /** Every check's result. */
  checks: CheckResult[];
}

/**
 * An entity's results with the definitions needed to show them, as
 * `PavedRoadClient.getEntityScorecards` returns them.
 *
 * @public
 */
export interface EntityScorecardsResponse extends EntityResultsResponse {
  /** The definitions of the scorecards in `results`. */
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
  /** One per scorecard that applies to the entity; empty before its first evaluation. */
  results: StoredScorecardResult[];
}

/**
 * `GET /scorecards`: every loaded scorecard definition (with an ETag; they change only
 * when configuration does).
 *
 * @public
 */
export interface ScorecardsResponse {
  /**
   * Every loaded definition: the shipped ones, those in configuration and those in
   * files.
   */
  scorecards: ScorecardDefinition[];
}

/**
 * One row of `GET /results`: an entity with its level on one scorecard.
 *
 * @public
 */
export interface EntityResultRow extends EvaluatedEntity {
  /** The scorecard's id. */
  scorecardId: string;
  /** The highest level reached; null below the lowest. */
  level: string | null;
  /** The level above `level`; null at the top. */
  nextLevel: string | null;
  /** The checks of `nextLevel` that do not pass yet. */
  missingForNext: string[];
  /** Every check's result. */
  checks: CheckResult[];
}

/**
 * Query of `GET /results`. `owner` includes the owner's subgroups; `level` accepts
 * `none` for entities below the lowest level.
 *
 * @public
 */
export interface ResultsQuery {
  /** Only rows of this scorecard id. */
  scorecard?: string;
  /** Only rows at this level id. */
  level?: string;
  /**
   * Only entities owned by this group or user (entity ref), or by the group's subgroups.
   */
  owner?: string;
  /** Only entities of this system (entity ref). */
  system?: string;
  /** Only entities of this kind, case-insensitive. */
  kind?: string;
  /** Only entities with this `spec.type`. */
  type?: string;
  /** Only entities with this `spec.lifecycle`. */
  lifecycle?: string;
  /** The sort key; `entityRef` by default. */
  sort?: 'entityRef' | 'level' | 'evaluatedAt' | 'owner';
  /** The sort order; `asc` by default. */
  order?: 'asc' | 'desc';
  /** The page size: 50 by default, at most 1000. */
  limit?: number;
  /** Rows to skip; 0 by default. */
  offset?: number;
}

/** A page of `GET /results`. @public */
export interface ResultsPage {
  /** The page's rows. */
  items: EntityResultRow[];
  /** Rows matching the query, over all pages. */
  totalItems: number;
  /** The page size applied. */
  limit: number;
  /** The offset applied. */
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
  /** The scope's golden-path entities scaffolded from the template. */
  entities: number;
  /** Entities per drift status of the template version they use. */
  drift: Record<string, number>;
  /** Hours saved by those entities, each counted once. */
  hoursSaved: number;
}

/**
 * Aggregates of one scope: the whole organisation, a group with its whole subtree, a
 * system or a domain.
 *
 * @public
 */
export interface ScopeAggregate {
  /** What kind of scope this is. */
  scope: 'org' | 'group' | 'system' | 'domain';
  /** The group, system or domain entity ref; `org` for the whole organisation. */
  ref: string;
  /** Evaluated entities in the scope. */
  entities: number;
  /** Per scorecard id, its roll-up in the scope. */
  scorecards: Record<string, ScorecardAggregate>;
  /** Golden-path adoption among the entities eligible for it. */
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
  /** Entity `spec.type`. */
  type?: string;
  /** Entity `spec.lifecycle`. */
  lifecycle?: string;
}

/** `GET /aggregates`. @public */
export interface AggregatesResponse {
  /** The whole organisation. */
  org: ScopeAggregate;
  /** Every group, each with its whole subtree. */
  groups: ScopeAggregate[];
  /** Every system. */
  systems: ScopeAggregate[];
  /** Every domain. */
  domains: ScopeAggregate[];
  /** ISO 8601 time of the last completed evaluation pass; null before the first. */
  evaluatedAt: string | null;
}

/** Query of `GET /history`. @public */
export interface HistoryQuery {
  /** An entity ref, a group/system/domain ref, or `org`. */
  ref: string;
  /** Only this scorecard's snapshots. */
  scorecard?: string;
  /** The first day (YYYY-MM-DD), inclusive. */
  from?: string;
  /** The last day (YYYY-MM-DD), inclusive. */
  to?: string;
}

/** One day's snapshot. @public */
export interface HistoryPoint {
  /** YYYY-MM-DD, UTC. */
  day: string;
  /** The scorecard's id. */
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
  /** Evaluated entities in the scope that day. */
  entities: number;
  /** Golden-path adoption that day, as in {@link ScopeAggregate}. */
  goldenPath: { eligible: number; adopted: number; rate: number };
  /** Golden-path entities per drift status; share on the latest = current / sum. */
  drift: Record<string, number>;
  /** Hours saved that day, as in {@link ScopeAggregate}. */
  hoursSaved: number;
}

/** `GET /history`. @public */
export interface HistoryResponse {
  /** The ref asked for. */
  ref: string;
  /** What `ref` names: an entity or an aggregate scope. */
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
  /** Entities evaluated and their results written. */
  evaluated: number;
  /** Entities read but not evaluated, unchanged since their last evaluation. */
  unchanged: number;
  /** Entities gone from the catalog whose results were removed. */
  removed: number;
  /** Entities whose results were kept but marked stale because a fact source failed. */
  stale: number;
  /** How long the pass took, in milliseconds. */
  durationMs: number;
  /**
   * Of `durationMs`, how long computing the campaigns' progress took (ms); absent when
   * nothing it depends on changed since the last pass.
   */
  campaignsMs?: number;
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
  /** Entities with stored facts that the scorecard applies to. */
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
