import { createBackendModule } from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { pavedRoadFactSourcesExtensionPoint } from '@paved-road/backstage-plugin-node';
import { pavedRoadPlugin } from './plugin';
import {
  exampleTemplates,
  loadExampleOrganisation,
} from './scorecards/__testUtils__/exampleOrganisation';

jest.setTimeout(120_000);

const collected: string[] = [];

/** Counts evaluations across both backends (they share this process). */
const countingModule = createBackendModule({
  pluginId: 'paved-road',
  moduleId: 'counting',
  register(env) {
    env.registerInit({
      deps: { sources: pavedRoadFactSourcesExtensionPoint },
      async init({ sources }) {
        sources.addFactSource({
          id: 'counting',
          description: 'Counts evaluations',
          async collect({ entity }) {
            collected.push(stringifyEntityRef(entity));
            return {};
          },
        });
      },
    });
  },
});

describe('two backends on one PostgreSQL', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'evaluate once and write no duplicates on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const entities = [...loadExampleOrganisation(), ...exampleTemplates];
      const start = () =>
        startTestBackend({
          features: [
            pavedRoadPlugin,
            countingModule,
            schedulerServiceFactory,
            mockServices.database.factory({ knex }),
            catalogServiceMock.factory({ entities }),
          ],
        });
      // Replicas start one after the other here only so that knex's first
      // migration (which creates its own lock table) does not race.
      const backends = [await start(), await start()];
      const evaluatedOnce = entities.filter(e => e.kind !== 'Location').length;
      const deadline = Date.now() + 60_000;
      while (collected.length < evaluatedOnce && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 250));
      }
      // Give the other replica time to (wrongly) run the task too.
      await new Promise(r => setTimeout(r, 3_000));
      expect(collected.length).toBe(evaluatedOnce);
      expect(new Set(collected).size).toBe(collected.length);

      const [{ rows, distinct }] = await knex('paved_road_results').select(
        knex.raw('count(*) as rows'),
        knex.raw(
          "count(distinct entity_ref || '|' || scorecard_id) as distinct",
        ),
      );
      expect(Number(rows)).toBeGreaterThan(0);
      expect(Number(rows)).toBe(Number(distinct));
      await Promise.all(backends.map(b => b.stop()));
    },
  );
});
