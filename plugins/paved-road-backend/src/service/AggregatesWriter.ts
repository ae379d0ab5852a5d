import {
  AggregatesResponse,
  EvaluationSummary,
} from '@paved-road/backstage-plugin-common';
import { randomUUID } from 'node:crypto';
import {
  DatabaseResultsStore,
  SNAPSHOT_TOTALS,
} from '../database/DatabaseResultsStore';
import { computeAggregates } from './aggregates';
import { CatalogIndex } from './CatalogIndex';

const AGGREGATES_KEY = 'aggregates';
const AGGREGATES_VERSION_KEY = 'aggregates_version';
const SCAFFOLDS_KEY = 'aggregated_scaffold_events';
/** Set when one entity was re-evaluated outside a pass; the next pass re-aggregates. */
const AGGREGATES_DIRTY_KEY = 'aggregates_dirty';

/**
 * The stored aggregates over every entity and the daily history snapshots: recomputed
 * after a pass that changed anything, read by every replica as stored.
 *
 * @internal
 */
export class AggregatesWriter {
  constructor(
    private readonly options: {
      store: DatabaseResultsStore;
      index: CatalogIndex;
      historyRetentionDays: number;
    },
  ) {}

  /** Makes the next pass recompute the aggregates (an entity changed outside a pass). */
  async markDirty(): Promise<void> {
    await this.options.store.setState(AGGREGATES_DIRTY_KEY, 'true');
  }

  /**
   * Recomputes the unfiltered aggregates after a pass that changed results (or when
   * scaffold events were added) and stores them, so every replica serves them as read.
   * A template whose time-saved changes is itself re-evaluated (its etag changed), so
   * the aggregates follow.
   */
  async refresh(summary: EvaluationSummary): Promise<AggregatesResponse> {
    const { store, index } = this.options;
    const scaffolds = String(await store.scaffoldEventCount());
    const stored = await this.stored();
    if (
      stored &&
      summary.evaluated === 0 &&
      summary.removed === 0 &&
      summary.stale === 0 &&
      (await store.getState(SCAFFOLDS_KEY)) === scaffolds &&
      (await store.getState(AGGREGATES_DIRTY_KEY)) !== 'true'
    ) {
      return stored;
    }
    const aggregates = computeAggregates({
      groups: await store.aggregateGroups(),
      index,
      evaluatedAt: new Date().toISOString(),
    });
    await store.setState(AGGREGATES_KEY, JSON.stringify(aggregates));
    await store.setState(AGGREGATES_VERSION_KEY, randomUUID());
    await store.setState(SCAFFOLDS_KEY, scaffolds);
    await store.setState(AGGREGATES_DIRTY_KEY, 'false');
    return aggregates;
  }

  /** The aggregates of the last pass over every entity; undefined before the first. */
  async stored(): Promise<AggregatesResponse | undefined> {
    const value = await this.storedJson();
    return value ? (JSON.parse(value) as AggregatesResponse) : undefined;
  }

  /** {@link AggregatesWriter.stored} as stored: JSON. */
  async storedJson(): Promise<string | undefined> {
    return this.options.store.getState(AGGREGATES_KEY);
  }

  /** Changes whenever the stored aggregates do; cheap to read on every request. */
  async version(): Promise<string | undefined> {
    return this.options.store.getState(AGGREGATES_VERSION_KEY);
  }

  /**
   * Writes today's snapshot once a day and prunes snapshots beyond the retention: every
   * entity's level per scorecard (the store copies them from the results); per
   * aggregate scope, the level distribution per scorecard and the scope's totals
   * (golden-path eligible, adopted and rate, drift counts, hours saved) under
   * {@link SNAPSHOT_TOTALS}.
   */
  async snapshot(aggregates: AggregatesResponse) {
    const { store, historyRetentionDays } = this.options;
    const day = new Date().toISOString().slice(0, 10);
    const oldest = new Date(Date.now() - historyRetentionDays * 86_400_000)
      .toISOString()
      .slice(0, 10);
    await store.pruneSnapshots(oldest);
    if (await store.hasSnapshot(day)) return;
    const rows: Array<{
      scope: string;
      ref: string;
      scorecardId: string;
      data: unknown;
    }> = [];
    for (const agg of [
      aggregates.org,
      ...aggregates.groups,
      ...aggregates.systems,
      ...aggregates.domains,
    ]) {
      for (const [scorecardId, card] of Object.entries(agg.scorecards)) {
        rows.push({
          scope: agg.scope,
          ref: agg.ref,
          scorecardId,
          data: { levels: card.levels, entities: card.entities },
        });
      }
      rows.push({
        scope: agg.scope,
        ref: agg.ref,
        scorecardId: SNAPSHOT_TOTALS,
        data: {
          entities: agg.entities,
          goldenPath: agg.goldenPath,
          drift: agg.drift,
          hoursSaved: agg.hoursSaved,
        },
      });
    }
    await store.writeSnapshots(day, rows);
  }
}
