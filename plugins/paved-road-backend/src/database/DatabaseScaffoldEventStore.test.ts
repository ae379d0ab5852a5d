import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { DatabaseScaffoldEventStore } from './DatabaseScaffoldEventStore';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

describe('DatabaseScaffoldEventStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseScaffoldEventStore.create({
      database: mockServices.database({ knex }),
    });
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'records, lists and aggregates scaffold events on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const first = await store.add({
        templateRef: 'template:default/api-service',
        templateVersion: '2.2.0',
        entityRef: 'component:default/orders-api',
        hoursSaved: 40,
        initiatedBy: 'user:default/jane.doe',
        createdAt: '2026-03-14T09:12:00Z',
      });
      expect(first).toMatchObject({
        templateRef: 'template:default/api-service',
        createdAt: '2026-03-14T09:12:00.000Z',
      });
      await store.add({
        templateRef: 'template:default/api-service',
        templateVersion: '2.3.0',
        entityRef: 'component:default/cart-api',
        hoursSaved: 40,
        createdAt: '2026-05-01T10:00:00Z',
      });
      await store.add({
        templateRef: 'template:default/cron-job',
        entityRef: 'component:default/nightly-report',
        hoursSaved: 16,
        createdAt: '2026-04-01T10:00:00Z',
      });

      const latest = await store.list({ limit: 2 });
      expect(latest.map(e => e.entityRef)).toEqual([
        'component:default/cart-api',
        'component:default/nightly-report',
      ]);
      expect(
        await store.list({
          templateRef: 'template:default/cron-job',
          limit: 10,
        }),
      ).toEqual([
        expect.objectContaining({
          entityRef: 'component:default/nightly-report',
          hoursSaved: 16,
        }),
      ]);
      expect(await store.adoptionByTemplate()).toEqual([
        {
          templateRef: 'template:default/api-service',
          scaffolds: 2,
          hoursSaved: 80,
          versions: { '2.2.0': 1, '2.3.0': 1 },
          lastScaffoldedAt: '2026-05-01T10:00:00.000Z',
        },
        {
          templateRef: 'template:default/cron-job',
          scaffolds: 1,
          hoursSaved: 16,
          versions: { unknown: 1 },
          lastScaffoldedAt: '2026-04-01T10:00:00.000Z',
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates down and up again on %p',
    async databaseId => {
      const { knex } = await createStore(databaseId);
      expect(await knex.schema.hasTable('paved_road_scaffold_events')).toBe(
        true,
      );
      await knex.migrate.rollback({ directory: migrationsDir }, true);
      expect(await knex.schema.hasTable('paved_road_scaffold_events')).toBe(
        false,
      );
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('paved_road_scaffold_events')).toBe(
        true,
      );
    },
  );

  // The README's test command sets PAVED_ROAD_REQUIRE_POSTGRES and the connection string;
  // without this check a missing server would quietly leave SQLite as the only engine.
  it('tests every database engine the environment requires', () => {
    const required = [
      'SQLITE_3',
      ...(process.env.PAVED_ROAD_REQUIRE_POSTGRES ? ['POSTGRES_15'] : []),
    ];
    expect(databases.eachSupportedId().flat()).toEqual(
      expect.arrayContaining(required),
    );
  });
});
