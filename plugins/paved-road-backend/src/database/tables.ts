import {
  EvaluatedEntity,
  ScorecardResult,
} from '@paved-road/backstage-plugin-common';
import { Knex } from 'knex';

/** @internal */
export const ENTITIES = 'paved_road_entities';
/** @internal */
export const RESULTS = 'paved_road_results';
/** @internal */
export const PUSHED = 'paved_road_pushed_facts';
/** @internal */
export const STATE = 'paved_road_state';
/** @internal */
export const SNAPSHOTS = 'paved_road_snapshots';
/** @internal */
export const SCAFFOLDS = 'paved_road_scaffold_events';
/** A running pass's entities, invisible to readers until it publishes them. @internal */
export const STAGED_ENTITIES = 'paved_road_staged_entities';
/** A running pass's results, invisible to readers until it publishes them. @internal */
export const STAGED_RESULTS = 'paved_road_staged_results';

/** Rows per statement: well below SQLite's bound-parameter limit. @internal */
export const CHUNK = 40;
/**
 * Rows per INSERT statement on PostgreSQL (upserts, when a COPY met another writer's
 * row; snapshot rows): far below its 65,535 bound parameters (19 columns a row).
 *
 * @internal
 */
export const PG_WRITE_CHUNK = 500;
/** PostgreSQL's SQLSTATE for a duplicate key. @internal */
export const UNIQUE_VIOLATION = '23505';

/** A row of {@link ENTITIES}. @internal */
export type EntityRow = {
  entity_ref: string;
  kind: string;
  type: string | null;
  lifecycle: string | null;
  owner: string | null;
  system: string | null;
  domain: string | null;
  golden_path: boolean | number;
  template_ref: string | null;
  drift: string | null;
  etag: string | null;
  facts: string | null;
  source_errors: string | null;
  definitions_hash: string | null;
  pass_id: string | null;
  evaluated_at: Date | string;
  stale: boolean | number;
  stale_reason: string | null;
};

/** The columns of {@link ENTITIES}, in the order of {@link EntityRow}. @internal */
export const ENTITY_ROW_COLUMNS: ReadonlyArray<keyof EntityRow> = [
  'entity_ref',
  'kind',
  'type',
  'lifecycle',
  'owner',
  'system',
  'domain',
  'golden_path',
  'template_ref',
  'drift',
  'etag',
  'facts',
  'source_errors',
  'definitions_hash',
  'pass_id',
  'evaluated_at',
  'stale',
  'stale_reason',
];

/** A row of {@link RESULTS}. @internal */
export type ResultRow = {
  entity_ref: string;
  scorecard_id: string;
  level: string | null;
  level_index: number;
  next_level: string | null;
  missing_for_next: string;
  checks: string;
  check_statuses: string;
  evaluated_at: Date | string;
};

/** The columns of {@link RESULTS}, in the order of {@link ResultRow}. @internal */
export const RESULT_ROW_COLUMNS: ReadonlyArray<keyof ResultRow> = [
  'entity_ref',
  'scorecard_id',
  'level',
  'level_index',
  'next_level',
  'missing_for_next',
  'checks',
  'check_statuses',
  'evaluated_at',
];

/**
 * One entity's evaluation, as the evaluator hands it to the store.
 *
 * @internal
 */
export interface EntityEvaluation {
  entity: Omit<EvaluatedEntity, 'evaluatedAt' | 'stale' | 'staleReason'>;
  etag: string | null;
  facts: Record<string, unknown>;
  sourceErrors: Record<string, string>;
  results: ScorecardResult[];
  /** Position of each result's level in its scorecard, -1 below the lowest. */
  levelIndex: (result: ScorecardResult) => number;
  definitionsHash: string;
  staleReason?: string;
}

/** `items` in slices of `size`. @internal */
export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/** A JSON column's value parsed, or `fallback` when it is empty. @internal */
export const parseJson = <T>(
  value: string | null | undefined,
  fallback: T,
): T => (value ? (JSON.parse(value) as T) : fallback);

/** Whether the client is PostgreSQL. @internal */
export function isPostgres(db: Knex): boolean {
  return ['pg', 'postgres', 'postgresql'].includes(
    String(db.client.config.client),
  );
}

/** The rows of {@link ENTITIES} for these evaluations, evaluated `now` by `passId`. @internal */
export function toEntityRows(
  evaluations: EntityEvaluation[],
  passId: string,
  now: Date,
): EntityRow[] {
  return evaluations.map(e => ({
    entity_ref: e.entity.entityRef,
    kind: e.entity.kind,
    type: e.entity.type,
    lifecycle: e.entity.lifecycle,
    owner: e.entity.owner,
    system: e.entity.system,
    domain: e.entity.domain,
    golden_path: e.entity.goldenPath,
    template_ref: e.entity.templateRef,
    drift: e.entity.drift,
    // A stale evaluation keeps no etag, so the next pass tries again.
    etag: e.staleReason ? null : e.etag,
    facts: JSON.stringify(e.facts),
    source_errors: JSON.stringify(e.sourceErrors),
    definitions_hash: e.definitionsHash,
    pass_id: passId,
    evaluated_at: now,
    stale: Boolean(e.staleReason),
    stale_reason: e.staleReason ?? null,
  }));
}

/** The rows of {@link RESULTS} for these results, evaluated `now`. @internal */
export function toResultRows(
  results: ScorecardResult[],
  levelIndex: (result: ScorecardResult) => number,
  now: Date,
): ResultRow[] {
  return results.map(r => ({
    entity_ref: r.entityRef,
    scorecard_id: r.scorecardId,
    level: r.level,
    level_index: levelIndex(r),
    next_level: r.nextLevel,
    missing_for_next: JSON.stringify(r.missingForNext),
    checks: JSON.stringify(r.checks),
    check_statuses: JSON.stringify(
      Object.fromEntries(r.checks.map(c => [c.checkId, c.status])),
    ),
    evaluated_at: now,
  }));
}
