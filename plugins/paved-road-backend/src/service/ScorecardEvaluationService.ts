import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AggregatesResponse,
  EvaluationSummary,
  ScorecardDefinition,
  ScorecardResult,
} from '@paved-road/backstage-plugin-common';
import { PavedRoadFactSource } from '@paved-road/backstage-plugin-node';
import { createHash, randomUUID } from 'node:crypto';
import {
  DatabaseResultsStore,
  EntityEvaluation,
  SNAPSHOT_TOTALS,
} from '../database/DatabaseResultsStore';
import { compileScorecards, CompiledScorecard } from '../scorecards/evaluator';
import { ScorecardRuleOperator } from '../scorecards/operators';
import { computeAggregates } from './aggregates';
import { CatalogIndex } from './CatalogIndex';
import { collectFacts } from './factSources';

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
const CONCURRENCY = 8;
/** Pages a pass writes at once, each in its own transaction. */
const WRITES_IN_FLIGHT = 2;
const HASH_KEY = 'definitions_hash';
const HASHES_KEY = 'scorecard_hashes';
const LAST_PASS_KEY = 'last_pass_at';
const AGGREGATES_KEY = 'aggregates';
const AGGREGATES_VERSION_KEY = 'aggregates_version';
const SCAFFOLDS_KEY = 'aggregated_scaffold_events';
/** Set when one entity was re-evaluated outside a pass; the next pass re-aggregates. */
const AGGREGATES_DIRTY_KEY = 'aggregates_dirty';

const message = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/** The catalog's etag, or a hash of the entity where a catalog gives none. */
function etagOf(entity: Entity): string {
  return (
    entity.metadata.etag ??
    createHash('sha256').update(JSON.stringify(entity)).digest('hex')
  );
}

const refOrNull = (value: unknown) =>
  typeof value === 'string' && value ? value : null;

/** The compiled scorecards and the hashes that tell what changed. */
export interface LoadedScorecards {
  definitions: ScorecardDefinition[];
  compiled: CompiledScorecard[];
  /** Of every definition and what they are evaluated with. */
  hash: string;
  /**
   * Of what every scorecard is evaluated with (the fact sources and rule operators):
   * when it changes, every entity is evaluated afresh.
   */
  baseHash: string;
  /** Each scorecard's own hash, by id: a changed scorecard is re-evaluated alone. */
  scorecardHashes: Record<string, string>;
}

/** The hashes a pass evaluated with, stored for the next pass to compare. */
type StoredHashes = Pick<LoadedScorecards, 'baseHash' | 'scorecardHashes'>;

const sha256 = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

type PageContext = {
  full: boolean;
  /**
   * The page holds only {@link SCAN_FIELDS} of each entity (an incremental pass): the
   * changed ones are read in full, as these credentials.
   */
  scanned?: { credentials: BackstageCredentials };
  /** Entities evaluated before this time (ms since the epoch) are evaluated again. */
  expiredBefore?: number;
  passId: string;
  scorecards: LoadedScorecards;
  summary: EvaluationSummary;
  /** A pass's scanned entity refs, to remove the stored entities it did not see. */
  seen?: Set<string>;
};

type EvaluatedPage = {
  evaluations: EntityEvaluation[];
  keptStale: Array<{ ref: string; reason: string }>;
};

/** Compiles definitions and hashes them with the fact sources they read. */
export function loadScorecards(
  definitions: ScorecardDefinition[],
  factSourceIds: string[],
  operators?: Iterable<ScorecardRuleOperator>,
): LoadedScorecards {
  const operatorList = operators ? [...operators] : [];
  return {
    definitions,
    compiled: compileScorecards(definitions, { operators: operatorList }),
    hash: sha256({
      definitions,
      factSourceIds,
      operators: operatorList.map(o => o.name),
    }),
    baseHash: sha256({
      factSourceIds,
      operators: operatorList.map(o => o.name),
    }),
    scorecardHashes: Object.fromEntries(
      definitions.map(d => [d.id, sha256(d)]),
    ),
  };
}

/**
 * Evaluates the catalog's entities into the results store: a full pass when the
 * scorecards changed (or on request), otherwise only entities whose etag changed or
 * whose pushed facts arrived. Streams the catalog page by page, so memory stays bounded.
 *
 * @internal
 */
export class ScorecardEvaluationService {
  private scorecards: LoadedScorecards;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      store: DatabaseResultsStore;
      index: CatalogIndex;
      factSources: PavedRoadFactSource[];
      scorecards: LoadedScorecards;
      historyRetentionDays: number;
      /**
       * How old an entity's results may get (ms) before a pass evaluates it again,
       * though unchanged in the catalog: repository files and other facts change
       * without the entity changing.
       */
      reevaluateAfterMs?: number;
    },
  ) {
    this.scorecards = options.scorecards;
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
  evaluate(options: { full?: boolean } = {}): Promise<EvaluationSummary> {
    const run = this.queue.then(() => this.runPass(options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Re-evaluates one entity now (on demand, e.g. from its entity page) and stores its
   * results; the aggregates follow at the next pass. Returns undefined when the catalog
   * has no such entity.
   */
  evaluateEntity(entityRef: string): Promise<EvaluationSummary | undefined> {
    const run = this.queue.then(async () => {
      const started = Date.now();
      const credentials = await this.options.auth.getOwnServiceCredentials();
      const entity = await this.options.catalog.getEntityByRef(entityRef, {
        credentials,
      });
      if (!entity) return undefined;
      const summary: EvaluationSummary = {
        mode: 'entity',
        scanned: 0,
        evaluated: 0,
        unchanged: 0,
        removed: 0,
        stale: 0,
        durationMs: 0,
      };
      await this.evaluatePage([entity], {
        full: true,
        passId: randomUUID(),
        scorecards: this.scorecards,
        summary,
      });
      await this.options.store.setState(AGGREGATES_DIRTY_KEY, 'true');
      summary.durationMs = Date.now() - started;
      return summary;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runPass(options: {
    full?: boolean;
  }): Promise<EvaluationSummary> {
    const { store, index, logger, catalog, auth } = this.options;
    const started = Date.now();
    const scorecards = this.scorecards;
    const passId = randomUUID();
    const summary: EvaluationSummary = {
      mode: 'incremental',
      scanned: 0,
      evaluated: 0,
      unchanged: 0,
      removed: 0,
      stale: 0,
      durationMs: 0,
    };
    try {
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
        });
      }
      const credentials = await auth.getOwnServiceCredentials();
      // Pages are written while the next is read and evaluated, so the database and
      // the evaluation work at once: up to WRITES_IN_FLIGHT pages at a time, each in
      // its own transaction on its own connection (their entities differ), so the
      // database can use more than one core; at most WRITES_IN_FLIGHT + 1 pages are in
      // memory.
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
      try {
        for await (const page of catalog.streamEntities(
          { pageSize: PAGE_SIZE, ...(full ? {} : { fields: SCAN_FIELDS }) },
          { credentials },
        )) {
          const evaluated = await this.readAndEvaluatePage(
            page.filter(e => e.kind.toLocaleLowerCase('en-US') !== 'location'),
            {
              full,
              scanned: full ? undefined : { credentials },
              expiredBefore,
              passId,
              scorecards,
              summary,
              seen,
            },
          );
          if (writes.length >= WRITES_IN_FLIGHT) await writes.shift();
          const writing = this.writePage(evaluated, passId, summary);
          // Handled here so a failed write never goes unobserved; awaited below.
          writing.catch(() => {});
          writes.push(writing);
        }
      } finally {
        // Never leave a write running behind a failed pass.
        await Promise.allSettled(writes);
      }
      for (const writing of writes) await writing;
      if (summary.scanned > 0) {
        // Every ref the pass saw is stored now, so more stored entities than refs
        // seen means some are gone from the catalog; only then are they looked for.
        if ((await store.countEntities()) > seen.size) {
          summary.removed = await store.removeMissing(seen);
        }
      } else {
        // An empty answer is more likely a misconfigured catalog than an empty one.
        logger.warn('The catalog returned no entities; stored results kept');
      }
      await store.setState(HASH_KEY, scorecards.hash);
      const hashes: StoredHashes = {
        baseHash: scorecards.baseHash,
        scorecardHashes: scorecards.scorecardHashes,
      };
      await store.setState(HASHES_KEY, JSON.stringify(hashes));
      const aggregates = await this.refreshAggregates(summary);
      await store.setState(LAST_PASS_KEY, aggregates.evaluatedAt!);
      try {
        await this.snapshot(aggregates);
      } catch (error) {
        // The results are fresh; only the history misses a day until a pass writes it
        // (another replica's pass may have written it at the same time).
        logger.warn(
          `Paved Road: today's history snapshot was not written, the next pass tries again: ${message(
            error,
          )}`,
        );
      }
    } catch (error) {
      // Nothing is lost: the last results stay, marked stale with the reason.
      summary.error = `Evaluation failed: ${message(error)}`;
      summary.stale = await store.markStale(summary.error);
      logger.error(summary.error);
    }
    summary.durationMs = Date.now() - started;
    logger.info(
      `Paved Road ${summary.mode} evaluation: ${summary.scanned} scanned, ${summary.evaluated} evaluated, ${summary.unchanged} unchanged, ${summary.removed} removed, ${summary.stale} stale in ${summary.durationMs} ms`,
    );
    return summary;
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
   * removed ones; the entities' other results stay. Entities evaluated with the
   * previous definitions are then current, so the pass goes on as an incremental one.
   */
  private async reevaluateScorecards(
    { changed, removed }: { changed: CompiledScorecard[]; removed: string[] },
    pass: { from: string; to: LoadedScorecards; summary: EvaluationSummary },
  ) {
    const { store } = this.options;
    const { summary } = pass;
    const scorecardIds = [...changed.map(s => s.definition.id), ...removed];
    summary.scorecards = scorecardIds;
    const levelIndex = this.levelIndex(pass.to);
    for await (const page of store.storedFacts(PAGE_SIZE)) {
      const results = page.flatMap(({ entityRef, facts, sourceErrors }) =>
        changed
          .filter(s => s.appliesTo(facts, sourceErrors))
          .map(s => s.evaluate(facts, { entityRef, sourceErrors })),
      );
      await store.replaceScorecardResults({
        entityRefs: page.map(e => e.entityRef),
        scorecardIds,
        results,
        levelIndex,
        fromHash: pass.from,
        toHash: pass.to.hash,
      });
      summary.evaluated += page.length;
    }
  }

  /** Reads, evaluates and writes one page of entities. */
  private async evaluatePage(entities: Entity[], ctx: PageContext) {
    const evaluated = await this.readAndEvaluatePage(entities, ctx);
    await this.writePage(evaluated, ctx.passId, ctx.summary);
  }

  /** What a page's evaluation hands to {@link writePage}. */
  private async readAndEvaluatePage(
    entities: Entity[],
    ctx: PageContext,
  ): Promise<EvaluatedPage> {
    const { store } = this.options;
    const { summary, scorecards } = ctx;
    summary.scanned += entities.length;
    const refs = entities.map(e => stringifyEntityRef(e));
    for (const ref of refs) ctx.seen?.add(ref);
    const stored = await store.getEvaluationKeys(refs);
    const isChanged = (entity: Entity, ref: string) => {
      const key = stored.get(ref);
      return (
        ctx.full ||
        !key ||
        key.stale ||
        key.etag !== etagOf(entity) ||
        key.definitionsHash !== scorecards.hash ||
        (ctx.expiredBefore !== undefined && key.evaluatedAt < ctx.expiredBefore)
      );
    };
    let changed = entities.filter((entity, i) => isChanged(entity, refs[i]));
    if (ctx.scanned && changed.length) {
      // Read the changed entities in full; one the catalog no longer has is skipped
      // (the next pass removes it). Checked again: a catalog without etags is compared
      // by the whole entity's hash, which the scanned fields cannot give.
      const { items } = await this.options.catalog.getEntitiesByRefs(
        { entityRefs: changed.map(e => stringifyEntityRef(e)) },
        { credentials: ctx.scanned.credentials },
      );
      changed = items.filter(
        (entity): entity is Entity =>
          entity !== undefined &&
          entity !== null &&
          isChanged(entity, stringifyEntityRef(entity)),
      );
    }
    summary.unchanged += entities.length - changed.length;
    if (!changed.length) return { evaluations: [], keptStale: [] };
    const pushed = await store.getPushedFacts(
      changed.map(e => stringifyEntityRef(e)),
    );

    const evaluations: EntityEvaluation[] = [];
    const keptStale: Array<{ ref: string; reason: string }> = [];
    let next = 0;
    const worker = async () => {
      while (next < changed.length) {
        const entity = changed[next++];
        const ref = stringifyEntityRef(entity);
        const collected = await collectFacts(this.options.factSources, entity);
        const facts: Record<string, unknown> = collected.facts;
        if (pushed.has(ref)) facts.pushed = pushed.get(ref);
        const errors = collected.errors;
        const failed = Object.entries(errors);
        const reason = failed.length
          ? failed
              .map(([id, m]) => `fact source '${id}' failed: ${m}`)
              .join('; ')
          : undefined;
        if (reason && stored.has(ref)) {
          keptStale.push({ ref, reason });
          continue;
        }
        const results = this.evaluateWith(scorecards, facts, ref, errors);
        evaluations.push(
          this.toEvaluation(entity, ref, facts, errors, results, reason),
        );
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return { evaluations, keptStale };
  }

  private async writePage(
    { evaluations, keptStale }: EvaluatedPage,
    passId: string,
    summary: EvaluationSummary,
  ) {
    const { store } = this.options;
    await store.saveEvaluations(evaluations, passId);
    for (const { ref, reason } of keptStale) {
      await store.markStale(reason, [ref]);
    }
    summary.evaluated += evaluations.length;
    summary.stale += keptStale.length;
  }

  private evaluateWith(
    scorecards: LoadedScorecards,
    facts: Record<string, unknown>,
    entityRef: string,
    sourceErrors: Record<string, string>,
  ) {
    return scorecards.compiled
      .filter(s => s.appliesTo(facts, sourceErrors))
      .map(s => s.evaluate(facts, { entityRef, sourceErrors }));
  }

  #levelIndex?: {
    for: LoadedScorecards;
    of: (result: ScorecardResult) => number;
  };

  /**
   * The position of a result's level in its scorecard's ladder, -1 below the lowest
   * (made once per set of definitions).
   */
  private levelIndex(
    scorecards = this.scorecards,
  ): (result: ScorecardResult) => number {
    if (this.#levelIndex?.for !== scorecards) {
      const levels = new Map(
        scorecards.definitions.map(d => [
          d.id,
          d.levels.map(level => level.id),
        ]),
      );
      this.#levelIndex = {
        for: scorecards,
        of: r =>
          r.level === null
            ? -1
            : levels.get(r.scorecardId)?.indexOf(r.level) ?? -1,
      };
    }
    return this.#levelIndex.of;
  }

  private toEvaluation(
    entity: Entity,
    ref: string,
    facts: Record<string, any>,
    sourceErrors: Record<string, string>,
    results: ScorecardResult[],
    staleReason: string | undefined,
  ): EntityEvaluation {
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    const relation = (type: string) =>
      entity.relations?.find(r => r.type === type)?.targetRef ?? null;
    const system =
      relation('partOf') && relation('partOf')!.startsWith('system:')
        ? relation('partOf')
        : null;
    return {
      entity: {
        entityRef: ref,
        kind: entity.kind,
        type: refOrNull(spec.type),
        lifecycle: refOrNull(spec.lifecycle),
        owner: facts.owner?.ref ?? relation('ownedBy'),
        system,
        domain: this.options.index.domainOf(entity, system),
        goldenPath: facts.provenance?.goldenPath === true,
        templateRef: facts.provenance?.templateRef ?? null,
        drift: facts.provenance?.drift?.status ?? null,
      },
      etag: etagOf(entity),
      facts,
      sourceErrors,
      results,
      levelIndex: this.levelIndex(),
      definitionsHash: this.scorecards.hash,
      staleReason,
    };
  }

  /**
   * Recomputes the unfiltered aggregates after a pass that changed results (or when
   * scaffold events were added) and stores them, so every replica serves them as read.
   * A template whose time-saved changes is itself re-evaluated (its etag changed), so
   * the aggregates follow.
   */
  private async refreshAggregates(
    summary: EvaluationSummary,
  ): Promise<AggregatesResponse> {
    const { store, index } = this.options;
    const scaffolds = String(await store.scaffoldEventCount());
    const stored = await this.storedAggregates();
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
  async storedAggregates(): Promise<AggregatesResponse | undefined> {
    const value = await this.storedAggregatesJson();
    return value ? (JSON.parse(value) as AggregatesResponse) : undefined;
  }

  /** {@link storedAggregates} as stored: JSON. */
  async storedAggregatesJson(): Promise<string | undefined> {
    return this.options.store.getState(AGGREGATES_KEY);
  }

  /** Changes whenever the stored aggregates do; cheap to read on every request. */
  async storedAggregatesVersion(): Promise<string | undefined> {
    return this.options.store.getState(AGGREGATES_VERSION_KEY);
  }

  /**
   * Writes today's snapshot once a day and prunes snapshots beyond the retention: every
   * entity's level per scorecard (the store copies them from the results); per
   * aggregate scope, the level distribution per scorecard and the scope's totals
   * (golden-path eligible, adopted and rate, drift counts, hours saved) under
   * {@link SNAPSHOT_TOTALS}.
   */
  private async snapshot(aggregates: AggregatesResponse) {
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

  async lastPassAt(): Promise<string | null> {
    return (await this.options.store.getState(LAST_PASS_KEY)) ?? null;
  }
}
