import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  RecordedUpgradeRun,
  UpgradeOutcome,
  UpgradeOutcomeCounts,
  UpgradeRun,
  UpgradeRunInput,
  UpgradeRunResult,
  UpgradeRunScope,
  UpgradeRunWithResults,
} from '@paved-road/backstage-plugin-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { chunks, isPostgres } from './tables';

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

const RUNS = 'paved_road_upgrade_runs';
const RESULTS = 'paved_road_upgrade_results';

type RunRow = {
  id: string;
  template_ref: string;
  to_version: string;
  scope: string | null;
  created_by: string;
  created_at: Date | string | number;
  count_opened: number;
  count_current: number;
  count_conflicted: number;
  count_failed: number;
};

type ResultRow = {
  run_id: string;
  entity_ref: string;
  template_ref: string;
  to_version: string;
  created_at: Date | string | number;
  from_version: string;
  outcome: UpgradeOutcome;
  url: string | null;
  branch: string | null;
  conflicts: number | null;
  reason: string | null;
  task_id: string | null;
};

/** Result rows per INSERT: 12 columns, well below SQLite's 999 bound parameters. */
const SQLITE_CHUNK = 80;
/** Result rows per INSERT on PostgreSQL (65,535 bound parameters). */
const PG_CHUNK = 1000;
/** Runs read at a time when results are filtered by entity visibility. */
const RUN_BATCH = 50;

/** The entities whose upgrades a caller may see; undefined when every entity. */
export type Visible = ReadonlySet<string> | undefined;

/**
 * An upgrade request as stored: the latest result for one template, entity and target
 * version (its status is the reader's to compute).
 *
 * @internal
 */
export interface StoredUpgradeRequest extends UpgradeRunResult {
  runId: string;
  templateRef: string;
  toVersion: string;
  createdAt: string;
}

const toIso = (value: Date | string | number) => new Date(value).toISOString();

const noCounts = (): UpgradeOutcomeCounts => ({
  opened: 0,
  current: 0,
  conflicted: 0,
  failed: 0,
});

function countOutcomes(results: Array<{ outcome: UpgradeOutcome }>) {
  const counts = noCounts();
  for (const { outcome } of results) counts[outcome] += 1;
  return counts;
}

function scopeOf(row: RunRow): UpgradeRunScope | undefined {
  return row.scope ? (JSON.parse(row.scope) as UpgradeRunScope) : undefined;
}

/** Whether the caller may read every entity the run's scope names. */
function scopeVisible(row: RunRow, visible: Visible) {
  const scope = scopeOf(row);
  return (
    !visible ||
    !scope ||
    Object.values(scope).every(ref => !ref || visible.has(ref))
  );
}

/** A result row as returned; the optional columns may not have been read. */
function resultOf(
  row: Omit<ResultRow, 'url' | 'branch' | 'conflicts' | 'reason' | 'task_id'> &
    Partial<ResultRow>,
): UpgradeRunResult {
  const { url, branch, conflicts, reason, task_id: taskId } = row;
  return {
    entityRef: row.entity_ref,
    fromVersion: row.from_version,
    outcome: row.outcome,
    ...(typeof url === 'string' ? { url } : {}),
    ...(typeof branch === 'string' ? { branch } : {}),
    ...(conflicts !== null && conflicts !== undefined
      ? { conflicts: Number(conflicts) }
      : {}),
    ...(typeof reason === 'string' ? { reason } : {}),
    ...(typeof taskId === 'string' ? { taskId } : {}),
  };
}

/**
 * Stores template upgrade runs (`POST /upgrade-runs`) and their result per service, and
 * reads them back: runs, and upgrade requests (the latest result per template, service
 * and target version). Readers pass the entities the caller may read (`visible`): a run
 * is shown to them when they may read the entities its scope names and at least one of
 * its services, with the counts and results of those services only.
 *
 * @internal
 */
export class DatabaseUpgradeStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseUpgradeStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseUpgradeStore(client);
  }

  /** The last recording time handed out, so runs of one backend never share one. */
  private lastCreatedAt = 0;

  private constructor(private readonly db: Knex) {}

  /** Records a run and its results in one transaction: all of it, or nothing. */
  async record(
    run: UpgradeRunInput,
    createdBy: string,
  ): Promise<RecordedUpgradeRun> {
    const id = randomUUID();
    this.lastCreatedAt = Math.max(Date.now(), this.lastCreatedAt + 1);
    const createdAt = new Date(this.lastCreatedAt);
    const counts = countOutcomes(run.results);
    const scope = Object.fromEntries(
      Object.entries(run.scope ?? {}).filter(([, ref]) => ref !== undefined),
    );
    const runRow: RunRow = {
      id,
      template_ref: run.templateRef,
      to_version: run.toVersion,
      scope: Object.keys(scope).length ? JSON.stringify(scope) : null,
      created_by: createdBy,
      created_at: createdAt,
      count_opened: counts.opened,
      count_current: counts.current,
      count_conflicted: counts.conflicted,
      count_failed: counts.failed,
    };
    const rows: ResultRow[] = run.results.map(r => ({
      run_id: id,
      entity_ref: r.entityRef,
      template_ref: run.templateRef,
      to_version: run.toVersion,
      created_at: createdAt,
      from_version: r.fromVersion,
      outcome: r.outcome,
      url: r.url ?? null,
      branch: r.branch ?? null,
      conflicts: r.conflicts ?? null,
      reason: r.reason ?? null,
      task_id: r.taskId ?? null,
    }));
    const size = isPostgres(this.db) ? PG_CHUNK : SQLITE_CHUNK;
    await this.db.transaction(async tx => {
      await tx<RunRow>(RUNS).insert(runRow);
      for (const chunk of chunks(rows, size)) {
        await tx<ResultRow>(RESULTS).insert(chunk);
      }
    });
    return { id, createdAt: createdAt.toISOString(), counts };
  }

  /**
   * The newest runs first, `limit` at most, with their counts over the visible
   * services; with `visible`, only runs the caller may see (read in batches until
   * `limit` are found).
   */
  async listRuns(query: {
    templateRef?: string;
    limit: number;
    visible: Visible;
  }): Promise<UpgradeRun[]> {
    const { visible, limit } = query;
    const batch = visible ? RUN_BATCH : limit;
    const found: UpgradeRun[] = [];
    for (let offset = 0; found.length < limit; offset += batch) {
      const builder = this.db<RunRow>(RUNS)
        .select()
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(batch)
        .offset(offset);
      if (query.templateRef) builder.where('template_ref', query.templateRef);
      const runs: RunRow[] = await builder;
      if (!visible) {
        found.push(...runs.map(row => this.runOf(row)));
      } else {
        const shown = runs.filter(row => scopeVisible(row, visible));
        const results: Array<
          Pick<ResultRow, 'run_id' | 'entity_ref'> & {
            outcome: UpgradeOutcome;
          }
        > = shown.length
          ? await this.db<ResultRow>(RESULTS)
              .select('run_id', 'entity_ref', 'outcome')
              .whereIn(
                'run_id',
                shown.map(r => r.id),
              )
          : [];
        const byRun = new Map<string, Array<{ outcome: UpgradeOutcome }>>();
        for (const r of results) {
          if (!visible.has(r.entity_ref)) continue;
          byRun.set(r.run_id, [...(byRun.get(r.run_id) ?? []), r]);
        }
        for (const row of shown) {
          const own = byRun.get(row.id);
          if (own?.length) found.push(this.runOf(row, countOutcomes(own)));
        }
      }
      if (runs.length < batch) break;
    }
    return found.slice(0, limit);
  }

  /** A run with its visible results; undefined when there is none the caller may see. */
  async getRun(
    id: string,
    visible: Visible,
  ): Promise<UpgradeRunWithResults | undefined> {
    const row = await this.db<RunRow>(RUNS).where('id', id).first();
    if (!row || !scopeVisible(row, visible)) return undefined;
    const rows: ResultRow[] = await this.db<ResultRow>(RESULTS)
      .where('run_id', id)
      .orderBy('entity_ref');
    const results = rows
      .filter(r => !visible || visible.has(r.entity_ref))
      .map(resultOf);
    if (visible && !results.length) return undefined;
    return {
      ...this.runOf(row, visible ? countOutcomes(results) : undefined),
      results,
    };
  }

  /**
   * The upgrade requests: the latest result per template, entity and target version,
   * newest first (then by entity ref), of the visible entities. `brief` leaves out the
   * url, branch, conflicts, reason and task id (for counting).
   */
  async latestRequests(query: {
    templateRef?: string;
    entityRef?: string;
    visible: Visible;
    brief?: boolean;
  }): Promise<StoredUpgradeRequest[]> {
    const columns = [
      'run_id',
      'template_ref',
      'entity_ref',
      'to_version',
      'created_at',
      'from_version',
      'outcome',
      ...(query.brief
        ? []
        : ['url', 'branch', 'conflicts', 'reason', 'task_id']),
    ];
    const ranked = this.db<ResultRow>(RESULTS)
      .select(columns)
      .select(
        this.db.raw(
          'row_number() over (partition by template_ref, entity_ref, to_version order by created_at desc, run_id desc) as recency',
        ),
      );
    if (query.templateRef) ranked.where('template_ref', query.templateRef);
    if (query.entityRef) ranked.where('entity_ref', query.entityRef);
    const rows: ResultRow[] = await this.db
      .from(ranked.as('ranked'))
      .select(columns)
      .where('recency', 1)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'entity_ref', order: 'asc' },
        { column: 'to_version', order: 'asc' },
      ]);
    const { visible } = query;
    return rows
      .filter(row => !visible || visible.has(row.entity_ref))
      .map(row => ({
        runId: row.run_id,
        templateRef: row.template_ref,
        toVersion: row.to_version,
        createdAt: toIso(row.created_at),
        ...resultOf(row),
      }));
  }

  private runOf(row: RunRow, counts?: UpgradeOutcomeCounts): UpgradeRun {
    const scope = scopeOf(row);
    return {
      id: row.id,
      templateRef: row.template_ref,
      toVersion: row.to_version,
      ...(scope ? { scope } : {}),
      createdBy: row.created_by,
      createdAt: toIso(row.created_at),
      counts: counts ?? {
        opened: Number(row.count_opened),
        current: Number(row.count_current),
        conflicted: Number(row.count_conflicted),
        failed: Number(row.count_failed),
      },
    };
  }
}
