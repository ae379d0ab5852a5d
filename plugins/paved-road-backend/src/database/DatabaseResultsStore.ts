import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  CheckResult,
  CheckStatus,
  EntityResultRow,
  EvaluatedEntity,
  ScorecardResult,
  StoredScorecardResult,
} from '@paved-road/backstage-plugin-common';
import { Knex } from 'knex';
import { copyRows, PgConnection } from './postgresCopy';

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

const ENTITIES = 'paved_road_entities';
const RESULTS = 'paved_road_results';
const PUSHED = 'paved_road_pushed_facts';
const STATE = 'paved_road_state';
const SNAPSHOTS = 'paved_road_snapshots';
const SCAFFOLDS = 'paved_road_scaffold_events';

/**
 * The snapshot rows of an aggregate scope's totals (golden-path adoption, drift, hours
 * saved) use this in place of a scorecard id; scorecard ids cannot take this form.
 *
 * @internal
 */
export const SNAPSHOT_TOTALS = '_totals';

/** The scope (and ref and scorecard id) of the row that marks a day's snapshot. */
const SNAPSHOT_DAY = 'day';
/** An entity snapshot row's data when the entity's results for a scorecard are gone. */
const SNAPSHOT_REMOVED = '{"removed":true}';

/**
 * SQL for each entity and scorecard's latest snapshot row before a day (`dayParam`, a
 * placeholder): `(ref, scorecard_id, data)`.
 */
function latestEntitySnapshots(dayParam: string): string {
  return `(SELECT ref, scorecard_id, data FROM (
      SELECT ref, scorecard_id, data, row_number() OVER (
        PARTITION BY ref, scorecard_id ORDER BY day DESC) AS rn
      FROM ${SNAPSHOTS} WHERE scope = 'entity' AND day < ${dayParam}) ranked
    WHERE rn = 1)`;
}

/** Rows per statement: well below SQLite's bound-parameter limit. */
const CHUNK = 40;
/**
 * Rows per INSERT statement on PostgreSQL (upserts, when a COPY met another writer's
 * row; snapshot rows): far below its 65,535 bound parameters (19 columns a row).
 */
const PG_WRITE_CHUNK = 500;

type EntityRow = {
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

/** The columns {@link DatabaseResultsStore.toEntity} reads (not the facts). */
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

type ResultRow = {
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

/** An entity's facts as its last evaluation stored them. @internal */
export interface StoredFacts {
  entityRef: string;
  facts: Record<string, unknown>;
  sourceErrors: Record<string, string>;
}

/** Filters of {@link DatabaseResultsStore.listResults}. @internal */
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
 * Catalog attributes that narrow the aggregate scan (`GET /aggregates?kind=&type=&lifecycle=`).
 * `kind` is matched case-insensitively and must be given in lower case.
 *
 * @internal
 */
export interface AggregatesFilter {
  kind?: string;
  type?: string;
  lifecycle?: string;
}

/** Roll-up attributes that results and entities are grouped by. @internal */
export interface AggregateGroupKey {
  owner: string | null;
  system: string | null;
  domain: string | null;
  goldenPath: boolean;
  drift: string | null;
}

/**
 * Stored results with the same roll-up attributes, scorecard, level and check statuses,
 * counted. @internal
 */
export interface ResultGroup extends AggregateGroupKey {
  scorecardId: string;
  level: string | null;
  /** Check id to status, as stored (`check_statuses`). */
  statuses: Record<string, CheckStatus>;
  count: number;
}

/**
 * Entities with at least one result and the same roll-up attributes and source
 * template, counted, with how many of them have a recorded scaffold event and those
 * events' hours (each entity's latest event). @internal
 */
export interface EntityGroup extends AggregateGroupKey {
  templateRef: string | null;
  count: number;
  recorded: number;
  recordedHours: number;
}

/** What the roll-ups are computed from: {@link DatabaseResultsStore.aggregateGroups}. @internal */
export interface AggregateGroups {
  results: ResultGroup[];
  entities: EntityGroup[];
}

const toIso = (value: Date | string) => new Date(value).toISOString();
function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

const parse = <T>(value: string | null | undefined, fallback: T): T =>
  value ? (JSON.parse(value) as T) : fallback;

/**
 * {@link DatabaseResultsStore.getEntityJson} on PostgreSQL: the `EntityResultsResponse`
 * of one entity as JSON text, results in scorecard order.
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

/** PostgreSQL's SQLSTATE for a duplicate key. */
const UNIQUE_VIOLATION = '23505';

const columnsOf = <T extends object>(rows: T[]) =>
  (rows.length ? Object.keys(rows[0]) : []) as Array<keyof T & string>;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/**
 * Stores evaluated entities, their scorecard results, pushed facts, evaluation state
 * and daily snapshots. Writes are upserts keyed by entity ref (and scorecard id), so
 * repeating a pass never duplicates rows.
 *
 * @internal
 */
export class DatabaseResultsStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseResultsStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseResultsStore(client);
  }

  private readonly isPostgres: boolean;
  /** Rows per INSERT statement. */
  private readonly writeChunk: number;

  private constructor(private readonly db: Knex) {
    const client = String(db.client.config.client);
    this.isPostgres = ['pg', 'postgres', 'postgresql'].includes(client);
    this.writeChunk = this.isPostgres ? PG_WRITE_CHUNK : CHUNK;
  }

  async getState(key: string): Promise<string | undefined> {
    const row = await this.db(STATE).where({ key }).first();
    return row?.value;
  }

  async setState(key: string, value: string): Promise<void> {
    await this.db(STATE).insert({ key, value }).onConflict('key').merge();
  }

  /**
   * What is stored for these entities: etag, definitions hash, stale flag and when they
   * were evaluated (ms since the epoch).
   */
  async getEvaluationKeys(refs: string[]): Promise<
    Map<
      string,
      {
        etag: string | null;
        definitionsHash: string | null;
        stale: boolean;
        evaluatedAt: number;
      }
    >
  > {
    const out = new Map();
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

  /**
   * Removes the stored entities (and their results) not in `seen`, the refs a pass read
   * from the catalog: those are gone from it. The stored refs are read in pages.
   */
  async removeMissing(seen: ReadonlySet<string>, page = 5000): Promise<number> {
    const missing: string[] = [];
    for (let after: string | undefined; ; ) {
      const query = this.db(ENTITIES)
        .select('entity_ref')
        .orderBy('entity_ref')
        .limit(page);
      if (after !== undefined) query.where('entity_ref', '>', after);
      const rows: Array<{ entity_ref: string }> = await query;
      for (const row of rows) {
        if (!seen.has(row.entity_ref)) missing.push(row.entity_ref);
      }
      if (rows.length < page) break;
      after = rows[rows.length - 1].entity_ref;
    }
    let removed = 0;
    await this.db.transaction(async tx => {
      for (const part of chunks(missing, 500)) {
        await tx(RESULTS).whereIn('entity_ref', part).delete();
        removed += Number(
          await tx(ENTITIES).whereIn('entity_ref', part).delete(),
        );
      }
    });
    return removed;
  }

  /** Stores evaluated entities and replaces their results, in one transaction. */
  async saveEvaluations(
    evaluations: EntityEvaluation[],
    passId: string,
  ): Promise<void> {
    if (!evaluations.length) return;
    const now = new Date();
    const entityRows: EntityRow[] = evaluations.map(e => ({
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
    const resultRows = evaluations.flatMap(e =>
      this.toResultRows(e.results, e.levelIndex, now),
    );
    const refs = entityRows.map(r => r.entity_ref);
    await this.write(async ({ tx, insert }) => {
      for (const part of chunks(refs, 500)) {
        await tx(RESULTS).whereIn('entity_ref', part).delete();
        await tx(ENTITIES).whereIn('entity_ref', part).delete();
      }
      await insert(ENTITIES, entityRows, ['entity_ref']);
      await insert(RESULTS, resultRows, ['entity_ref', 'scorecard_id']);
    });
  }

  /**
   * Replaces the results of some scorecards (`scorecardIds`: those re-evaluated, and
   * removed ones) for these entities, keeping their other results, and moves the
   * entities evaluated with definitions `fromHash` to `toHash`, in one transaction.
   */
  async replaceScorecardResults(options: {
    entityRefs: string[];
    scorecardIds: string[];
    results: ScorecardResult[];
    levelIndex: (result: ScorecardResult) => number;
    fromHash: string;
    toHash: string;
  }): Promise<void> {
    const { entityRefs, scorecardIds } = options;
    if (!entityRefs.length) return;
    const rows = this.toResultRows(
      options.results,
      options.levelIndex,
      new Date(),
    );
    await this.write(async ({ tx, insert }) => {
      for (const part of chunks(entityRefs, 500)) {
        await tx(RESULTS)
          .whereIn('entity_ref', part)
          .whereIn('scorecard_id', scorecardIds)
          .delete();
        await tx(ENTITIES)
          .whereIn('entity_ref', part)
          .where('definitions_hash', options.fromHash)
          .update({ definitions_hash: options.toHash });
      }
      await insert(RESULTS, rows, ['entity_ref', 'scorecard_id']);
    });
  }

  private toResultRows(
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

  /**
   * Runs `fn` in a transaction, with `insert` for rows it deleted first. On PostgreSQL
   * `insert` copies them in (`COPY`, which costs the server a fraction of INSERT
   * statements); should another writer store one of the rows meanwhile (an on-demand
   * re-evaluation on another replica), the transaction is rolled back and run again
   * with upserts.
   */
  private async write(
    fn: (writer: {
      tx: Knex.Transaction;
      insert: <T extends Record<string, unknown>>(
        table: string,
        rows: T[],
        conflict: string[],
      ) => Promise<void>;
    }) => Promise<void>,
  ): Promise<void> {
    const run = (copy: boolean) =>
      this.db.transaction(tx =>
        fn({
          tx,
          insert: async (table, rows, conflict) => {
            if (copy) {
              const connection: PgConnection =
                await tx.client.acquireConnection();
              await copyRows(connection, table, columnsOf(rows), rows);
              return;
            }
            for (const part of chunks(rows, this.writeChunk)) {
              await tx(table).insert(part).onConflict(conflict).merge();
            }
          },
        }),
      );
    if (this.isPostgres) {
      try {
        await run(true);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      }
    }
    await run(false);
  }

  /**
   * Keeps the last results and marks them stale with the reason; without `refs`, all
   * entities. Clears the etag so the next pass re-evaluates them.
   */
  async markStale(reason: string, refs?: string[]): Promise<number> {
    const update = { stale: true, stale_reason: reason.slice(0, 2000) };
    if (!refs) return this.db(ENTITIES).update(update);
    let count = 0;
    for (const part of chunks(refs, 500)) {
      count += await this.db(ENTITIES)
        .whereIn('entity_ref', part)
        .update({ ...update, etag: null });
    }
    return count;
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

  #entitySql?: string;

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

  /**
   * The stored results and entities grouped by what the roll-ups need (owner, system,
   * domain, golden path, drift; scorecard, level and check statuses; source template),
   * counted in SQL: the answer grows with the organisation's shape, not with the number
   * of entities. `filter` keeps only entities of that kind, type and lifecycle;
   * `visible`, only those refs (then queried in chunks of refs).
   */
  async aggregateGroups(
    filter: AggregatesFilter = {},
    visible?: ReadonlySet<string>,
  ): Promise<AggregateGroups> {
    const out: AggregateGroups = { results: [], entities: [] };
    const parts = visible ? chunks([...visible], 500) : [undefined];
    const statuses = new Map<string, Record<string, CheckStatus>>();
    for (const refs of parts) {
      const narrow = (query: Knex.QueryBuilder) => {
        if (filter.kind) query.whereRaw('lower(e.kind) = ?', [filter.kind]);
        if (filter.type) query.where('e.type', filter.type);
        if (filter.lifecycle) query.where('e.lifecycle', filter.lifecycle);
        if (refs) query.whereIn('e.entity_ref', refs);
        return query;
      };
      const keyColumns = [
        'e.owner',
        'e.system',
        'e.domain',
        'e.golden_path',
        'e.drift',
      ];
      const resultColumns = [
        ...keyColumns,
        'r.scorecard_id',
        'r.level',
        'r.check_statuses',
      ];
      const resultRows = await narrow(
        this.db(`${RESULTS} as r`)
          .join(`${ENTITIES} as e`, 'e.entity_ref', 'r.entity_ref')
          .select(...resultColumns, this.db.raw('count(*) as count'))
          .groupBy(resultColumns),
      );
      for (const row of resultRows) {
        const json = row.check_statuses ?? '{}';
        let parsed = statuses.get(json);
        if (!parsed) {
          parsed = JSON.parse(json) as Record<string, CheckStatus>;
          statuses.set(json, parsed);
        }
        out.results.push({
          ...this.toGroupKey(row),
          scorecardId: row.scorecard_id,
          level: row.level,
          statuses: parsed,
          count: Number(row.count),
        });
      }

      const entityColumns = [...keyColumns, 'e.template_ref'];
      const entityRows = await narrow(
        this.db(`${ENTITIES} as e`)
          .leftJoin(
            this.latestScaffoldEvents().as('s'),
            's.entity_ref',
            'e.entity_ref',
          )
          .whereExists(
            this.db(`${RESULTS} as r`)
              .select(this.db.raw('1'))
              .whereRaw('r.entity_ref = e.entity_ref'),
          )
          .select(
            ...entityColumns,
            this.db.raw('count(*) as count'),
            this.db.raw('count(s.entity_ref) as recorded'),
            this.db.raw('coalesce(sum(s.hours_saved), 0) as recorded_hours'),
          )
          .groupBy(entityColumns),
      );
      for (const row of entityRows) {
        out.entities.push({
          ...this.toGroupKey(row),
          templateRef: row.template_ref,
          count: Number(row.count),
          recorded: Number(row.recorded),
          recordedHours: Number(row.recorded_hours),
        });
      }
    }
    return out;
  }

  private toGroupKey(row: Record<string, any>): AggregateGroupKey {
    return {
      owner: row.owner,
      system: row.system,
      domain: row.domain,
      goldenPath: Boolean(row.golden_path),
      drift: row.drift,
    };
  }

  /** How many scaffold events there are (they feed hours saved). */
  async scaffoldEventCount(): Promise<number> {
    const [{ count }] = await this.db(SCAFFOLDS).count({ count: '*' });
    return Number(count);
  }

  /**
   * Each scaffolded entity's latest scaffold event (`entity_ref`, `hours_saved`), as a
   * subquery: an entity scaffolded more than once (a retried or repeated run) counts
   * once, with its latest event's hours.
   */
  private latestScaffoldEvents(): Knex.QueryBuilder {
    return this.db(`${SCAFFOLDS} as s`)
      .select('s.entity_ref', 's.hours_saved')
      .whereNotExists(
        this.db(`${SCAFFOLDS} as later`)
          .select(this.db.raw('1'))
          .whereRaw('later.entity_ref = s.entity_ref')
          .andWhere(builder =>
            builder
              .whereRaw('later.created_at > s.created_at')
              .orWhere(inner =>
                inner
                  .whereRaw('later.created_at = s.created_at')
                  .andWhereRaw('later.id > s.id'),
              ),
          ),
      );
  }

  /**
   * The stored facts of every entity (those of its last evaluation), in pages of
   * `pageSize` in entity-ref order.
   */
  async *storedFacts(pageSize = 500): AsyncGenerator<StoredFacts[]> {
    let after = '';
    for (;;) {
      const rows: Array<
        Pick<EntityRow, 'entity_ref' | 'facts' | 'source_errors'>
      > = await this.db<EntityRow>(ENTITIES)
        .select('entity_ref', 'facts', 'source_errors')
        .where('entity_ref', '>', after)
        .orderBy('entity_ref')
        .limit(pageSize);
      if (!rows.length) return;
      yield rows.map(row => ({
        entityRef: row.entity_ref,
        facts: parse(row.facts, {}),
        sourceErrors: parse(row.source_errors, {}),
      }));
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1].entity_ref;
    }
  }

  /** {@link storedFacts} of every entity, with its stored levels, for previews. */
  async *factsWithLevels(): AsyncGenerator<
    StoredFacts & { levels: Record<string, string | null> }
  > {
    for await (const page of this.storedFacts()) {
      const levels = new Map<string, Record<string, string | null>>();
      const results = await this.db<ResultRow>(RESULTS)
        .select('entity_ref', 'scorecard_id', 'level')
        .whereIn(
          'entity_ref',
          page.map(r => r.entityRef),
        );
      for (const r of results) {
        const current = levels.get(r.entity_ref) ?? {};
        current[r.scorecard_id] = r.level;
        levels.set(r.entity_ref, current);
      }
      for (const row of page) {
        yield { ...row, levels: levels.get(row.entityRef) ?? {} };
      }
    }
  }

  /** Stores facts pushed by CI and forces the entity's re-evaluation. */
  async putPushedFacts(
    entityRef: string,
    source: string,
    facts: Record<string, unknown>,
  ): Promise<void> {
    await this.db(PUSHED)
      .insert({
        entity_ref: entityRef,
        source,
        facts: JSON.stringify(facts),
        pushed_at: new Date(),
      })
      .onConflict(['entity_ref', 'source'])
      .merge();
    await this.db(ENTITIES)
      .where({ entity_ref: entityRef })
      .update({ etag: null });
  }

  async getPushedFacts(
    refs: string[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    for (const part of chunks(refs, 500)) {
      const rows = await this.db(PUSHED)
        .select('entity_ref', 'source', 'facts')
        .whereIn('entity_ref', part);
      for (const row of rows) {
        const current = out.get(row.entity_ref) ?? {};
        current[row.source] = parse(row.facts, {});
        out.set(row.entity_ref, current);
      }
    }
    return out;
  }

  async hasSnapshot(day: string): Promise<boolean> {
    return Boolean(
      await this.db(SNAPSHOTS).where({ day, scope: SNAPSHOT_DAY }).first(),
    );
  }

  /**
   * Writes one day's snapshot: the day itself (a marker row, so an entity's unchanged
   * levels can be read on it), the entity levels that changed since the entity's last
   * snapshot row, copied from the stored results in SQL (`scope` `entity`, data
   * `{"level": ...}`; an entity and scorecard seen for the first time counts as
   * changed), a removal row for each entity and scorecard whose results are gone,
   * and the given rows of the aggregate scopes. So an entity's history costs a row per
   * change, not a row per day. Repeating a day replaces it.
   */
  async writeSnapshots(
    day: string,
    rows: Array<{
      scope: string;
      ref: string;
      scorecardId: string;
      data: unknown;
    }>,
  ): Promise<void> {
    const level = this.levelJson('r.level');
    const latest = latestEntitySnapshots('?');
    await this.db.transaction(async tx => {
      await tx(SNAPSHOTS).where({ day }).delete();
      await tx(SNAPSHOTS).insert({
        day,
        scope: SNAPSHOT_DAY,
        ref: SNAPSHOT_DAY,
        scorecard_id: SNAPSHOT_DAY,
        data: '{}',
      });
      await tx.raw(
        `INSERT INTO ${SNAPSHOTS} (day, scope, ref, scorecard_id, data)
         SELECT ?, 'entity', r.entity_ref, r.scorecard_id, ${level}
         FROM ${RESULTS} r
         LEFT JOIN ${latest} l
           ON l.ref = r.entity_ref AND l.scorecard_id = r.scorecard_id
         WHERE l.data IS NULL OR l.data <> ${level}`,
        [day, day],
      );
      await tx.raw(
        `INSERT INTO ${SNAPSHOTS} (day, scope, ref, scorecard_id, data)
         SELECT ?, 'entity', l.ref, l.scorecard_id, ?
         FROM ${latest} l
         WHERE l.data <> ? AND NOT EXISTS (
           SELECT 1 FROM ${RESULTS} r
           WHERE r.entity_ref = l.ref AND r.scorecard_id = l.scorecard_id)`,
        [day, SNAPSHOT_REMOVED, day, SNAPSHOT_REMOVED],
      );
      for (const part of chunks(rows, this.writeChunk)) {
        await tx(SNAPSHOTS).insert(
          part.map(r => ({
            day,
            scope: r.scope,
            ref: r.ref,
            scorecard_id: r.scorecardId,
            data: JSON.stringify(r.data),
          })),
        );
      }
    });
  }

  /** SQL for `{"level": <column>}` as text, as the entity snapshot rows hold it. */
  private levelJson(column: string): string {
    return this.isPostgres
      ? `json_build_object('level', ${column})::text`
      : `json_object('level', ${column})`;
  }

  /**
   * Snapshots of one ref, oldest first, one row per snapshot day and scorecard.
   * `scorecard` narrows the per-scorecard rows; an aggregate scope's totals rows
   * ({@link SNAPSHOT_TOTALS}) are always included. An entity's rows are its changes;
   * each day a snapshot was taken reads the entity's latest change on or before it.
   */
  async history(query: {
    ref: string;
    scorecard?: string;
    from?: string;
    to?: string;
  }): Promise<
    Array<{ day: string; scope: string; scorecardId: string; data: any }>
  > {
    const builder = this.db(SNAPSHOTS)
      .where({ ref: query.ref })
      .orderBy([
        { column: 'day', order: 'asc' },
        { column: 'scorecard_id', order: 'asc' },
      ]);
    if (query.scorecard) {
      builder.whereIn('scorecard_id', [query.scorecard, SNAPSHOT_TOTALS]);
    }
    if (query.to) builder.where('day', '<=', query.to);
    // An entity's change rows before `from` still decide its level on `from`.
    const from = query.from;
    if (from) {
      builder.where(b =>
        b.where({ scope: 'entity' }).orWhere('day', '>=', from),
      );
    }
    const rows: Array<{
      day: string;
      scope: string;
      scorecard_id: string;
      data: string;
    }> = await builder;
    const out: Array<{
      day: string;
      scope: string;
      scorecardId: string;
      data: any;
    }> = [];
    const changes = new Map<string, Array<{ day: string; data: string }>>();
    for (const row of rows) {
      if (row.scope === 'entity') {
        const list = changes.get(row.scorecard_id) ?? [];
        list.push({ day: row.day, data: row.data });
        changes.set(row.scorecard_id, list);
      } else {
        out.push({
          day: row.day,
          scope: row.scope,
          scorecardId: row.scorecard_id,
          data: parse(row.data, {}),
        });
      }
    }
    if (changes.size > 0) {
      const daysQuery = this.db(SNAPSHOTS)
        .select('day')
        .where({ scope: SNAPSHOT_DAY })
        .orderBy('day');
      if (query.from) daysQuery.where('day', '>=', query.from);
      if (query.to) daysQuery.where('day', '<=', query.to);
      const days: string[] = (await daysQuery).map(r => r.day);
      for (const [scorecardId, list] of changes) {
        let i = 0;
        for (const day of days) {
          while (i < list.length && list[i].day <= day) i++;
          const current = list[i - 1];
          if (!current || current.data === SNAPSHOT_REMOVED) continue;
          out.push({
            day,
            scope: 'entity',
            scorecardId,
            data: parse(current.data, {}),
          });
        }
      }
      out.sort((a, b) =>
        a.day === b.day
          ? compare(a.scorecardId, b.scorecardId)
          : compare(a.day, b.day),
      );
    }
    return out;
  }

  /**
   * Deletes snapshots older than `day` (exclusive): every aggregate row and day
   * marker before it, and every entity change row before it but the latest one of
   * each entity and scorecard, which still gives the level on `day` and after (unless
   * it records a removal, which is deleted too).
   */
  async pruneSnapshots(beforeDay: string): Promise<number> {
    return this.db.transaction(async tx => {
      let deleted = Number(
        await tx(SNAPSHOTS)
          .whereNot({ scope: 'entity' })
          .where('day', '<', beforeDay)
          .delete(),
      );
      deleted += Number(
        await tx(SNAPSHOTS)
          .where({ scope: 'entity' })
          .where('day', '<', beforeDay)
          .whereExists(newer =>
            newer
              .select(tx.raw('1'))
              .from({ n: SNAPSHOTS })
              .whereRaw(
                `n.scope = 'entity' AND n.ref = ${SNAPSHOTS}.ref
                 AND n.scorecard_id = ${SNAPSHOTS}.scorecard_id
                 AND n.day > ${SNAPSHOTS}.day AND n.day <= ?`,
                [beforeDay],
              ),
          )
          .delete(),
      );
      deleted += Number(
        await tx(SNAPSHOTS)
          .where({ scope: 'entity', data: SNAPSHOT_REMOVED })
          .where('day', '<', beforeDay)
          .delete(),
      );
      return deleted;
    });
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
      missingForNext: parse<string[]>(row.missing_for_next, []),
      checks: parse<CheckResult[]>(row.checks, []),
    };
  }
}
