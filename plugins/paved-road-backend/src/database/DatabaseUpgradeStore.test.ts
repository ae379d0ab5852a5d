import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { UpgradeRunInput } from '@paved-road/backstage-plugin-common';
import { DatabaseUpgradeStore } from './DatabaseUpgradeStore';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

const API_SERVICE = 'template:default/api-service';
const ORDERS = 'component:default/orders-api';
const PAYMENTS = 'component:default/payments-api';
const SEARCH = 'component:default/search-indexer';
/** The scaffolder task that upgraded orders-api. */
const ORDERS_TASK = '7c1d3a52-5f1e-4c53-9a53-0b0f8e1c2d3e';

const run = (
  toVersion: string,
  results: UpgradeRunInput['results'],
  extra: Partial<UpgradeRunInput> = {},
): UpgradeRunInput => ({
  templateRef: API_SERVICE,
  toVersion,
  results,
  ...extra,
});

describe('DatabaseUpgradeStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseUpgradeStore.create({
      database: mockServices.database({ knex }),
    });
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'records runs and reads them back on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const recorded = await store.record(
        run(
          '2.4.0',
          [
            {
              entityRef: ORDERS,
              fromVersion: '2.3.0',
              outcome: 'opened',
              url: 'https://github.com/acme/orders-api/pull/12',
              branch: 'paved-road/upgrade-api-service-2.4.0',
              taskId: ORDERS_TASK,
            },
            {
              entityRef: PAYMENTS,
              fromVersion: '2.2.0',
              outcome: 'conflicted',
              url: 'https://github.com/acme/payments-api/pull/3',
              conflicts: 2,
            },
            {
              entityRef: SEARCH,
              fromVersion: '2.4.0',
              outcome: 'current',
            },
          ],
          { scope: { owner: 'group:default/orders' } },
        ),
        'user:default/jane.doe',
      );
      expect(recorded).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        createdAt: expect.any(String),
        counts: { opened: 1, current: 1, conflicted: 1, failed: 0 },
      });
      const second = await store.record(
        run('2.5.0', [
          {
            entityRef: ORDERS,
            fromVersion: '2.4.0',
            outcome: 'failed',
            reason: 'Merge base not found',
          },
        ]),
        'plugin:scaffolder',
      );
      expect(second.createdAt > recorded.createdAt).toBe(true);

      const runs = await store.listRuns({ limit: 10, visible: undefined });
      expect(runs.map(r => r.id)).toEqual([second.id, recorded.id]);
      expect(runs[1]).toEqual({
        id: recorded.id,
        templateRef: API_SERVICE,
        toVersion: '2.4.0',
        scope: { owner: 'group:default/orders' },
        createdBy: 'user:default/jane.doe',
        createdAt: recorded.createdAt,
        counts: recorded.counts,
      });
      expect(runs[0]).not.toHaveProperty('scope');
      expect(
        await store.listRuns({
          templateRef: 'template:default/worker',
          limit: 10,
          visible: undefined,
        }),
      ).toEqual([]);
      expect(
        (await store.listRuns({ limit: 1, visible: undefined })).map(r => r.id),
      ).toEqual([second.id]);

      const detail = await store.getRun(recorded.id, undefined);
      expect(detail?.results).toEqual([
        {
          entityRef: ORDERS,
          fromVersion: '2.3.0',
          outcome: 'opened',
          url: 'https://github.com/acme/orders-api/pull/12',
          branch: 'paved-road/upgrade-api-service-2.4.0',
          taskId: ORDERS_TASK,
        },
        {
          entityRef: PAYMENTS,
          fromVersion: '2.2.0',
          outcome: 'conflicted',
          url: 'https://github.com/acme/payments-api/pull/3',
          conflicts: 2,
        },
        { entityRef: SEARCH, fromVersion: '2.4.0', outcome: 'current' },
      ]);
      expect(
        await store.getRun('00000000-0000-4000-8000-000000000000', undefined),
      ).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'answers the latest request per template, entity and target version on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const first = await store.record(
        run('2.4.0', [
          { entityRef: ORDERS, fromVersion: '2.3.0', outcome: 'conflicted' },
          { entityRef: PAYMENTS, fromVersion: '2.2.0', outcome: 'opened' },
        ]),
        'plugin:scaffolder',
      );
      const retry = await store.record(
        run('2.4.0', [
          {
            entityRef: ORDERS,
            fromVersion: '2.3.0',
            outcome: 'opened',
            url: 'file:///srv/repos/orders-api',
            branch: 'paved-road/upgrade-api-service-2.4.0',
            taskId: ORDERS_TASK,
          },
        ]),
        'plugin:scaffolder',
      );
      const next = await store.record(
        run('2.5.0', [
          { entityRef: ORDERS, fromVersion: '2.4.0', outcome: 'failed' },
        ]),
        'plugin:scaffolder',
      );
      const worker = await store.record(
        run(
          '2.4.0',
          [{ entityRef: ORDERS, fromVersion: '1.0.0', outcome: 'current' }],
          { templateRef: 'template:default/worker' },
        ),
        'plugin:scaffolder',
      );

      const latest = await store.latestRequests({ visible: undefined });
      expect(
        latest.map(r => [r.runId, r.templateRef, r.entityRef, r.toVersion]),
      ).toEqual([
        [worker.id, 'template:default/worker', ORDERS, '2.4.0'],
        [next.id, API_SERVICE, ORDERS, '2.5.0'],
        [retry.id, API_SERVICE, ORDERS, '2.4.0'],
        [first.id, API_SERVICE, PAYMENTS, '2.4.0'],
      ]);
      expect(latest[2]).toEqual({
        runId: retry.id,
        templateRef: API_SERVICE,
        entityRef: ORDERS,
        fromVersion: '2.3.0',
        toVersion: '2.4.0',
        outcome: 'opened',
        url: 'file:///srv/repos/orders-api',
        branch: 'paved-road/upgrade-api-service-2.4.0',
        taskId: ORDERS_TASK,
        createdAt: retry.createdAt,
      });

      expect(
        (
          await store.latestRequests({
            templateRef: API_SERVICE,
            entityRef: ORDERS,
            visible: undefined,
          })
        ).map(r => r.runId),
      ).toEqual([next.id, retry.id]);
      expect(
        (
          await store.latestRequests({
            visible: new Set([PAYMENTS]),
            brief: true,
          })
        ).map(r => [r.entityRef, r.outcome]),
      ).toEqual([[PAYMENTS, 'opened']]);
    },
  );

  it.each(databases.eachSupportedId())(
    'shows a caller only runs and results of entities they may read on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const mixed = await store.record(
        run('2.4.0', [
          { entityRef: ORDERS, fromVersion: '2.3.0', outcome: 'opened' },
          { entityRef: PAYMENTS, fromVersion: '2.2.0', outcome: 'failed' },
        ]),
        'plugin:scaffolder',
      );
      const hidden = await store.record(
        run('2.4.0', [
          { entityRef: PAYMENTS, fromVersion: '2.3.0', outcome: 'opened' },
        ]),
        'plugin:scaffolder',
      );
      // A scope the caller may not read hides the run, whatever its services.
      const hiddenScope = await store.record(
        run(
          '2.4.0',
          [{ entityRef: ORDERS, fromVersion: '2.3.0', outcome: 'opened' }],
          { scope: { system: 'system:default/payments' } },
        ),
        'plugin:scaffolder',
      );
      const visible = new Set([ORDERS, 'group:default/orders']);

      const runs = await store.listRuns({ limit: 10, visible });
      expect(runs.map(r => [r.id, r.counts])).toEqual([
        [mixed.id, { opened: 1, current: 0, conflicted: 0, failed: 0 }],
      ]);
      expect((await store.getRun(mixed.id, visible))?.results).toEqual([
        { entityRef: ORDERS, fromVersion: '2.3.0', outcome: 'opened' },
      ]);
      expect(await store.getRun(hidden.id, visible)).toBeUndefined();
      expect(await store.getRun(hiddenScope.id, visible)).toBeUndefined();
      expect(await store.getRun(hiddenScope.id, undefined)).toMatchObject({
        scope: { system: 'system:default/payments' },
      });
      expect(await store.listRuns({ limit: 10, visible: new Set() })).toEqual(
        [],
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'writes a run wholly or not at all, up to 5000 results, on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const many = Array.from({ length: 5000 }, (_, i) => ({
        entityRef: `component:default/service-${i}`,
        fromVersion: '2.3.0',
        outcome: 'opened' as const,
        url: `https://github.com/acme/service-${i}/pull/1`,
      }));
      // The last result repeats an entity: the database refuses it, after thousands
      // of rows were written in the same transaction.
      // (The driver's error may come from another test file's realm, which
      // `rejects.toThrow` does not recognise as an error: compare outcomes instead.)
      const duplicate = store.record(
        run('2.4.0', [...many.slice(0, 4999), many[0]]),
        'plugin:scaffolder',
      );
      expect(
        await duplicate.then(
          () => 'written',
          () => 'refused',
        ),
      ).toBe('refused');
      const rows = async (table: string) =>
        Number((await knex(table).count({ n: '*' }))[0].n);
      expect(await rows('paved_road_upgrade_runs')).toBe(0);
      expect(await rows('paved_road_upgrade_results')).toBe(0);

      const recorded = await store.record(
        run('2.4.0', many),
        'plugin:scaffolder',
      );
      expect(recorded.counts.opened).toBe(5000);
      expect(
        (await store.getRun(recorded.id, undefined))?.results,
      ).toHaveLength(5000);
      expect(
        await store.latestRequests({ visible: undefined, brief: true }),
      ).toHaveLength(5000);
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates down and up again on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      expect(await knex.schema.hasTable('paved_road_upgrade_results')).toBe(
        true,
      );
      const hasTaskIds = () =>
        knex.schema.hasColumn('paved_road_upgrade_results', 'task_id');
      const recorded = await store.record(
        run('2.4.0', [
          {
            entityRef: ORDERS,
            fromVersion: '2.3.0',
            outcome: 'opened',
            taskId: ORDERS_TASK,
          },
        ]),
        'plugin:scaffolder',
      );
      // Down past the task ids' migration (the later ones have tables of their own)
      // drops the task ids and keeps the results; up again, the results recorded
      // before have none.
      expect(await hasTaskIds()).toBe(true);
      for (let step = 0; step < 10; step++) {
        await knex.migrate.down({ directory: migrationsDir });
        if (!(await hasTaskIds())) break;
      }
      expect(await hasTaskIds()).toBe(false);
      expect(
        await knex('paved_road_upgrade_results').select('entity_ref'),
      ).toEqual([{ entity_ref: ORDERS }]);
      await knex.migrate.up({ directory: migrationsDir });
      expect((await store.getRun(recorded.id, undefined))?.results).toEqual([
        { entityRef: ORDERS, fromVersion: '2.3.0', outcome: 'opened' },
      ]);
      // Down past the upgrade runs' migration drops both tables.
      for (let step = 0; step < 10; step++) {
        await knex.migrate.down({ directory: migrationsDir });
        if (!(await knex.schema.hasTable('paved_road_upgrade_runs'))) break;
      }
      expect(await knex.schema.hasTable('paved_road_upgrade_runs')).toBe(false);
      expect(await knex.schema.hasTable('paved_road_upgrade_results')).toBe(
        false,
      );
      expect(await knex.schema.hasTable('paved_road_scaffold_events')).toBe(
        true,
      );
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('paved_road_upgrade_results')).toBe(
        true,
      );
    },
  );
});
