import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  EntityResultRow,
  EvaluatedEntity,
  StoredScorecardResult,
} from '@paved-road/backstage-plugin-common';
import { Knex } from 'knex';
import {
  AggregateGroups,
  AggregateReader,
  AggregatesFilter,
} from './AggregateReader';
import { FactsStore, StoredFacts } from './FactsStore';
import { EvaluationKey, ResultsFilter, ResultsReader } from './ResultsReader';
import { ResultsWriter } from './ResultsWriter';
import {
  HistoryQuery,
  HistoryRow,
  SnapshotInput,
  SnapshotStore,
} from './SnapshotStore';
import { StagedPass } from './StagedPass';
import { EntityEvaluation, STATE } from './tables';

export type { EntityEvaluation } from './tables';
export type {
  AggregateGroupKey,
  AggregateGroups,
  AggregatesFilter,
  EntityGroup,
  ResultGroup,
} from './AggregateReader';
export type { StoredFacts } from './FactsStore';
export type { EvaluationKey, ResultsFilter } from './ResultsReader';
export { SNAPSHOT_TOTALS } from './SnapshotStore';
export type { HistoryQuery, HistoryRow, SnapshotInput } from './SnapshotStore';

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

/**
 * Stores evaluated entities, their scorecard results, pushed facts, evaluation state
 * and daily snapshots, and reads them for the endpoints. Writes are upserts keyed by
 * entity ref (and scorecard id), so repeating a pass never duplicates rows.
 *
 * The one store the rest of the plugin uses, delegating by concern: direct writes to
 * {@link ResultsWriter}, a pass's to a {@link StagedPass}; entity and results reads to
 * {@link ResultsReader}; the aggregate groups to {@link AggregateReader}; stored and
 * pushed facts to {@link FactsStore}; daily snapshots to {@link SnapshotStore}.
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

  private readonly writer: ResultsWriter;
  private readonly reader: ResultsReader;
  private readonly aggregates: AggregateReader;
  private readonly facts: FactsStore;
  private readonly snapshots: SnapshotStore;

  private constructor(private readonly db: Knex) {
    this.writer = new ResultsWriter(db);
    this.reader = new ResultsReader(db);
    this.aggregates = new AggregateReader(db);
    this.facts = new FactsStore(db);
    this.snapshots = new SnapshotStore(db);
  }

  /** A pass's writes, staged until it publishes them ({@link StagedPass}). */
  stagedPass(passId: string): StagedPass {
    return new StagedPass(this.db, this.writer, passId);
  }

  /** Drops the staged rows of passes that staged nothing since `before`. */
  discardLeftovers(before: Date): Promise<void> {
    return StagedPass.discardLeftovers(this.db, before);
  }

  async getState(key: string): Promise<string | undefined> {
    const row = await this.db(STATE).where({ key }).first();
    return row?.value;
  }

  async setState(key: string, value: string): Promise<void> {
    await this.db(STATE).insert({ key, value }).onConflict('key').merge();
  }

  // Writes: ResultsWriter.

  /**
   * Removes the stored entities (and their results) not in `seen`, the refs a pass read
   * from the catalog: those are gone from it. The stored refs are read in pages.
   */
  async removeMissing(seen: ReadonlySet<string>, page = 5000): Promise<number> {
    return this.writer.remove(await this.writer.missingRefs(seen, page));
  }

  /** The stored entities not in `seen` (read in pages), without removing them. */
  missingRefs(seen: ReadonlySet<string>, page = 5000): Promise<string[]> {
    return this.writer.missingRefs(seen, page);
  }

  /** Stores evaluated entities and replaces their results, in one transaction. */
  saveEvaluations(
    evaluations: EntityEvaluation[],
    passId: string,
  ): Promise<void> {
    return this.writer.saveEvaluations(evaluations, passId);
  }

  /** {@link ResultsWriter.replaceScorecardResults}. */
  replaceScorecardResults(
    options: Parameters<ResultsWriter['replaceScorecardResults']>[0],
  ): Promise<void> {
    return this.writer.replaceScorecardResults(options);
  }

  /**
   * Keeps the last results and marks them stale with the reason; without `refs`, all
   * entities. Clears the etag of `refs` so the next pass re-evaluates them.
   */
  markStale(reason: string, refs?: string[]): Promise<number> {
    return this.writer.markStale(reason, refs);
  }

  // Entity and results reads: ResultsReader.

  /** {@link ResultsReader.getEvaluationKeys}. */
  getEvaluationKeys(refs: string[]): Promise<Map<string, EvaluationKey>> {
    return this.reader.getEvaluationKeys(refs);
  }

  /** How many entities are stored. */
  countEntities(): Promise<number> {
    return this.reader.countEntities();
  }

  /** {@link ResultsReader.getEntity}. */
  getEntity(
    entityRef: string,
  ): Promise<
    { entity: EvaluatedEntity; results: StoredScorecardResult[] } | undefined
  > {
    return this.reader.getEntity(entityRef);
  }

  /** {@link ResultsReader.getEntityJson}. */
  getEntityJson(entityRef: string): Promise<string | undefined> {
    return this.reader.getEntityJson(entityRef);
  }

  /** {@link ResultsReader.listResults}. */
  listResults(
    filter: ResultsFilter,
  ): Promise<{ items: EntityResultRow[]; totalItems: number }> {
    return this.reader.listResults(filter);
  }

  // Aggregates: AggregateReader.

  /** {@link AggregateReader.aggregateGroups}. */
  aggregateGroups(
    filter: AggregatesFilter = {},
    visible?: ReadonlySet<string>,
  ): Promise<AggregateGroups> {
    return this.aggregates.aggregateGroups(filter, visible);
  }

  /** How many scaffold events there are (they feed hours saved). */
  scaffoldEventCount(): Promise<number> {
    return this.aggregates.scaffoldEventCount();
  }

  // Stored and pushed facts: FactsStore.

  /** {@link FactsStore.storedFacts}. */
  storedFacts(pageSize = 500): AsyncGenerator<StoredFacts[]> {
    return this.facts.storedFacts(pageSize);
  }

  /** {@link FactsStore.factsWithLevels}. */
  factsWithLevels(): AsyncGenerator<
    StoredFacts & { levels: Record<string, string | null> }
  > {
    return this.facts.factsWithLevels();
  }

  /** Stores facts pushed by CI and forces the entity's re-evaluation. */
  putPushedFacts(
    entityRef: string,
    source: string,
    facts: Record<string, unknown>,
  ): Promise<void> {
    return this.facts.putPushedFacts(entityRef, source, facts);
  }

  /** {@link FactsStore.getPushedFacts}. */
  getPushedFacts(
    refs: string[],
  ): Promise<Map<string, Record<string, unknown>>> {
    return this.facts.getPushedFacts(refs);
  }

  // Daily snapshots: SnapshotStore.

  /** Whether the day's snapshot was written. */
  hasSnapshot(day: string): Promise<boolean> {
    return this.snapshots.hasSnapshot(day);
  }

  /** {@link SnapshotStore.writeSnapshots}. */
  writeSnapshots(day: string, rows: SnapshotInput[]): Promise<void> {
    return this.snapshots.writeSnapshots(day, rows);
  }

  /** {@link SnapshotStore.history}. */
  history(query: HistoryQuery): Promise<HistoryRow[]> {
    return this.snapshots.history(query);
  }

  /** {@link SnapshotStore.pruneSnapshots}. */
  pruneSnapshots(beforeDay: string): Promise<number> {
    return this.snapshots.pruneSnapshots(beforeDay);
  }
}
