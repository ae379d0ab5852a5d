import { ScorecardResult } from '@paved-road/backstage-plugin-common';
import { Knex } from 'knex';
import { bulkWrite } from './bulkWrite';
import { ResultsWriter } from './ResultsWriter';
import {
  chunks,
  ENTITIES,
  isPostgres,
  ENTITY_ROW_COLUMNS,
  EntityEvaluation,
  RESULT_ROW_COLUMNS,
  RESULTS,
  STAGED_ENTITIES,
  STAGED_RESULTS,
  STATE,
  toEntityRows,
  toResultRows,
  UNIQUE_VIOLATION,
} from './tables';

/**
 * Staged entities from which the staging tables are truncated rather than their rows
 * deleted: truncating costs a few milliseconds whatever the rows, deleting a few rows
 * less.
 */
const TRUNCATE_FROM = 1000;

/**
 * What a staged entity row stands for when published: `replace` its stored row and
 * results, `rescore` (replace the results of the re-evaluated scorecards), or mark it
 * `stale` (keep its results).
 */
type StagedMode = 'replace' | 'rescore' | 'stale';

/** What {@link StagedPass.publish} applies besides the staged rows. @internal */
export interface PublishOptions {
  /** The staged `rescore` rows replace these scorecards' results, moving entities evaluated with definitions `fromHash` to `toHash`. */
  rescore?: { scorecardIds: string[]; fromHash: string; toHash: string };
  /** Entities gone from the catalog: removed with their results. */
  removed?: string[];
  /** Evaluation state written with the results. */
  state?: Record<string, string>;
}

/**
 * INSERT ... SELECT of staged rows into `table`: plain (the rows were deleted first),
 * or, when another writer stored one meanwhile, with the pass's rows winning.
 */
function publishSql(
  table: string,
  from: string,
  columns: ReadonlyArray<string>,
  key: string[],
  where: string,
): { insert: string; upsert: string } {
  const list = columns.join(', ');
  const set = columns
    .filter(c => !key.includes(c))
    .map(c => `${c} = excluded.${c}`)
    .join(', ');
  const insert = `INSERT INTO ${table} (${list}) SELECT ${list} FROM ${from} WHERE ${where}`;
  return {
    insert,
    upsert: `${insert} ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${set}`,
  };
}

const PUBLISH_ENTITIES = publishSql(
  ENTITIES,
  STAGED_ENTITIES,
  ENTITY_ROW_COLUMNS,
  ['entity_ref'],
  `pass_id = ? AND mode = 'replace'`,
);
const PUBLISH_RESULTS = publishSql(
  RESULTS,
  STAGED_RESULTS,
  RESULT_ROW_COLUMNS,
  ['entity_ref', 'scorecard_id'],
  'pass_id = ?',
);
const PUBLISH_STALE = `UPDATE ${ENTITIES} SET stale = ?, etag = NULL,
  stale_reason = (SELECT s.stale_reason FROM ${STAGED_ENTITIES} s
    WHERE s.pass_id = ? AND s.mode = 'stale' AND s.entity_ref = ${ENTITIES}.entity_ref)
  WHERE entity_ref IN (SELECT entity_ref FROM ${STAGED_ENTITIES}
    WHERE pass_id = ? AND mode = 'stale')`;

/**
 * One evaluation pass's writes, invisible to readers until {@link StagedPass.publish}
 * applies them to the stored results in one transaction; {@link StagedPass.discard}
 * drops them and marks the stored results stale, also in one transaction. Pages are
 * staged in transactions of their own (several at once), into tables that only this
 * class reads (on PostgreSQL unlogged: nothing there needs to survive a crash of the
 * database, whose pass fails anyway). So readers see the previous results until a pass
 * publishes, never a failed pass's pages, whichever statement a failure cuts; the rows
 * of a pass that could neither publish nor discard (its process killed, its database
 * gone) are dropped by a later pass ({@link StagedPass.discardLeftovers}).
 *
 * A pass may publish more than once (each publish applies what was staged since the
 * previous one), each publish a consistent state of its own.
 *
 * @internal
 */
export class StagedPass {
  /** The entities staged since the last publish, and what each stands for. */
  readonly #staged = new Map<string, StagedMode>();

  constructor(
    private readonly db: Knex,
    private readonly writer: ResultsWriter,
    readonly passId: string,
  ) {}

  /**
   * Drops the staged rows of passes that staged nothing since `before`: killed, or
   * failed without reaching the database to discard them.
   */
  static async discardLeftovers(db: Knex, before: Date): Promise<void> {
    await db.transaction(async tx => {
      const dead = tx(STAGED_ENTITIES)
        .select('pass_id')
        .groupBy('pass_id')
        .havingRaw('max(staged_at) < ?', [before]);
      await tx(STAGED_RESULTS).whereIn('pass_id', dead.clone()).delete();
      await tx(STAGED_ENTITIES).whereIn('pass_id', dead).delete();
    });
  }

  /**
   * Stages a page: evaluated entities (each replaces the stored entity and its results)
   * and entities whose stored results stay, marked stale with the reason.
   */
  async stagePage(
    evaluations: EntityEvaluation[],
    keptStale: Array<{ ref: string; reason: string }> = [],
  ): Promise<void> {
    const now = new Date();
    await this.stage(
      [
        ...toEntityRows(evaluations, this.passId, now).map(row => ({
          ...row,
          ...this.staged('replace', now),
        })),
        ...keptStale.map(({ ref, reason }) => ({
          entity_ref: ref,
          stale_reason: reason.slice(0, 2000),
          ...this.staged('stale', now),
        })),
      ],
      evaluations.flatMap(e => toResultRows(e.results, e.levelIndex, now)),
    );
  }

  /**
   * Stages the results of re-evaluated scorecards for these entities: published with
   * {@link PublishOptions.rescore}, they replace those scorecards' results.
   */
  async stageRescored(options: {
    entityRefs: string[];
    results: ScorecardResult[];
    levelIndex: (result: ScorecardResult) => number;
  }): Promise<void> {
    const now = new Date();
    await this.stage(
      options.entityRefs.map(ref => ({
        entity_ref: ref,
        ...this.staged('rescore', now),
      })),
      toResultRows(options.results, options.levelIndex, now),
    );
  }

  /**
   * Applies what was staged since the last publish to the stored results, with
   * `options`, in one transaction; returns how many entities were removed. Throws,
   * publishing nothing, when staged rows are missing (dropped as another pass's
   * leftovers after a long stall).
   */
  async publish(options: PublishOptions = {}): Promise<{ removed: number }> {
    let removed = 0;
    const run = (upsert: boolean) =>
      this.db.transaction(async tx => {
        removed = await this.publishIn(tx, options, upsert);
      });
    try {
      await run(false);
    } catch (error) {
      // Another writer stored one of the entities between the deletes and the inserts
      // (an on-demand evaluation on another replica): the pass's rows win.
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      await run(true);
    }
    this.#staged.clear();
    return { removed };
  }

  private async publishIn(
    tx: Knex.Transaction,
    options: PublishOptions,
    upsert: boolean,
  ): Promise<number> {
    const passId = this.passId;
    const [{ count }] = await tx(STAGED_ENTITIES)
      .where('pass_id', passId)
      .count({ count: '*' });
    if (Number(count) !== this.#staged.size) {
      throw new Error(
        `${this.#staged.size - Number(count)} of the ${
          this.#staged.size
        } entities this pass evaluated are no longer staged (the pass stalled and another discarded them), so nothing was published`,
      );
    }
    const modes = new Set(this.#staged.values());
    const ofMode = (mode: StagedMode) =>
      tx(STAGED_ENTITIES).select('entity_ref').where({ pass_id: passId, mode });
    const sql = (statement: { insert: string; upsert: string }) =>
      upsert ? statement.upsert : statement.insert;
    if (modes.has('replace')) {
      await tx(RESULTS).whereIn('entity_ref', ofMode('replace')).delete();
      await tx(ENTITIES).whereIn('entity_ref', ofMode('replace')).delete();
      await tx.raw(sql(PUBLISH_ENTITIES), [passId]);
    }
    if (modes.has('rescore') && options.rescore) {
      const { scorecardIds, fromHash, toHash } = options.rescore;
      await tx(RESULTS)
        .whereIn('entity_ref', ofMode('rescore'))
        .whereIn('scorecard_id', scorecardIds)
        .delete();
      await tx(ENTITIES)
        .whereIn('entity_ref', ofMode('rescore'))
        .where('definitions_hash', fromHash)
        .update({ definitions_hash: toHash });
    }
    if (modes.has('replace') || modes.has('rescore')) {
      await tx.raw(sql(PUBLISH_RESULTS), [passId]);
    }
    if (modes.has('stale')) await tx.raw(PUBLISH_STALE, [true, passId, passId]);
    const removed = options.removed?.length
      ? await this.writer.remove(options.removed, tx)
      : 0;
    for (const [key, value] of Object.entries(options.state ?? {})) {
      await tx(STATE).insert({ key, value }).onConflict('key').merge();
    }
    if (this.#staged.size) await this.deleteStaged(tx);
    return removed;
  }

  /**
   * Drops what was staged since the last publish and marks every stored entity stale
   * with the reason, in one transaction; returns how many were marked.
   */
  async discard(reason: string): Promise<number> {
    const marked = await this.db.transaction(async tx => {
      await this.deleteStaged(tx);
      return this.writer.markStale(reason, undefined, tx);
    });
    this.#staged.clear();
    return marked;
  }

  /** Drops what was staged since the last publish (a failed pass's leftovers). */
  async drop(): Promise<void> {
    await this.db.transaction(tx => this.deleteStaged(tx));
    this.#staged.clear();
  }

  private staged(mode: StagedMode, now: Date) {
    return { pass_id: this.passId, mode, staged_at: now };
  }

  /**
   * Deletes the pass's staged rows. On PostgreSQL, when it staged many and no other
   * pass staged any (the usual case: passes take turns), the staging tables are
   * truncated instead, which takes a moment whatever the rows and leaves no dead rows
   * for later passes to scan; should another transaction use them right now, the rows
   * are deleted.
   */
  private async deleteStaged(tx: Knex.Transaction) {
    const tables = `${STAGED_RESULTS}, ${STAGED_ENTITIES}`;
    if (isPostgres(this.db) && this.#staged.size >= TRUNCATE_FROM) {
      const truncated = await tx
        .transaction(async locked => {
          await locked.raw(
            `LOCK TABLE ${tables} IN ACCESS EXCLUSIVE MODE NOWAIT`,
          );
          const others = await locked(STAGED_ENTITIES)
            .whereNot('pass_id', this.passId)
            .first('pass_id');
          if (others) return false;
          await locked.raw(`TRUNCATE ${tables}`);
          return true;
        })
        .catch(() => false);
      if (truncated) return;
    }
    await tx(STAGED_RESULTS).where('pass_id', this.passId).delete();
    await tx(STAGED_ENTITIES).where('pass_id', this.passId).delete();
  }

  /**
   * Writes staged entity rows and result rows in one transaction. An entity this pass
   * staged before (a catalog that returned it twice) is staged again: on PostgreSQL the
   * COPY meets its key and the page is written again, replacing the earlier rows.
   */
  private async stage(
    entityRows: Array<Record<string, unknown> & { entity_ref: string }>,
    resultRows: Array<Record<string, unknown>>,
  ): Promise<void> {
    if (!entityRows.length) return;
    const passId = this.passId;
    const refs = entityRows.map(r => r.entity_ref);
    const results = resultRows.map(row => ({ pass_id: passId, ...row }));
    // Rows of one shape per statement (a COPY names its columns once).
    const shapes = new Map<StagedMode, typeof entityRows>();
    for (const row of entityRows) {
      const mode = row.mode as StagedMode;
      if (!shapes.has(mode)) shapes.set(mode, []);
      shapes.get(mode)!.push(row);
    }
    await bulkWrite(this.db, async ({ tx, insert, copying }) => {
      if (!copying) {
        for (const part of chunks(refs, 500)) {
          await tx(STAGED_RESULTS)
            .where('pass_id', passId)
            .whereIn('entity_ref', part)
            .delete();
          await tx(STAGED_ENTITIES)
            .where('pass_id', passId)
            .whereIn('entity_ref', part)
            .delete();
        }
      }
      for (const rows of shapes.values()) {
        await insert(STAGED_ENTITIES, rows, ['pass_id', 'entity_ref']);
      }
      await insert(STAGED_RESULTS, results);
    });
    for (const row of entityRows) {
      this.#staged.set(row.entity_ref, row.mode as StagedMode);
    }
  }
}
