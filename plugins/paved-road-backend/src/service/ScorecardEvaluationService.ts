import {
  AggregatesResponse,
  EvaluationSummary,
} from '@paved-road/backstage-plugin-common';
import { PavedRoadFactSource } from '@paved-road/backstage-plugin-node';
import { randomUUID } from 'node:crypto';
import { AggregatesWriter } from './AggregatesWriter';
import {
  emptySummary,
  EvaluationPass,
  EvaluationServices,
  PassOutcome,
} from './EvaluationPass';
import { LoadedScorecards } from './loadedScorecards';
import { PageEvaluator } from './PageEvaluator';

export { loadScorecards } from './loadedScorecards';
export type { LoadedScorecards } from './loadedScorecards';

/**
 * Evaluates the catalog's entities into the results store, a pass at a time
 * ({@link EvaluationPass}) or one entity on demand, and serves the stored aggregates
 * ({@link AggregatesWriter}). Passes and on-demand evaluations of this replica run one
 * after the other.
 *
 * @internal
 */
export class ScorecardEvaluationService {
  private scorecards: LoadedScorecards;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pages: PageEvaluator;
  private readonly aggregates: AggregatesWriter;
  private readonly pass: EvaluationPass;

  constructor(
    private readonly options: EvaluationServices & {
      factSources: PavedRoadFactSource[];
      scorecards: LoadedScorecards;
      historyRetentionDays: number;
    },
  ) {
    this.scorecards = options.scorecards;
    const { catalog, store, index } = options;
    this.pages = new PageEvaluator({
      catalog,
      store,
      index,
      factSources: options.factSources,
      exemptions: options.exemptions,
    });
    this.aggregates = new AggregatesWriter({
      store,
      index,
      historyRetentionDays: options.historyRetentionDays,
    });
    this.pass = new EvaluationPass({
      ...options,
      pages: this.pages,
      aggregates: this.aggregates,
    });
  }

  getScorecards(): LoadedScorecards {
    return this.scorecards;
  }

  /** Replaces the scorecards; the next pass re-evaluates every entity. */
  setScorecards(scorecards: LoadedScorecards) {
    this.scorecards = scorecards;
  }

  /**
   * Runs one pass. Passes of this replica run one after the other (the scheduler's
   * global scope keeps replicas from running the scheduled pass at the same time).
   */
  async evaluate(options: { full?: boolean } = {}): Promise<EvaluationSummary> {
    return (await this.evaluatePass(options)).summary;
  }

  /** {@link ScorecardEvaluationService.evaluate}, also telling how many entities were new. */
  evaluatePass(options: { full?: boolean } = {}): Promise<PassOutcome> {
    return this.enqueue(() => this.pass.run(options, this.scorecards));
  }

  /**
   * Re-evaluates one entity now (on demand, e.g. from its entity page) and stores its
   * results; the aggregates follow at the next pass. Returns undefined when the catalog
   * has no such entity.
   */
  evaluateEntity(entityRef: string): Promise<EvaluationSummary | undefined> {
    return this.enqueue(async () => {
      const started = Date.now();
      const credentials = await this.options.auth.getOwnServiceCredentials();
      const entity = await this.options.catalog.getEntityByRef(entityRef, {
        credentials,
      });
      if (!entity) return undefined;
      const summary = emptySummary('entity');
      await this.pages.evaluatePage([entity], {
        full: true,
        passId: randomUUID(),
        scorecards: this.scorecards,
        summary,
      });
      await this.aggregates.markDirty();
      summary.durationMs = Date.now() - started;
      return summary;
    });
  }

  /** The aggregates of the last pass over every entity; undefined before the first. */
  storedAggregates(): Promise<AggregatesResponse | undefined> {
    return this.aggregates.stored();
  }

  /** {@link ScorecardEvaluationService.storedAggregates} as stored: JSON. */
  storedAggregatesJson(): Promise<string | undefined> {
    return this.aggregates.storedJson();
  }

  /** Changes whenever the stored aggregates do; cheap to read on every request. */
  storedAggregatesVersion(): Promise<string | undefined> {
    return this.aggregates.version();
  }

  /** When the last pass ended (ISO 8601); null before the first. */
  lastPassAt(): Promise<string | null> {
    return this.pass.lastPassAt();
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
