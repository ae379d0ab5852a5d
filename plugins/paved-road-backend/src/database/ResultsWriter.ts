import { ScorecardResult } from '@paved-road/backstage-plugin-common';
import { Knex } from 'knex';
import { bulkWrite } from './bulkWrite';
import {
  chunks,
  ENTITIES,
  EntityEvaluation,
  RESULTS,
  toEntityRows,
  toResultRows,
} from './tables';

/**
 * Writes the stored results directly, each call in its own transaction: one entity
 * evaluated on demand, stale markings, removals. A pass writes through a
 * {@link StagedPass} instead, which publishes all of its writes at once.
 *
 * @internal
 */
export class ResultsWriter {
  constructor(private readonly db: Knex) {}

  /** Stores evaluated entities and replaces their results, in one transaction. */
  async saveEvaluations(
    evaluations: EntityEvaluation[],
    passId: string,
  ): Promise<void> {
    if (!evaluations.length) return;
    const now = new Date();
    const entityRows = toEntityRows(evaluations, passId, now);
    const resultRows = evaluations.flatMap(e =>
      toResultRows(e.results, e.levelIndex, now),
    );
    const refs = entityRows.map(r => r.entity_ref);
    await bulkWrite(this.db, async ({ tx, insert }) => {
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
    const rows = toResultRows(options.results, options.levelIndex, new Date());
    await bulkWrite(this.db, async ({ tx, insert }) => {
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

  /**
   * Keeps the last results and marks them stale with the reason; without `refs`, all
   * entities. Clears the etag of `refs` so the next pass re-evaluates them (a stale
   * entity is re-evaluated anyway).
   */
  async markStale(
    reason: string,
    refs?: string[],
    db: Knex = this.db,
  ): Promise<number> {
    const update = { stale: true, stale_reason: reason.slice(0, 2000) };
    if (!refs) return db(ENTITIES).update(update);
    let count = 0;
    for (const part of chunks(refs, 500)) {
      count += await db(ENTITIES)
        .whereIn('entity_ref', part)
        .update({ ...update, etag: null });
    }
    return count;
  }

  /**
   * The stored entities not in `seen`, the refs a pass read from the catalog: those are
   * gone from it. The stored refs are read in pages.
   */
  async missingRefs(seen: ReadonlySet<string>, page = 5000): Promise<string[]> {
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
    return missing;
  }

  /** Removes these entities and their results (in `tx`, or a transaction of its own). */
  async remove(refs: string[], tx?: Knex.Transaction): Promise<number> {
    if (!tx) return this.db.transaction(own => this.remove(refs, own));
    let removed = 0;
    for (const part of chunks(refs, 500)) {
      await tx(RESULTS).whereIn('entity_ref', part).delete();
      removed += Number(
        await tx(ENTITIES).whereIn('entity_ref', part).delete(),
      );
    }
    return removed;
  }
}
