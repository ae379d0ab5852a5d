import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ScorecardResult } from '@paved-road/backstage-plugin-common';
import {
  DatabaseResultsStore,
  EntityEvaluation,
  SNAPSHOT_TOTALS,
} from './DatabaseResultsStore';
import { DatabaseScaffoldEventStore } from './DatabaseScaffoldEventStore';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

const TABLES = [
  'paved_road_entities',
  'paved_road_results',
  'paved_road_pushed_facts',
  'paved_road_state',
  'paved_road_snapshots',
  'paved_road_staged_entities',
  'paved_road_staged_results',
];

function evaluation(
  name: string,
  level: string | null,
  overrides: Partial<EntityEvaluation['entity']> = {},
): EntityEvaluation {
  const entityRef = `component:default/${name}`;
  const result: ScorecardResult = {
    scorecardId: 'golden-path-adoption',
    entityRef,
    level,
    nextLevel: level === 'gold' ? null : 'gold',
    missingForNext: level === 'gold' ? [] : ['version-current'],
    checks: [
      { checkId: 'scaffolded', status: 'pass' },
      {
        checkId: 'version-current',
        status: level === 'gold' ? 'pass' : 'fail',
      },
    ],
  };
  return {
    entity: {
      entityRef,
      kind: 'Component',
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/orders',
      system: 'system:default/order-management',
      domain: 'domain:default/commerce',
      goldenPath: true,
      templateRef: 'template:default/api-service',
      drift: level === 'gold' ? 'current' : 'major',
      ...overrides,
    },
    etag: `etag-${name}`,
    facts: { entity: { kind: 'Component' } },
    sourceErrors: {},
    results: [result],
    levelIndex: r => (r.level === 'gold' ? 2 : -1),
    definitionsHash: 'hash-1',
  };
}

async function createStoreOn(
  databaseId: TestDatabaseId,
  databases: TestDatabases,
) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({ knex });
  const store = await DatabaseResultsStore.create({ database });
  return { knex, store, database };
}

describe('DatabaseResultsStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function createStore(databaseId: TestDatabaseId) {
    return createStoreOn(databaseId, databases);
  }

  it.each(databases.eachSupportedId())(
    'upserts results idempotently, filters, pages and removes unseen entities on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const batch = [
        evaluation('orders-api', 'gold'),
        evaluation('payments-api', null, { owner: 'group:default/payments' }),
        evaluation('cart-api', 'gold', { lifecycle: 'experimental' }),
      ];
      await store.saveEvaluations(batch, 'pass-1');
      await store.saveEvaluations(batch, 'pass-1');
      const [{ n }] = await knex('paved_road_results').count({ n: '*' });
      expect(Number(n)).toBe(3);

      const page = await store.listResults({
        sort: 'level',
        order: 'desc',
        limit: 2,
        offset: 0,
      });
      expect(page.totalItems).toBe(3);
      expect(page.items.map(i => i.entityRef)).toEqual([
        'component:default/cart-api',
        'component:default/orders-api',
      ]);
      const none = await store.listResults({
        level: 'none',
        owners: ['group:default/payments'],
        kind: 'component',
        sort: 'entityRef',
        order: 'asc',
        limit: 10,
        offset: 0,
      });
      expect(none.items).toEqual([
        expect.objectContaining({
          entityRef: 'component:default/payments-api',
          level: null,
          drift: 'major',
          checks: [
            { checkId: 'scaffolded', status: 'pass' },
            { checkId: 'version-current', status: 'fail' },
          ],
        }),
      ]);
      const visible = await store.listResults({
        sort: 'entityRef',
        order: 'asc',
        limit: 10,
        offset: 0,
        visibleRefs: new Set(['component:default/orders-api']),
      });
      expect(visible.totalItems).toBe(1);

      expect(
        await store.getEvaluationKeys(['component:default/orders-api']),
      ).toEqual(
        new Map([
          [
            'component:default/orders-api',
            {
              etag: 'etag-orders-api',
              definitionsHash: 'hash-1',
              stale: false,
              evaluatedAt: expect.any(Number),
            },
          ],
        ]),
      );

      // Grouped in SQL: orders-api and cart-api share owner, level and statuses.
      const groups = await store.aggregateGroups();
      const golden = {
        owner: 'group:default/orders',
        system: 'system:default/order-management',
        domain: 'domain:default/commerce',
        goldenPath: true,
      };
      expect(groups.results).toEqual(
        expect.arrayContaining([
          {
            ...golden,
            drift: 'current',
            scorecardId: 'golden-path-adoption',
            level: 'gold',
            statuses: { scaffolded: 'pass', 'version-current': 'pass' },
            count: 2,
          },
          {
            ...golden,
            owner: 'group:default/payments',
            drift: 'major',
            scorecardId: 'golden-path-adoption',
            level: null,
            statuses: { scaffolded: 'pass', 'version-current': 'fail' },
            count: 1,
          },
        ]),
      );
      expect(groups.results).toHaveLength(2);
      expect(groups.entities).toEqual(
        expect.arrayContaining([
          {
            ...golden,
            drift: 'current',
            templateRef: 'template:default/api-service',
            count: 2,
            recorded: 0,
            recordedHours: 0,
          },
        ]),
      );
      expect(groups.entities).toHaveLength(2);

      // Filtered in SQL by kind (case-insensitive), type and lifecycle, or by refs.
      const counted = async (filter: object, refs?: Set<string>) => {
        const counts = await store.aggregateGroups(filter, refs);
        const sum = (items: Array<{ count: number }>) =>
          items.reduce((total, g) => total + g.count, 0);
        return [sum(counts.results), sum(counts.entities)];
      };
      expect(
        await counted({
          kind: 'component',
          type: 'service',
          lifecycle: 'production',
        }),
      ).toEqual([2, 2]);
      expect(await counted({ lifecycle: 'experimental' })).toEqual([1, 1]);
      expect(await counted({ kind: 'api' })).toEqual([0, 0]);
      expect(
        await counted(
          {},
          new Set(['component:default/cart-api', 'component:default/nope']),
        ),
      ).toEqual([1, 1]);
      expect(await counted({}, new Set())).toEqual([0, 0]);

      // Stored refs read a page of one at a time: payments-api is no longer seen.
      expect(
        await store.removeMissing(
          new Set([
            'component:default/orders-api',
            'component:default/cart-api',
          ]),
          1,
        ),
      ).toBe(1);
      expect(
        (await store.getEntity('component:default/orders-api'))?.results,
      ).toHaveLength(1);
      expect(await store.getEntity('component:default/payments-api')).toBe(
        undefined,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    "replaces some scorecards' results and keeps the others, on %p",
    async databaseId => {
      const { store } = await createStore(databaseId);
      const withTwo = (name: string, hash: string) => {
        const e = evaluation(name, 'gold');
        e.results = [
          e.results[0],
          { ...e.results[0], scorecardId: 'production-readiness' },
        ];
        e.definitionsHash = hash;
        return e;
      };
      await store.saveEvaluations(
        [withTwo('orders-api', 'hash-1'), withTwo('cart-api', 'hash-0')],
        'p',
      );
      const refs = [
        'component:default/orders-api',
        'component:default/cart-api',
      ];
      await store.replaceScorecardResults({
        entityRefs: refs,
        scorecardIds: ['golden-path-adoption', 'documentation-first'],
        results: [
          {
            scorecardId: 'documentation-first',
            entityRef: 'component:default/orders-api',
            level: null,
            nextLevel: 'bronze',
            missingForNext: ['techdocs'],
            checks: [{ checkId: 'techdocs', status: 'fail' }],
          },
        ],
        levelIndex: () => -1,
        fromHash: 'hash-1',
        toHash: 'hash-2',
      });
      const orders = await store.getEntity(refs[0]);
      expect(orders?.results.map(r => [r.scorecardId, r.level])).toEqual([
        ['documentation-first', null],
        ['production-readiness', 'gold'],
      ]);
      expect(
        (await store.getEntity(refs[1]))?.results.map(r => r.scorecardId),
      ).toEqual(['production-readiness']);
      // Only entities evaluated with the previous definitions become current.
      const keys = await store.getEvaluationKeys(refs);
      expect(keys.get(refs[0])?.definitionsHash).toBe('hash-2');
      expect(keys.get(refs[1])?.definitionsHash).toBe('hash-0');
      expect(
        (await store.aggregateGroups()).results.find(
          g => g.scorecardId === 'documentation-first',
        )?.statuses,
      ).toEqual({ techdocs: 'fail' });
      const pages = [];
      for await (const page of store.storedFacts(1)) {
        pages.push(page.map(f => f.entityRef));
      }
      expect(pages).toEqual([[refs[1]], [refs[0]]]);
    },
  );

  it.each(databases.eachSupportedId())(
    'reads one entity with its results in scorecard order, or with none, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const two = evaluation('orders-api', 'gold');
      two.results = [
        { ...two.results[0], scorecardId: 'production-readiness' },
        two.results[0],
      ];
      const none = evaluation('cart-api', null);
      none.results = [];
      await store.saveEvaluations([two, none], 'p');

      const orders = await store.getEntity('component:default/orders-api');
      expect(orders?.entity).toMatchObject({
        entityRef: 'component:default/orders-api',
        goldenPath: true,
        stale: false,
      });
      expect(orders?.results.map(r => r.scorecardId)).toEqual([
        'golden-path-adoption',
        'production-readiness',
      ]);
      expect(orders?.results[0]).toEqual({
        scorecardId: 'golden-path-adoption',
        level: 'gold',
        nextLevel: null,
        missingForNext: [],
        checks: [
          { checkId: 'scaffolded', status: 'pass' },
          { checkId: 'version-current', status: 'pass' },
        ],
      });
      const cart = await store.getEntity('component:default/cart-api');
      expect(cart?.entity.entityRef).toBe('component:default/cart-api');
      expect(cart?.results).toEqual([]);
      expect(await store.getEntity('component:default/nope')).toBeUndefined();

      // The entity endpoint's JSON is the same answer, written without parsing.
      for (const ref of [
        'component:default/orders-api',
        'component:default/cart-api',
      ]) {
        expect(JSON.parse((await store.getEntityJson(ref))!)).toEqual(
          await store.getEntity(ref),
        );
      }
      expect(await store.getEntityJson('component:default/nope')).toBe(
        undefined,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps results marked stale, pushed facts, state and snapshots on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.saveEvaluations([evaluation('orders-api', 'gold')], 'p');
      await store.markStale("fact source 'repository' failed: timeout", [
        'component:default/orders-api',
      ]);
      const stored = await store.getEntity('component:default/orders-api');
      expect(stored?.entity).toMatchObject({
        stale: true,
        staleReason: "fact source 'repository' failed: timeout",
      });
      expect(stored?.results[0].level).toBe('gold');
      expect(
        (await store.getEvaluationKeys(['component:default/orders-api'])).get(
          'component:default/orders-api',
        )?.etag,
      ).toBeNull();

      await store.putPushedFacts('component:default/orders-api', 'sonar', {
        coverage: 80,
      });
      await store.putPushedFacts('component:default/orders-api', 'sonar', {
        coverage: 90,
      });
      expect(
        await store.getPushedFacts(['component:default/orders-api']),
      ).toEqual(
        new Map([
          ['component:default/orders-api', { sonar: { coverage: 90 } }],
        ]),
      );

      await store.setState('definitions_hash', 'a');
      await store.setState('definitions_hash', 'b');
      expect(await store.getState('definitions_hash')).toBe('b');

      // Every entity's levels are copied from its stored results.
      for (const day of ['2026-01-01', '2026-06-01']) {
        await store.writeSnapshots(day, []);
      }
      await store.writeSnapshots('2026-06-01', []);
      expect(await store.hasSnapshot('2026-06-01')).toBe(true);
      expect(await store.pruneSnapshots('2026-03-01')).toBe(1);
      expect(
        await store.history({ ref: 'component:default/orders-api' }),
      ).toEqual([
        {
          day: '2026-06-01',
          scope: 'entity',
          scorecardId: 'golden-path-adoption',
          data: { level: 'gold' },
        },
      ]);

      // A scope's totals come with any scorecard's history.
      const totals = {
        entities: 3,
        goldenPath: { eligible: 2, adopted: 1, rate: 0.5 },
        drift: { current: 1 },
        hoursSaved: 40,
      };
      await store.writeSnapshots('2026-06-02', [
        {
          scope: 'org',
          ref: 'org',
          scorecardId: 'golden-path-adoption',
          data: { levels: { gold: 1, none: 1 }, entities: 2 },
        },
        {
          scope: 'org',
          ref: 'org',
          scorecardId: 'production-readiness',
          data: { levels: { none: 3 }, entities: 3 },
        },
        {
          scope: 'org',
          ref: 'org',
          scorecardId: SNAPSHOT_TOTALS,
          data: totals,
        },
      ]);
      // (order within a day follows the database's collation)
      const orgHistory = await store.history({
        ref: 'org',
        scorecard: 'production-readiness',
      });
      expect(orgHistory).toHaveLength(2);
      expect(orgHistory).toEqual(
        expect.arrayContaining([
          {
            day: '2026-06-02',
            scope: 'org',
            scorecardId: SNAPSHOT_TOTALS,
            data: totals,
          },
          {
            day: '2026-06-02',
            scope: 'org',
            scorecardId: 'production-readiness',
            data: { levels: { none: 3 }, entities: 3 },
          },
        ]),
      );

      const previews = [];
      for await (const row of store.factsWithLevels()) previews.push(row);
      expect(previews).toEqual([
        {
          entityRef: 'component:default/orders-api',
          facts: { entity: { kind: 'Component' } },
          sourceErrors: {},
          levels: { 'golden-path-adoption': 'gold' },
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'counts each entity once for hours saved, from its latest scaffold event, on %p',
    async databaseId => {
      const { store, database } = await createStore(databaseId);
      const events = await DatabaseScaffoldEventStore.create({ database });
      const event = (entity: string, hoursSaved: number, createdAt: string) =>
        events.add({
          templateRef: 'template:default/api-service',
          entityRef: `component:default/${entity}`,
          hoursSaved,
          createdAt,
        });
      await event('orders-api', 40, '2026-01-01T00:00:00.000Z');
      // Scaffolded again later (a repeated run): counted once, with the latest hours.
      await event('orders-api', 32, '2026-02-01T00:00:00.000Z');
      await event('cart-api', 16, '2026-01-01T00:00:00.000Z');
      expect(await store.scaffoldEventCount()).toBe(3);
      // Entities without results are not rolled up.
      expect((await store.aggregateGroups()).entities).toEqual([]);
      await store.saveEvaluations(
        [
          evaluation('orders-api', 'gold'),
          evaluation('cart-api', 'gold'),
          evaluation('payments-api', 'gold'),
        ],
        'p',
      );
      expect((await store.aggregateGroups()).entities).toEqual([
        expect.objectContaining({ count: 3, recorded: 2, recordedHours: 48 }),
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps an entity level history as changes, read back per snapshot day, and prunes it to a baseline on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const orders = 'component:default/orders-api';
      const cart = 'component:default/cart-api';
      const entityRows = async () =>
        Number(
          (
            await knex('paved_road_snapshots')
              .where({ scope: 'entity' })
              .count({
                n: '*',
              })
          )[0].n,
        );
      const levels = async (
        ref: string,
        range: { from?: string; to?: string } = {},
      ) =>
        (await store.history({ ref, ...range })).map(h => [
          h.day,
          h.data.level,
        ]);

      await store.saveEvaluations(
        [evaluation('orders-api', 'gold'), evaluation('cart-api', null)],
        'p1',
      );
      await store.writeSnapshots('2026-06-01', []);
      expect(await entityRows()).toBe(2);
      // Unchanged levels add no rows, and the day still reads.
      await store.writeSnapshots('2026-06-02', []);
      expect(await store.hasSnapshot('2026-06-02')).toBe(true);
      expect(await store.hasSnapshot('2026-06-05')).toBe(false);
      expect(await entityRows()).toBe(2);

      await store.saveEvaluations([evaluation('orders-api', null)], 'p2');
      await store.writeSnapshots('2026-06-03', []);
      expect(await entityRows()).toBe(3);
      await store.removeMissing(new Set([orders]));
      await store.writeSnapshots('2026-06-04', []);
      await store.writeSnapshots('2026-06-04', []); // a repeated day replaces it
      expect(await entityRows()).toBe(4);

      expect(await levels(orders)).toEqual([
        ['2026-06-01', 'gold'],
        ['2026-06-02', 'gold'],
        ['2026-06-03', null],
        ['2026-06-04', null],
      ]);
      expect(await levels(cart)).toEqual([
        ['2026-06-01', null],
        ['2026-06-02', null],
        ['2026-06-03', null],
      ]);
      expect(
        await levels(orders, { from: '2026-06-02', to: '2026-06-03' }),
      ).toEqual([
        ['2026-06-02', 'gold'],
        ['2026-06-03', null],
      ]);
      expect(await levels(orders, { from: '2026-06-10' })).toEqual([]);

      // Back in the catalog, it reads again from the day it returned.
      await store.saveEvaluations([evaluation('cart-api', 'gold')], 'p3');
      await store.writeSnapshots('2026-06-05', []);
      expect(await levels(cart, { from: '2026-06-04' })).toEqual([
        ['2026-06-05', 'gold'],
      ]);

      // Pruning keeps, per entity and scorecard, the change that still gives its
      // level on the first kept day.
      expect(await store.pruneSnapshots('2026-06-03')).toBe(3); // 2 days, 1 change
      expect(await levels(orders)).toEqual([
        ['2026-06-03', null],
        ['2026-06-04', null],
        ['2026-06-05', null],
      ]);
      expect(await levels(cart)).toEqual([
        ['2026-06-03', null],
        ['2026-06-05', 'gold'],
      ]);
      // A removal before the first kept day is no longer needed.
      expect(await store.pruneSnapshots('2026-06-05')).toBe(2 + 2);
      expect(await levels(cart)).toEqual([['2026-06-05', 'gold']]);
      expect(await entityRows()).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates down and up again on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      for (const table of TABLES) {
        expect([table, await knex.schema.hasTable(table)]).toEqual([
          table,
          true,
        ]);
      }
      await knex.migrate.rollback({ directory: migrationsDir }, true);
      for (const table of [...TABLES, 'paved_road_scaffold_events']) {
        expect([table, await knex.schema.hasTable(table)]).toEqual([
          table,
          false,
        ]);
      }
      await knex.migrate.latest({ directory: migrationsDir });
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      const hasPassIndex = async () => {
        const name = 'paved_road_entities_pass_idx';
        const rows =
          knex.client.config.client === 'pg'
            ? (
                await knex.raw(
                  'select indexname from pg_indexes where indexname = ?',
                  [name],
                )
              ).rows
            : await knex.raw(
                "select name from sqlite_master where type = 'index' and name = ?",
                [name],
              );
        return rows.length > 0;
      };
      expect(await hasPassIndex()).toBe(false);
      const hasStatuses = () =>
        knex.schema.hasColumn('paved_road_results', 'check_statuses');
      expect(await hasStatuses()).toBe(true);
      // Down past the upgrade runs' tables (the migrations after them change only
      // their own tables; DatabaseUpgradeStore.test.ts covers them)...
      for (let step = 0; step < 10; step++) {
        await knex.migrate.down({ directory: migrationsDir });
        if (!(await knex.schema.hasTable('paved_road_upgrade_runs'))) break;
      }
      expect(await knex.schema.hasTable('paved_road_upgrade_runs')).toBe(false);
      // ...the next the tables passes stage their writes in.
      const staging = [
        'paved_road_staged_entities',
        'paved_road_staged_results',
      ];
      for (const table of staging) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      await knex.migrate.down({ directory: migrationsDir });
      for (const table of staging) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      // Down one step turns entity snapshots back into a row per snapshot day; up
      // again turns those rows into changes, with the removal they imply.
      const orders = 'component:default/orders-api';
      const cart = 'component:default/cart-api';
      await store.saveEvaluations(
        [evaluation('orders-api', 'gold'), evaluation('cart-api', null)],
        'p1',
      );
      await store.writeSnapshots('2026-06-01', []);
      await store.writeSnapshots('2026-06-02', []);
      await store.saveEvaluations([evaluation('orders-api', null)], 'p2');
      await store.removeMissing(new Set([orders]));
      await store.writeSnapshots('2026-06-03', []);
      const histories = async () => [
        await store.history({ ref: orders }),
        await store.history({ ref: cart }),
      ];
      const before = await histories();
      expect(before.map(h => h.length)).toEqual([3, 2]);
      const entitySnapshots = async () =>
        (
          await knex('paved_road_snapshots')
            .where({ scope: 'entity' })
            .orderBy(['ref', 'day'])
        ).map(r => [r.ref, r.day, JSON.parse(r.data)]);
      expect(await entitySnapshots()).toEqual([
        [cart, '2026-06-01', { level: null }],
        [cart, '2026-06-03', { removed: true }],
        [orders, '2026-06-01', { level: 'gold' }],
        [orders, '2026-06-03', { level: null }],
      ]);
      await knex.migrate.down({ directory: migrationsDir });
      expect(await entitySnapshots()).toEqual([
        [cart, '2026-06-01', { level: null }],
        [cart, '2026-06-02', { level: null }],
        [orders, '2026-06-01', { level: 'gold' }],
        [orders, '2026-06-02', { level: 'gold' }],
        [orders, '2026-06-03', { level: null }],
      ]);
      expect(
        await knex('paved_road_snapshots').whereNot({ scope: 'entity' }),
      ).toEqual([]);
      await knex.migrate.up({ directory: migrationsDir });
      expect(await entitySnapshots()).toEqual([
        [cart, '2026-06-01', { level: null }],
        [cart, '2026-06-03', { removed: true }],
        [orders, '2026-06-01', { level: 'gold' }],
        [orders, '2026-06-03', { level: null }],
      ]);
      expect(await histories()).toEqual(before);
      for (const table of ['paved_road_snapshots', 'paved_road_results']) {
        await knex(table).delete();
      }
      await knex('paved_road_entities').delete();
      await knex.migrate.down({ directory: migrationsDir });

      // Down one step drops the check statuses, the next restores the index on
      // pass_id, the next removes only the results tables.
      await knex.migrate.down({ directory: migrationsDir });
      expect(await hasStatuses()).toBe(false);
      // Results stored before the column existed get their statuses from their checks.
      const checks = [
        { checkId: 'scaffolded', status: 'pass' },
        { checkId: 'version-current', status: 'fail', reason: 'behind' },
      ];
      await knex('paved_road_results').insert([
        {
          entity_ref: 'component:default/old',
          scorecard_id: 'golden-path-adoption',
          level: null,
          level_index: -1,
          next_level: 'bronze',
          missing_for_next: '[]',
          checks: JSON.stringify(checks),
          evaluated_at: new Date(),
        },
        {
          entity_ref: 'component:default/old',
          scorecard_id: 'documentation-first',
          level: null,
          level_index: -1,
          next_level: 'bronze',
          missing_for_next: '[]',
          checks: '[]',
          evaluated_at: new Date(),
        },
      ]);
      await knex.migrate.up({ directory: migrationsDir });
      const filled = await knex('paved_road_results')
        .select('scorecard_id', 'check_statuses')
        .orderBy('scorecard_id');
      expect(
        filled.map(r => [r.scorecard_id, JSON.parse(r.check_statuses)]),
      ).toEqual([
        ['documentation-first', {}],
        [
          'golden-path-adoption',
          { scaffolded: 'pass', 'version-current': 'fail' },
        ],
      ]);
      await knex('paved_road_results').delete();
      await knex.migrate.down({ directory: migrationsDir });
      expect(await hasStatuses()).toBe(false);
      expect(await knex.schema.hasTable('paved_road_results')).toBe(true);
      await knex.migrate.down({ directory: migrationsDir });
      expect(await hasPassIndex()).toBe(true);
      expect(await knex.schema.hasTable('paved_road_results')).toBe(true);
      await knex.migrate.down({ directory: migrationsDir });
      expect(await knex.schema.hasTable('paved_road_results')).toBe(false);
      expect(await knex.schema.hasTable('paved_road_scaffold_events')).toBe(
        true,
      );
    },
  );
});

describe('DatabaseResultsStore on PostgreSQL', () => {
  const postgresOnly = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it.each(postgresOnly.eachSupportedId())(
    'writes a page again with upserts when another writer stored one of its entities first, on %p',
    async databaseId => {
      const { knex, store } = await createStoreOn(databaseId, postgresOnly);
      const other = evaluation('orders-api', null, {
        owner: 'group:default/other',
      });
      // Another replica's on-demand evaluation of a new entity, not yet committed.
      const tx = await knex.transaction();
      await tx('paved_road_entities').insert({
        entity_ref: other.entity.entityRef,
        kind: 'Component',
        owner: 'group:default/other',
        evaluated_at: new Date(),
      });
      const saving = store.saveEvaluations(
        [evaluation('orders-api', 'gold'), evaluation('cart-api', 'gold')],
        'pass',
      );
      // The COPY waits for the other transaction's row, then meets the duplicate key.
      await new Promise(resolve => setTimeout(resolve, 300));
      await tx.commit();
      await saving;
      const orders = await store.getEntity('component:default/orders-api');
      expect(orders?.entity.owner).toBe('group:default/orders');
      expect(orders?.results.map(r => r.level)).toEqual(['gold']);
      expect(
        (await store.getEntity('component:default/cart-api'))?.results,
      ).toHaveLength(1);
    },
  );
});
