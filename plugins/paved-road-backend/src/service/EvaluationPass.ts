import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EvaluationSummary } from '@paved-road/backstage-plugin-common';
import { randomUUID } from 'node:crypto';
import { DatabaseResultsStore } from '../database/DatabaseResultsStore';
import { ExemptionStore } from '../database/ExemptionStore';
import { StagedPass } from '../database/StagedPass';
import { CompiledScorecard } from '../scorecards/evaluator';
import { AggregatesWriter } from './AggregatesWriter';
import { CatalogIndex } from './CatalogIndex';
import { LoadedScorecards, StoredHashes } from './loadedScorecards';
import { PageEvaluator } from './PageEvaluator';

const PAGE_SIZE = 500;
/**
 * What an incremental pass reads of every entity to tell which changed: the catalog
 * answers a few dozen bytes an entity instead of the whole entity.
 */
const SCAN_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.etag',
];
/** Pages a pass stages at once, each in its own transaction. */
const WRITES_IN_FLIGHT = 2;
/**
 * Staged rows of a pass that staged nothing for this long are another pass's leftovers
 * (its process was killed, or its database was gone when it failed): a running pass
 * stages a page every few seconds at most.
 */
const LEFTOVERS_AFTER_MS = 60 * 60_000;
const HASH_KEY = 'definitions_hash';
const HASHES_KEY = 'scorecard_hashes';
const LAST_PASS_KEY = 'last_pass_at';

const message = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/**
 * What evaluation reads the catalog and stores results with.
 *
 * @internal
 */
export type EvaluationServices = {
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  store: DatabaseResultsStore;
  index: CatalogIndex;
  /**
   * How old an entity's results may get (ms) before a pass evaluates it again, though
   * unchanged in the catalog: repository files and other facts change without the
   * entity changing.
   */
  reevaluateAfterMs?: number;
  /**
   * Approved exemptions: in each entity's facts, and ended at the start of the first
   * pass after their last day (their entities are then evaluated again).
   */
  exemptions?: Pick<ExemptionStore, 'approvedFor' | 'lapse'>;
  /** Records each template's latest release at the end of every pass. */
  releases?: { update(): Promise<unknown> };
  /**
   * Computes the campaigns' progress at the end of every pass, given a key that changes
   * whenever the stored results do; answers how long it took, or undefined when nothing
   * changed since it last ran.
   */
  campaigns?: {
    update(options: { resultsKey: string }): Promise<number | undefined>;
  };
};

/**
 * A summary with nothing counted yet.
 *
 * @internal
 */
export const emptySummary = (
  mode: EvaluationSummary['mode'],
): EvaluationSummary => ({
  mode,
  scanned: 0,
  evaluated: 0,
  unchanged: 0,
  removed: 0,
  stale: 0,
  durationMs: 0,
});

/**
 * A pass's summary, and how many entities it evaluated for the first time.
 *
 * @internal
 */
export interface PassOutcome {
  summary: EvaluationSummary;
  /** Entities evaluated for the first time: while it grows, the catalog is filling. */
  added: number;
}

/**
 * Runs one evaluation pass over the catalog: a full pass when the scorecards' fact
 * sources or operators changed (or on request), the changed scorecards over stored
 * facts when only definitions did, otherwise only entities whose etag changed or whose
 * pushed facts arrived. Streams the catalog page by page, so memory stays bounded.
 *
 * A pass stages its pages ({@link StagedPass}) and publishes them, with the removal of
 * entities gone from the catalog and the definitions' hashes, in one transaction at the
 * end; a pass that fails discards them and marks the stored results stale, in one
 * transaction too. So readers see either the previous results or the new ones, and a
 * failed pass's results never; should the clean-up fail as well (the database gone),
 * the previous results stay as they were and the next pass evaluates again. Changed
 * scorecards are re-evaluated and published first, a consistent state of its own.
 *
 * @internal
 */
export class EvaluationPass {
  /** Failed passes of this backend whose staged rows could not be dropped yet. */
  readonly #undiscarded: StagedPass[] = [];

  constructor(
    private readonly options: EvaluationServices & {
      pages: PageEvaluator;
      aggregates: AggregatesWriter;
    },
  ) {}

  async run(
    options: { full?: boolean },
    scorecards: LoadedScorecards,
  ): Promise<PassOutcome> {
    const { store, index, logger, catalog, auth, pages } = this.options;
    const started = Date.now();
    const passId = randomUUID();
    const staged = store.stagedPass(passId);
    const added = { count: 0 };
    const summary = emptySummary('incremental');
    try {
      await this.dropLeftovers(started);
      await this.lapseExemptions(new Date(started));
      const storedHash = await store.getState(HASH_KEY);
      const changed =
        options.full || storedHash === scorecards.hash
          ? undefined
          : await this.changedScorecards(scorecards);
      const full =
        options.full ||
        (storedHash !== scorecards.hash && changed === undefined);
      if (full) summary.mode = 'full';
      else if (changed) summary.mode = 'scorecards';
      await index.refresh();
      if (changed) {
        await this.reevaluateScorecards(changed, {
          from: storedHash!,
          to: scorecards,
          summary,
          staged,
        });
      }
      const credentials = await auth.getOwnServiceCredentials();
      // Pages are staged while the next is read and evaluated, so the database and
      // the evaluation work at once: up to WRITES_IN_FLIGHT pages at a time, each in
      // its own transaction on its own connection, so the database can use more than
      // one core; at most WRITES_IN_FLIGHT + 1 pages are in memory.
      const writes: Array<Promise<void>> = [];
      const { reevaluateAfterMs } = this.options;
      const expiredBefore =
        reevaluateAfterMs === undefined
          ? undefined
          : started - reevaluateAfterMs;
      // The refs the catalog returned (tens of bytes each): the stored entities not
      // among them are gone from the catalog. Kept in memory rather than written to
      // every row, so an incremental pass writes only what changed.
      const seen = new Set<string>();
      const seenStored = { count: 0 };
      try {
        for await (const page of catalog.streamEntities(
          { pageSize: PAGE_SIZE, ...(full ? {} : { fields: SCAN_FIELDS }) },
          { credentials },
        )) {
          const evaluated = await pages.readAndEvaluatePage(
            page.filter(e => e.kind.toLocaleLowerCase('en-US') !== 'location'),
            {
              full,
              scanned: full ? undefined : { credentials },
              expiredBefore,
              passId,
              scorecards,
              summary,
              seen,
              seenStored,
              added,
            },
          );
          if (writes.length >= WRITES_IN_FLIGHT) await writes.shift();
          const writing = pages.writePage(evaluated, {
            passId,
            summary,
            staged,
          });
          // Handled here so a failed write never goes unobserved; awaited below.
          writing.catch(() => {});
          writes.push(writing);
        }
      } finally {
        // Never leave a write running behind a failed pass.
        await Promise.allSettled(writes);
      }
      for (const writing of writes) await writing;
      let removed: string[] = [];
      if (summary.scanned > 0) {
        // More stored entities than the pass saw stored means some are gone from the
        // catalog; only then are they looked for.
        if ((await store.countEntities()) > seenStored.count) {
          removed = await store.missingRefs(seen);
        }
      } else {
        // An empty answer is more likely a catalog still starting or misconfigured
        // than an empty one: removing every result would be wrong.
        logger.warn(
          'Paved Road: the catalog returned no entities, so the stored results were kept. Right after start-up the catalog may not have processed its locations yet; otherwise check catalog.locations and that the catalog is reachable.',
        );
      }
      const published = await staged.publish({
        removed,
        state: this.hashState(scorecards),
      });
      summary.removed = published.removed;
      const aggregates = await this.options.aggregates.refresh(summary);
      await store.setState(LAST_PASS_KEY, aggregates.evaluatedAt!);
      try {
        await this.options.aggregates.snapshot(aggregates);
      } catch (error) {
        // The results are fresh; only the history misses a day until a pass writes it
        // (another replica's pass may have written it at the same time).
        logger.warn(
          `Paved Road: today's history snapshot was not written, the next pass tries again: ${message(
            error,
          )}`,
        );
      }
      await this.trackReleases();
      await this.trackCampaigns(summary);
    } catch (error) {
      // Nothing is lost: what the pass staged is dropped, and the last results stay,
      // marked stale with the reason.
      summary.error = `Evaluation failed: ${message(error)}`;
      logger.error(summary.error);
      await this.discard(staged, summary);
    }
    summary.durationMs = Date.now() - started;
    logger.info(
      `Paved Road ${summary.mode} evaluation: ${summary.scanned} scanned, ${summary.evaluated} evaluated, ${summary.unchanged} unchanged, ${summary.removed} removed, ${summary.stale} stale in ${summary.durationMs} ms`,
    );
    return { summary, added: added.count };
  }

  /**
   * Records the templates' latest releases, after every pass that published (even one
   * that evaluated nothing: a template's version changes without its entities
   * changing). A failure loses nothing: the next pass records them.
   */
  private async trackReleases() {
    try {
      await this.options.releases?.update();
    } catch (error) {
      this.options.logger.warn(
        `Paved Road: template releases were not updated, the next pass tries again: ${message(
          error,
        )}`,
      );
    }
  }

  /**
   * Ends the approved exemptions whose last day has passed; their entities' etags are
   * cleared, so this pass evaluates them again without the exemption.
   */
  private async lapseExemptions(now: Date) {
    const lapsed = await this.options.exemptions?.lapse(
      now.toISOString().slice(0, 10),
      now,
    );
    if (lapsed?.length) {
      this.options.logger.info(
        `Paved Road: ${lapsed.length} exemption(s) lapsed: ${lapsed
          .map(e => `${e.entityRef} (${e.id}, until ${e.expiresOn})`)
          .join(', ')}`,
      );
    }
  }

  /**
   * Computes the campaigns' progress from the published results, when they or the
   * campaigns changed. A failure loses nothing: the last progress stays, and the next
   * pass computes it.
   */
  private async trackCampaigns(summary: EvaluationSummary) {
    const { campaigns, aggregates } = this.options;
    if (!campaigns) return;
    try {
      const ms = await campaigns.update({
        resultsKey: (await aggregates.version()) ?? '',
      });
      if (ms !== undefined) summary.campaignsMs = ms;
    } catch (error) {
      this.options.logger.warn(
        `Paved Road: campaign progress was not computed, the next pass tries again: ${message(
          error,
        )}`,
      );
    }
  }

  /**
   * Drops the staged rows of this backend's failed passes that could not drop them,
   * and of any pass that staged nothing for an hour (its backend was killed).
   */
  private async dropLeftovers(now: number) {
    while (this.#undiscarded.length) {
      await this.#undiscarded[0].drop();
      this.#undiscarded.shift();
    }
    await this.options.store.discardLeftovers(
      new Date(now - LEFTOVERS_AFTER_MS),
    );
  }

  /**
   * Drops a failed pass's staged rows and marks the stored results stale. Should that
   * fail too, the stored results stay as the last published pass left them (readers
   * never see the failed pass's pages), and the next pass drops the staged rows.
   */
  private async discard(staged: StagedPass, summary: EvaluationSummary) {
    try {
      summary.stale = await staged.discard(summary.error!);
    } catch (error) {
      summary.stale = 0;
      this.#undiscarded.push(staged);
      this.options.logger.error(
        `Paved Road: the stored results could not be marked stale after the failed evaluation, and stay as the last successful pass left them; the next pass evaluates again: ${message(
          error,
        )}`,
      );
    }
  }

  /** The state that tells the next pass which definitions the results were evaluated with. */
  private hashState(scorecards: LoadedScorecards): Record<string, string> {
    const hashes: StoredHashes = {
      baseHash: scorecards.baseHash,
      scorecardHashes: scorecards.scorecardHashes,
    };
    return {
      [HASH_KEY]: scorecards.hash,
      [HASHES_KEY]: JSON.stringify(hashes),
    };
  }

  /** When the last pass over every entity ended (ISO 8601); null before the first. */
  async lastPassAt(): Promise<string | null> {
    return (await this.options.store.getState(LAST_PASS_KEY)) ?? null;
  }

  /**
   * What changed since the last pass when only scorecards did: those added or edited,
   * and the ids of those removed. Undefined when every entity must be evaluated afresh
   * (the fact sources or rule operators changed, or no pass stored its hashes).
   */
  private async changedScorecards(
    scorecards: LoadedScorecards,
  ): Promise<{ changed: CompiledScorecard[]; removed: string[] } | undefined> {
    const json = await this.options.store.getState(HASHES_KEY);
    const stored: StoredHashes | undefined = json
      ? JSON.parse(json)
      : undefined;
    if (!stored || stored.baseHash !== scorecards.baseHash) return undefined;
    return {
      changed: scorecards.compiled.filter(
        s =>
          stored.scorecardHashes[s.definition.id] !==
          scorecards.scorecardHashes[s.definition.id],
      ),
      removed: Object.keys(stored.scorecardHashes).filter(
        id => !(id in scorecards.scorecardHashes),
      ),
    };
  }

  /**
   * Re-evaluates the changed scorecards over every entity's stored facts (those of its
   * last evaluation), without the catalog or the fact sources, and drops the results of
   * removed ones; the entities' other results stay. Staged and published at once, with
   * the new definitions' hashes: entities evaluated with the previous definitions are
   * then current, so the pass goes on as an incremental one.
   */
  private async reevaluateScorecards(
    { changed, removed }: { changed: CompiledScorecard[]; removed: string[] },
    pass: {
      from: string;
      to: LoadedScorecards;
      summary: EvaluationSummary;
      staged: StagedPass;
    },
  ) {
    const { store, pages } = this.options;
    const { summary, staged } = pass;
    const scorecardIds = [...changed.map(s => s.definition.id), ...removed];
    summary.scorecards = scorecardIds;
    const levelIndex = pages.levelIndex(pass.to);
    for await (const page of store.storedFacts(PAGE_SIZE)) {
      const results = page.flatMap(({ entityRef, facts, sourceErrors }) =>
        changed
          .filter(s => s.appliesTo(facts, sourceErrors))
          .map(s => s.evaluate(facts, { entityRef, sourceErrors })),
      );
      await staged.stageRescored({
        entityRefs: page.map(e => e.entityRef),
        results,
        levelIndex,
      });
      summary.evaluated += page.length;
    }
    await staged.publish({
      rescore: { scorecardIds, fromHash: pass.from, toHash: pass.to.hash },
      state: this.hashState(pass.to),
    });
  }
}
