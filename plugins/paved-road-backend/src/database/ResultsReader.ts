import {
  CheckResult,
  EntityResultRow,
  EvaluatedEntity,
  StoredScorecardResult,
} from '@paved-road/backstage-plugin-common';
import { Knex } from 'knex';
import {
  chunks,
  ENTITIES,
  EntityRow,
  isPostgres,
  parseJson,
  RESULTS,
  ResultRow,
} from './tables';

/** The columns {@link ResultsReader.toEntity} reads (not the facts). */
const ENTITY_COLUMNS: Array<keyof EntityRow> = [
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
  'evaluated_at',
  'stale',
  'stale_reason',
];

/** Filters of {@link ResultsReader.listResults}. @internal */
export interface ResultsFilter {
  scorecard?: string;
  level?: string;
  owners?: string[];
  system?: string;
  kind?: string;
  type?: string;
  lifecycle?: string;
  sort: 'entityRef' | 'level' | 'evaluatedAt' | 'owner';
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
  /** Only these entities; all when undefined. */
  visibleRefs?: ReadonlySet<string>;
}

/**
 * What is stored for an entity that decides whether a pass re-evaluates it:
 * {@link ResultsReader.getEvaluationKeys}. @internal
 */
export interface EvaluationKey {
  etag: string | null;
  definitionsHash: string | null;
  stale: boolean;
  /** ms since the epoch. */
  evaluatedAt: number;
}

const toIso = (value: Date | string) => new Date(value).toISOString();

/**
 * {@link ResultsReader.getEntityJson} on PostgreSQL: the `EntityResultsResponse` of one
 * entity as JSON text, results in scorecard order.
 */
const ENTITY_JSON_SQL = `
  SELECT json_build_object(
    'entity', json_build_object(
      'entityRef', e.entity_ref, 'kind', e.kind, 'type', e.type,
      'lifecycle', e.lifecycle, 'owner', e.owner, 'system', e.system,
      'domain', e.domain, 'goldenPath', e.golden_path,
      'templateRef', e.template_ref, 'drift', e.drift,
      'evaluatedAt', to_char(e.evaluated_at AT TIME ZONE 'UTC',
                             'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'stale', e.stale, 'staleReason', e.stale_reason),
    'results', COALESCE(
      (SELECT json_agg(json_build_object(
                'scorecardId', r.scorecard_id, 'level', r.level,
                'nextLevel', r.next_level,
                'missingForNext', r.missing_for_next::json,
                'checks', r.checks::json)
              ORDER BY r.scorecard_id)
         FROM ${RESULTS} r WHERE r.entity_ref = e.entity_ref),
      '[]'::json)
  )::text AS body
  FROM ${ENTITIES} e
  WHERE e.entity_ref = ?`;

/**
 * Reads the stored entities and their scorecard results: one entity for its page (as
 * objects or as the endpoint's JSON), the filtered and paged results list, and what a
 * pass compares to decide what to re-evaluate.
 *
 * @internal
 */
export class ResultsReader {
  private readonly isPostgres: boolean;
  #entitySql?: string;

  constructor(private readonly db: Knex) {
    this.isPostgres = isPostgres(db);
  }

  /** What is stored for these entities ({@link EvaluationKey}). */
  async getEvaluationKeys(refs: string[]): Promise<Map<string, EvaluationKey>> {
    const out = new Map<string, EvaluationKey>();
    for (const part of chunks(refs, 500)) {
      const rows = await this.db<EntityRow>(ENTITIES)
        .select(
          'entity_ref',
          'etag',
          'definitions_hash',
          'stale',
          'evaluated_at',
        )
        .whereIn('entity_ref', part);
      for (const row of rows) {
        out.set(row.entity_ref, {
          etag: row.etag,
          definitionsHash: row.definitions_hash,
          stale: Boolean(row.stale),
          evaluatedAt: new Date(row.evaluated_at).getTime(),
        });
      }
    }
    return out;
  }

  /** How many entities are stored. */
  async countEntities(): Promise<number> {
    const [{ count }] = await this.db(ENTITIES).count({ count: '*' });
    return Number(count);
  }

  async getEntity(
    entityRef: string,
  ): Promise<
    { entity: EvaluatedEntity; results: StoredScorecardResult[] } | undefined
  > {
    const rows = await this.entityRows(entityRef);
    if (!rows.length) return undefined;
    return {
      entity: this.toEntity(rows[0]),
      results: rows
        .filter((r): r is EntityRow & ResultRow => Boolean(r.scorecard_id))
        .map(r => this.toResult(r)),
    };
  }

  /**
   * {@link getEntity} as the JSON of an `EntityResultsResponse`, for the entity endpoint
   * that every entity page calls: the stored lists of checks and missing checks are JSON
   * this store wrote, so they are sent as they are rather than parsed and serialised again.
   * Undefined when nothing is stored for the entity. PostgreSQL writes the whole answer
   * itself: one short string reaches the backend instead of a row per result with the
   * entity's columns repeated, which spares the backend process that much garbage.
   */
  async getEntityJson(entityRef: string): Promise<string | undefined> {
    if (this.isPostgres) {
      const { rows } = await this.db.raw(ENTITY_JSON_SQL, [entityRef]);
      return rows[0]?.body;
    }
    const rows = await this.entityRows(entityRef);
    if (!rows.length) return undefined;
    const results = rows
      .filter(r => r.scorecard_id)
      .map(
        r =>
          `{"scorecardId":${JSON.stringify(
            r.scorecard_id,
          )},"level":${JSON.stringify(
            r.level ?? null,
          )},"nextLevel":${JSON.stringify(
            r.next_level ?? null,
          )},"missingForNext":${r.missing_for_next || '[]'},"checks":${
            r.checks || '[]'
          }}`,
      );
    return `{"entity":${JSON.stringify(
      this.toEntity(rows[0]),
    )},"results":[${results.join(',')}]}`;
  }

  /**
   * An entity's row joined with its results: a row per result (the entity's columns
   * repeated), or one row with no result columns. One query without the stored facts;
   * its SQL is compiled once, as every entity page runs it.
   */
  private async entityRows(
    entityRef: string,
  ): Promise<Array<EntityRow & Partial<ResultRow>>> {
    this.#entitySql ??= this.db(`${ENTITIES} as e`)
      .leftJoin(`${RESULTS} as r`, 'r.entity_ref', 'e.entity_ref')
      .where('e.entity_ref', '')
      .select(
        ...ENTITY_COLUMNS.map(column => `e.${column}`),
        'r.scorecard_id',
        'r.level',
        'r.next_level',
        'r.missing_for_next',
        'r.checks',
      )
      .orderBy('r.scorecard_id')
      .toSQL().sql;
    const answer = await this.db.raw(this.#entitySql, [entityRef]);
    // PostgreSQL answers a result object, SQLite an array of rows.
    return Array.isArray(answer) ? answer : answer.rows;
  }

  async listResults(
    filter: ResultsFilter,
  ): Promise<{ items: EntityResultRow[]; totalItems: number }> {
    const query = this.db(`${RESULTS} as r`).join(
      `${ENTITIES} as e`,
      'e.entity_ref',
      'r.entity_ref',
    );
    if (filter.scorecard) query.where('r.scorecard_id', filter.scorecard);
    if (filter.level === 'none') query.whereNull('r.level');
    else if (filter.level) query.where('r.level', filter.level);
    if (filter.owners) query.whereIn('e.owner', filter.owners);
    if (filter.system) query.where('e.system', filter.system);
    if (filter.kind) query.whereRaw('lower(e.kind) = ?', [filter.kind]);
    if (filter.type) query.where('e.type', filter.type);
    if (filter.lifecycle) query.where('e.lifecycle', filter.lifecycle);
    const column = {
      entityRef: 'r.entity_ref',
      level: 'r.level_index',
      evaluatedAt: 'r.evaluated_at',
      owner: 'e.owner',
    }[filter.sort];
    query.orderBy([
      { column, order: filter.order },
      { column: 'r.entity_ref', order: 'asc' },
      { column: 'r.scorecard_id', order: 'asc' },
    ]);
    const map = (row: EntityRow & ResultRow) => ({
      ...this.toEntity(row),
      ...this.toResult(row),
    });
    if (filter.visibleRefs) {
      // The caller sees only some entities: filter before paging.
      const rows = (await query.select('e.*', 'r.*')).filter((row: EntityRow) =>
        filter.visibleRefs!.has(row.entity_ref),
      );
      return {
        items: rows.slice(filter.offset, filter.offset + filter.limit).map(map),
        totalItems: rows.length,
      };
    }
    const [{ count }] = await query.clone().clearOrder().count({ count: '*' });
    const rows = await query
      .select('e.*', 'r.*')
      .limit(filter.limit)
      .offset(filter.offset);
    return { items: rows.map(map), totalItems: Number(count) };
  }

  private toEntity(row: EntityRow): EvaluatedEntity {
    return {
      entityRef: row.entity_ref,
      kind: row.kind,
      type: row.type,
      lifecycle: row.lifecycle,
      owner: row.owner,
      system: row.system,
      domain: row.domain,
      goldenPath: Boolean(row.golden_path),
      templateRef: row.template_ref,
      drift: row.drift as EvaluatedEntity['drift'],
      evaluatedAt: toIso(row.evaluated_at),
      stale: Boolean(row.stale),
      staleReason: row.stale_reason,
    };
  }

  private toResult(row: ResultRow): StoredScorecardResult {
    return {
      scorecardId: row.scorecard_id,
      level: row.level,
      nextLevel: row.next_level,
      missingForNext: parseJson<string[]>(row.missing_for_next, []),
      checks: parseJson<CheckResult[]>(row.checks, []),
    };
  }
}
