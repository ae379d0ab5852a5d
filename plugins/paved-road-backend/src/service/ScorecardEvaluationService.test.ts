import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ScorecardDefinition,
  ScorecardPredicate,
} from '@paved-road/backstage-plugin-common';
import { PavedRoadFactSource } from '@paved-road/backstage-plugin-node';
import {
  DatabaseResultsStore,
  SNAPSHOT_TOTALS,
} from '../database/DatabaseResultsStore';
import { DatabaseScaffoldEventStore } from '../database/DatabaseScaffoldEventStore';
import { readScorecardDefinitions } from '../scorecards/definitions';
import { CatalogIndex } from './CatalogIndex';
import { createProvenanceFactSource, entityFactSource } from './factSources';
import {
  LoadedScorecards,
  loadScorecards,
  ScorecardEvaluationService,
} from './ScorecardEvaluationService';

jest.setTimeout(60_000);

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', etag: `${name}-1` },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:default/a' },
});

/** A service over the catalog: the shipped scorecards and the entity source unless told. */
async function serviceOver(options: {
  store: DatabaseResultsStore;
  catalog: CatalogService;
  /** What the organisational index reads; the catalog itself by default. */
  indexCatalog?: CatalogService;
  factSources?: PavedRoadFactSource[];
  scorecards?: LoadedScorecards;
}) {
  const auth = mockServices.auth();
  return new ScorecardEvaluationService({
    catalog: options.catalog,
    auth,
    logger: mockServices.logger.mock(),
    store: options.store,
    index: new CatalogIndex({
      catalog: options.indexCatalog ?? options.catalog,
      auth,
    }),
    factSources: options.factSources ?? [entityFactSource],
    scorecards:
      options.scorecards ??
      loadScorecards(await readScorecardDefinitions(new ConfigReader({})), [
        'entity',
      ]),
    historyRetentionDays: 90,
  });
}

describe('ScorecardEvaluationService', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup(options: { reevaluateAfterMs?: number } = {}) {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseResultsStore.create({
      database: mockServices.database({ knex }),
    });
    const entities = [component('one'), component('two')];
    const catalog = catalogServiceMock({ entities });
    const failing = { on: false };
    const flaky: PavedRoadFactSource = {
      id: 'flaky',
      description: 'fails on demand',
      async collect() {
        if (failing.on) throw new Error('upstream timeout');
        return { ok: true };
      },
    };
    const auth = mockServices.auth();
    const definitions = await readScorecardDefinitions(new ConfigReader({}));
    const broken = { on: false };
    /** Names of entities the catalog no longer returns. */
    const gone = new Set<string>();
    const catalogProxy = new Proxy(catalog, {
      get(target, prop) {
        if (prop === 'streamEntities' && broken.on) {
          return () => {
            throw new Error('catalog unreachable');
          };
        }
        if (prop === 'streamEntities' && gone.size) {
          return async function* remaining(...args: any[]) {
            for await (const page of (target.streamEntities as any)(...args)) {
              yield (page as Entity[]).filter(e => !gone.has(e.metadata.name));
            }
          };
        }
        const value = (target as any)[prop];
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as CatalogService;
    const logger = mockServices.logger.mock();
    const service = new ScorecardEvaluationService({
      catalog: catalogProxy,
      auth,
      logger,
      store,
      index: new CatalogIndex({ catalog, auth }),
      factSources: [entityFactSource, flaky],
      scorecards: loadScorecards(definitions, ['entity', 'flaky']),
      historyRetentionDays: 90,
      reevaluateAfterMs: options.reevaluateAfterMs,
    });
    return { service, store, entities, failing, broken, gone, knex, logger };
  }

  it('keeps the last results and marks them stale when a source or the catalog fails', async () => {
    const { service, store, entities, failing, broken } = await setup();
    expect(await service.evaluate()).toMatchObject({
      mode: 'full',
      scanned: 2,
      evaluated: 2,
    });
    const before = await store.getEntity('component:default/one');
    expect(before?.results.length).toBeGreaterThan(0);

    failing.on = true;
    entities[0].metadata.etag = 'one-2';
    expect(await service.evaluate()).toMatchObject({
      mode: 'incremental',
      evaluated: 0,
      stale: 1,
      unchanged: 1,
    });
    const stale = await store.getEntity('component:default/one');
    expect(stale?.entity).toMatchObject({
      stale: true,
      staleReason: "fact source 'flaky' failed: upstream timeout",
    });
    expect(stale?.results).toEqual(before?.results);

    failing.on = false;
    expect(await service.evaluate()).toMatchObject({ evaluated: 1 });
    expect((await store.getEntity('component:default/one'))?.entity.stale).toBe(
      false,
    );

    broken.on = true;
    const failed = await service.evaluate();
    expect(failed.error).toBe('Evaluation failed: catalog unreachable');
    const kept = await store.getEntity('component:default/two');
    expect(kept?.entity).toMatchObject({
      stale: true,
      staleReason: 'Evaluation failed: catalog unreachable',
    });
    expect(kept?.results.length).toBeGreaterThan(0);

    broken.on = false;
    expect(await service.evaluate()).toMatchObject({ evaluated: 2 });
    expect((await store.getEntity('component:default/two'))?.entity.stale).toBe(
      false,
    );
  });

  it("keeps the results fresh when the day's snapshot cannot be written, and writes it at the next pass", async () => {
    const { service, store, knex, logger } = await setup();
    const today = new Date().toISOString().slice(0, 10);
    await knex.schema.renameTable('paved_road_snapshots', 'snapshots_away');
    const summary = await service.evaluate();
    expect(summary).toMatchObject({ evaluated: 2, stale: 0 });
    expect(summary.error).toBeUndefined();
    expect((await store.getEntity('component:default/one'))?.entity.stale).toBe(
      false,
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        "Paved Road: today's history snapshot was not written, the next pass tries again",
      ),
    );
    await knex.schema.renameTable('snapshots_away', 'paved_road_snapshots');
    expect(await store.hasSnapshot(today)).toBe(false);
    expect(await service.evaluate()).toMatchObject({ evaluated: 0 });
    expect(await store.hasSnapshot(today)).toBe(true);
  });

  it('removes the entities gone from the catalog, changed or unchanged', async () => {
    const { service, store, entities, gone } = await setup();
    await service.evaluate();
    gone.add('one');
    expect(await service.evaluate()).toMatchObject({
      scanned: 1,
      unchanged: 1,
      removed: 1,
    });
    expect(await store.getEntity('component:default/one')).toBeUndefined();
    expect(await store.getEntity('component:default/two')).toBeDefined();

    gone.clear();
    gone.add('two');
    entities[0].metadata.etag = 'one-2';
    expect(await service.evaluate()).toMatchObject({
      evaluated: 1,
      removed: 1,
    });
    expect(await store.getEntity('component:default/one')).toBeDefined();
    expect(await store.getEntity('component:default/two')).toBeUndefined();
  });

  it('scans etags only and reads just the changed entities in full, with or without etags', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseResultsStore.create({
      database: mockServices.database({ knex }),
    });
    const withEtags = [component('one'), component('two'), component('three')];
    const withoutEtags = ['four', 'five'].map(name => {
      const entity = component(name);
      delete entity.metadata.etag;
      return entity;
    });
    const catalog = catalogServiceMock({
      entities: [...withEtags, ...withoutEtags],
    });
    const calls: Array<{ method: string; request: any }> = [];
    const recording = new Proxy(catalog, {
      get(target, prop) {
        const value = (target as any)[prop];
        if (typeof value !== 'function') return value;
        return (request: any, ...rest: unknown[]) => {
          calls.push({ method: String(prop), request });
          return value.call(target, request, ...rest);
        };
      },
    }) as CatalogService;
    const service = await serviceOver({
      store,
      catalog: recording,
      indexCatalog: catalog,
    });
    expect(await service.evaluate()).toMatchObject({ evaluated: 5 });
    expect(calls.map(c => c.method)).toEqual(['streamEntities']);
    expect(calls[0].request.fields).toBeUndefined();

    calls.length = 0;
    withEtags[1].metadata.etag = 'two-2';
    (withoutEtags[0].spec as any).lifecycle = 'deprecated';
    expect(await service.evaluate()).toMatchObject({
      mode: 'incremental',
      evaluated: 2,
      unchanged: 3,
    });
    expect(calls[0]).toMatchObject({
      method: 'streamEntities',
      request: { fields: expect.arrayContaining(['metadata.etag']) },
    });
    // The etag-less entities cannot be told apart by their scanned fields: read in
    // full, and only the edited one is evaluated.
    expect(calls.slice(1)).toEqual([
      {
        method: 'getEntitiesByRefs',
        request: {
          entityRefs: [
            'component:default/two',
            'component:default/four',
            'component:default/five',
          ],
        },
      },
    ]);
    expect(
      (await store.getEntity('component:default/four'))?.entity.lifecycle,
    ).toBe('deprecated');
  });

  it('re-evaluates unchanged entities whose results are older than reevaluateAfter', async () => {
    const { service, knex } = await setup({ reevaluateAfterMs: 3_600_000 });
    expect(await service.evaluate()).toMatchObject({ evaluated: 2 });
    expect(await service.evaluate()).toMatchObject({
      mode: 'incremental',
      evaluated: 0,
      unchanged: 2,
    });
    await knex('paved_road_entities')
      .where({ entity_ref: 'component:default/one' })
      .update({ evaluated_at: new Date(Date.now() - 2 * 3_600_000) });
    expect(await service.evaluate()).toMatchObject({
      mode: 'incremental',
      evaluated: 1,
      unchanged: 1,
    });
    expect(await service.evaluate()).toMatchObject({ evaluated: 0 });
  });

  it('re-evaluates only edited scorecards, over stored facts, and everything when the fact sources change', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseResultsStore.create({
      database: mockServices.database({ knex }),
    });
    const catalog = catalogServiceMock({
      entities: [component('one'), component('two')],
    });
    let collected = 0;
    const counted: PavedRoadFactSource = {
      id: 'counted',
      description: 'counts its collections',
      async collect({ entity }) {
        collected += 1;
        return { name: entity.metadata.name };
      },
    };
    const card = (
      id: string,
      rule: ScorecardPredicate,
    ): ScorecardDefinition => ({
      id,
      title: id,
      description: id,
      levels: [{ id: 'ok', title: 'OK' }],
      checks: [
        {
          id: 'check',
          title: 'Check',
          description: 'Check',
          level: 'ok',
          rule,
          remediation: { markdown: 'Fix it' },
        },
      ],
    });
    const isOne = { 'counted.name': 'one' };
    const isTwo = { 'counted.name': 'two' };
    const service = await serviceOver({
      store,
      catalog,
      factSources: [entityFactSource, counted],
      scorecards: loadScorecards(
        [card('kept', isOne), card('edited', isOne), card('removed', isOne)],
        ['entity', 'counted'],
      ),
    });
    expect(await service.evaluate()).toMatchObject({
      mode: 'full',
      evaluated: 2,
    });
    expect(collected).toBe(2);
    const keptAt = async () =>
      (
        await knex('paved_road_results')
          .where({ scorecard_id: 'kept' })
          .orderBy('entity_ref')
          .select('evaluated_at')
      ).map(r => String(r.evaluated_at));
    const keptBefore = await keptAt();
    const levels = async (name: string) =>
      Object.fromEntries(
        (await store.getEntity(`component:default/${name}`))!.results.map(r => [
          r.scorecardId,
          r.level,
        ]),
      );

    service.setScorecards(
      loadScorecards(
        [
          card('kept', isOne),
          card('edited', isTwo),
          card('added', { 'entity.kind': 'Component' }),
        ],
        ['entity', 'counted'],
      ),
    );
    expect(await service.evaluate()).toMatchObject({
      mode: 'scorecards',
      scorecards: ['edited', 'added', 'removed'],
      evaluated: 2,
      unchanged: 2,
    });
    // No fact was collected again, the unedited scorecard's results were kept.
    expect(collected).toBe(2);
    expect(await keptAt()).toEqual(keptBefore);
    expect(await levels('one')).toEqual({
      kept: 'ok',
      edited: null,
      added: 'ok',
    });
    expect(await levels('two')).toEqual({
      kept: null,
      edited: 'ok',
      added: 'ok',
    });
    const org = (await service.storedAggregates())!.org;
    expect(Object.keys(org.scorecards).sort()).toEqual([
      'added',
      'edited',
      'kept',
    ]);
    expect(org.scorecards.edited.levels).toEqual({ ok: 1, none: 1 });
    expect(await service.evaluate()).toMatchObject({
      mode: 'incremental',
      evaluated: 0,
    });

    // Other fact sources: every entity's facts are collected again.
    service.setScorecards(
      loadScorecards([card('kept', isOne)], ['entity', 'counted', 'more']),
    );
    expect(await service.evaluate()).toMatchObject({
      mode: 'full',
      evaluated: 2,
    });
    expect(collected).toBe(4);
    expect(await levels('one')).toEqual({ kept: 'ok' });
  });
});

describe('hours saved and daily totals', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  const template = (name: string, timeSaved?: string): Entity => ({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/template-version': '2.3.0',
        ...(timeSaved ? { 'backstage.io/time-saved': timeSaved } : {}),
      },
    },
    spec: { type: 'service', steps: [] },
  });
  const scaffolded = (name: string, from: string, version = '2.3.0') => {
    const entity = component(name);
    entity.metadata.annotations = {
      'backstage.io/source-template': `template:default/${from}`,
      'backstage.io/template-version': version,
    };
    return entity;
  };

  it.each(databases.eachSupportedId())(
    "counts each entity once: its scaffold event, else its template's time-saved, on %p",
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const store = await DatabaseResultsStore.create({ database });
      const events = await DatabaseScaffoldEventStore.create({ database });
      const apiService = template('api-service', 'PT40H');
      const entities = [
        apiService,
        template('broken', 'forty hours'),
        template('no-estimate'),
        // provenance, no recorded event: the template's 40 hours
        scaffolded('from-template', 'api-service'),
        // provenance and a recorded event: the event's 12 hours, not 12 + 40
        scaffolded('recorded', 'api-service', '2.2.0'),
        // a recorded event without provenance annotations: 5 hours
        component('recorded-elsewhere'),
        // provenance whose template has an invalid or no time-saved: 0
        scaffolded('broken-estimate', 'broken'),
        scaffolded('no-estimate', 'no-estimate'),
        // hand-rolled: 0
        component('hand-rolled'),
      ];
      for (const [name, hoursSaved] of [
        ['recorded', 12],
        ['recorded-elsewhere', 5],
      ] as const) {
        await events.add({
          templateRef: 'template:default/api-service',
          entityRef: `component:default/${name}`,
          hoursSaved,
        });
      }
      const catalog = catalogServiceMock({ entities });
      const auth = mockServices.auth();
      const logger = mockServices.logger.mock();
      const index = new CatalogIndex({ catalog, auth, logger });
      const service = new ScorecardEvaluationService({
        catalog,
        auth,
        logger,
        store,
        index,
        factSources: [
          entityFactSource,
          createProvenanceFactSource({
            catalog,
            auth,
            template: ref => index.lookupTemplate(ref),
          }),
        ],
        scorecards: loadScorecards(
          await readScorecardDefinitions(new ConfigReader({})),
          ['entity', 'provenance'],
        ),
        historyRetentionDays: 90,
      });

      expect(await service.evaluate()).toMatchObject({ evaluated: 9 });
      const org = (await service.storedAggregates())!.org;
      expect(org.hoursSaved).toBe(40 + 12 + 5);
      expect(org.goldenPath).toEqual({ eligible: 6, adopted: 4, rate: 4 / 6 });
      expect(org.drift).toEqual({ current: 3, minor: 1 });
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          "template:default/broken: annotation 'backstage.io/time-saved' must be an ISO 8601 duration",
        ),
      );

      // Today's snapshot keeps the totals beside each scorecard's distribution.
      const today = new Date().toISOString().slice(0, 10);
      const history = await store.history({
        ref: 'org',
        scorecard: 'golden-path-adoption',
      });
      expect(history.map(h => h.scorecardId).sort()).toEqual([
        SNAPSHOT_TOTALS,
        'golden-path-adoption',
      ]);
      expect(history.find(h => h.scorecardId === SNAPSHOT_TOTALS)).toEqual({
        day: today,
        scope: 'org',
        scorecardId: SNAPSHOT_TOTALS,
        data: {
          entities: 6,
          goldenPath: org.goldenPath,
          drift: org.drift,
          hoursSaved: 57,
        },
      });

      // A template's new estimate reaches the stored aggregates at the next pass:
      // the changed Template is re-evaluated, so the pass re-aggregates.
      apiService.metadata.annotations!['backstage.io/time-saved'] = 'P1DT6H';
      expect(await service.evaluate()).toMatchObject({ evaluated: 1 });
      expect((await service.storedAggregates())!.org.hoursSaved).toBe(
        30 + 12 + 5,
      );
    },
  );
});

describe('a pass over many pages', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'writes pages at once and stores every entity exactly once, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseResultsStore.create({
        database: mockServices.database({ knex }),
      });
      // Five pages of 500: several writes in flight while later pages are evaluated.
      const entities = Array.from({ length: 2300 }, (_, i) =>
        component(`service-${i}`),
      );
      const service = await serviceOver({
        store,
        catalog: catalogServiceMock({ entities }),
      });
      expect(await service.evaluate()).toMatchObject({
        scanned: 2300,
        evaluated: 2300,
        removed: 0,
      });
      const [{ n }] = await knex('paved_road_entities').count({ n: '*' });
      expect(Number(n)).toBe(2300);
      const [{ r }] = await knex('paved_road_results').countDistinct({
        r: 'entity_ref',
      });
      expect(Number(r)).toBe(2300);
      expect((await service.storedAggregates())!.org.entities).toBe(2300);

      // Everything unchanged but one entity: only that one is evaluated again.
      entities[7].metadata.etag = 'changed';
      expect(await service.evaluate()).toMatchObject({
        scanned: 2300,
        evaluated: 1,
        unchanged: 2299,
        removed: 0,
      });
    },
  );
});
