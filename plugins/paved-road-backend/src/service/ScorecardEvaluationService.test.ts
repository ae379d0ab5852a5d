import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { PavedRoadFactSource } from '@paved-road/backstage-plugin-node';
import { DatabaseResultsStore } from '../database/DatabaseResultsStore';
import { readScorecardDefinitions } from '../scorecards/definitions';
import { CatalogIndex } from './CatalogIndex';
import { entityFactSource } from './factSources';
import {
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

describe('ScorecardEvaluationService', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup() {
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
    const catalogProxy = new Proxy(catalog, {
      get(target, prop) {
        if (prop === 'streamEntities' && broken.on) {
          return () => {
            throw new Error('catalog unreachable');
          };
        }
        const value = (target as any)[prop];
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as CatalogService;
    const service = new ScorecardEvaluationService({
      catalog: catalogProxy,
      auth,
      logger: mockServices.logger.mock(),
      store,
      index: new CatalogIndex({ catalog, auth }),
      factSources: [entityFactSource, flaky],
      scorecards: loadScorecards(definitions, ['entity', 'flaky']),
      historyRetentionDays: 90,
    });
    return { service, store, entities, failing, broken };
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

  it('re-evaluates everything when the definitions change', async () => {
    const { service } = await setup();
    await service.evaluate();
    expect(await service.evaluate()).toMatchObject({ evaluated: 0 });
    const definitions = await readScorecardDefinitions(
      new ConfigReader({ pavedRoad: { defaultScorecards: false } }),
    );
    service.setScorecards(loadScorecards(definitions, ['entity', 'flaky']));
    expect(await service.evaluate()).toMatchObject({
      mode: 'full',
      evaluated: 2,
    });
  });
});
