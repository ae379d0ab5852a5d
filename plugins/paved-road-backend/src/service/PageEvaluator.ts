import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Exemption,
  EvaluationSummary,
  ScorecardResult,
} from '@paved-road/backstage-plugin-common';
import { PavedRoadFactSource } from '@paved-road/backstage-plugin-node';
import { createHash } from 'node:crypto';
import {
  DatabaseResultsStore,
  EntityEvaluation,
} from '../database/DatabaseResultsStore';
import { StagedPass } from '../database/StagedPass';
import { CatalogIndex } from './CatalogIndex';
import { collectFacts } from './factSources';
import { ExemptionStore } from '../database/ExemptionStore';
import { LoadedScorecards } from './loadedScorecards';

/** Entities of a page whose facts are collected at once. */
const CONCURRENCY = 8;

/** The catalog's etag, or a hash of the entity where a catalog gives none. */
function etagOf(entity: Entity): string {
  return (
    entity.metadata.etag ??
    createHash('sha256').update(JSON.stringify(entity)).digest('hex')
  );
}

const refOrNull = (value: unknown) =>
  typeof value === 'string' && value ? value : null;

/**
 * What a page of entities is evaluated for.
 *
 * @internal
 */
export type PageContext = {
  full: boolean;
  /**
   * The page holds only the scanned fields of each entity (an incremental pass): the
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
  /** Counts the scanned entities (each once) that were stored when scanned. */
  seenStored?: { count: number };
  /**
   * Where a pass's pages go until it publishes them; without it, pages are written to
   * the stored results at once (one entity evaluated on demand).
   */
  staged?: StagedPass;
  /** Counts the entities evaluated for the first time (none of their results stored). */
  added?: { count: number };
};

/**
 * A page's evaluations, ready to write.
 *
 * @internal
 */
export type EvaluatedPage = {
  evaluations: EntityEvaluation[];
  keptStale: Array<{ ref: string; reason: string }>;
};

/**
 * Evaluates a page of catalog entities: tells which changed since their stored
 * evaluation, collects their facts (a few at a time), evaluates the scorecards and
 * writes the results (staged, in a pass).
 *
 * @internal
 */
export class PageEvaluator {
  #levelIndex?: {
    for: LoadedScorecards;
    of: (result: ScorecardResult) => number;
  };

  constructor(
    private readonly options: {
      catalog: CatalogService;
      store: DatabaseResultsStore;
      index: CatalogIndex;
      factSources: PavedRoadFactSource[];
      /** Approved exemptions, added to each entity's facts as `exemptions`. */
      exemptions?: Pick<ExemptionStore, 'approvedFor'>;
    },
  ) {}

  /** Reads, evaluates and writes one page of entities. */
  async evaluatePage(entities: Entity[], ctx: PageContext) {
    const evaluated = await this.readAndEvaluatePage(entities, ctx);
    await this.writePage(evaluated, ctx);
  }

  /** What a page's evaluation hands to {@link PageEvaluator.writePage}. */
  async readAndEvaluatePage(
    entities: Entity[],
    ctx: PageContext,
  ): Promise<EvaluatedPage> {
    const { store } = this.options;
    const { summary, scorecards } = ctx;
    summary.scanned += entities.length;
    const refs = entities.map(e => stringifyEntityRef(e));
    const stored = await store.getEvaluationKeys(refs);
    for (const ref of refs) {
      if (ctx.seenStored && stored.has(ref) && !ctx.seen?.has(ref)) {
        ctx.seenStored.count += 1;
      }
      ctx.seen?.add(ref);
    }
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
    const exempted =
      (await this.options.exemptions?.approvedFor(
        changed.map(e => stringifyEntityRef(e)),
      )) ?? new Map();

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
        if (exempted.has(ref))
          facts.exemptions = exemptionFacts(exempted.get(ref));
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
        if (!stored.has(ref) && ctx.added) ctx.added.count += 1;
        const results = this.evaluateWith(scorecards, facts, ref, errors);
        evaluations.push(
          this.toEvaluation(
            entity,
            ref,
            { facts, errors, results, reason },
            ctx,
          ),
        );
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return { evaluations, keptStale };
  }

  /**
   * Writes a page's evaluations: staged in a pass (`ctx.staged`, published when it
   * ends), otherwise to the stored results at once.
   */
  async writePage(
    { evaluations, keptStale }: EvaluatedPage,
    ctx: Pick<PageContext, 'passId' | 'summary' | 'staged'>,
  ) {
    const { store } = this.options;
    const { summary } = ctx;
    if (ctx.staged) {
      await ctx.staged.stagePage(evaluations, keptStale);
    } else {
      await store.saveEvaluations(evaluations, ctx.passId);
      for (const { ref, reason } of keptStale) {
        await store.markStale(reason, [ref]);
      }
    }
    summary.evaluated += evaluations.length;
    summary.stale += keptStale.length;
  }

  /**
   * The position of a result's level in its scorecard's ladder, -1 below the lowest
   * (made once per set of definitions).
   */
  levelIndex(
    scorecards: LoadedScorecards,
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

  private toEvaluation(
    entity: Entity,
    ref: string,
    evaluated: {
      facts: Record<string, any>;
      errors: Record<string, string>;
      results: ScorecardResult[];
      reason: string | undefined;
    },
    ctx: PageContext,
  ): EntityEvaluation {
    const { facts } = evaluated;
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
      sourceErrors: evaluated.errors,
      results: evaluated.results,
      // The scorecards the page was evaluated with (not ones set since).
      levelIndex: this.levelIndex(ctx.scorecards),
      definitionsHash: ctx.scorecards.hash,
      staleReason: evaluated.reason,
    };
  }
}

/**
 * The `exemptions` facts of an entity's approved exemptions from checks and scorecards
 * (campaign exemptions count in the campaign's progress instead), as the evaluator
 * reads them.
 */
function exemptionFacts(exemptions: Exemption[] = []) {
  return exemptions.flatMap(({ target, decidedBy, expiresOn, reason }) =>
    target.type !== 'check' && target.type !== 'scorecard'
      ? []
      : [
          {
            scorecard: target.scorecard,
            ...(target.type === 'check' ? { check: target.check } : {}),
            approvedBy: decidedBy ?? 'unknown',
            expiresOn,
            reason,
          },
        ],
  );
}
