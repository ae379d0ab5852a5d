import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { hasMajority, TemplateReleaseStore } from './TemplateReleaseStore';
import { ENTITIES, RESULTS } from './tables';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

const API_SERVICE = 'template:default/api-service';
const WORKER = 'template:default/worker';

/** An evaluated entity as a pass stores it, with one result unless `results` is false. */
async function addEntity(
  knex: Knex,
  entityRef: string,
  options: {
    templateRef?: string;
    templateVersion?: string;
    goldenPath?: boolean;
    results?: boolean;
  },
) {
  const goldenPath = options.goldenPath ?? true;
  await knex(ENTITIES).insert({
    entity_ref: entityRef,
    kind: 'Component',
    golden_path: goldenPath,
    template_ref: options.templateRef ?? null,
    facts: JSON.stringify({
      owner: { ref: 'group:default/orders' },
      provenance: goldenPath
        ? {
            goldenPath: true,
            templateRef: options.templateRef,
            ...(options.templateVersion
              ? { templateVersion: options.templateVersion }
              : {}),
          }
        : { goldenPath: false },
    }),
    source_errors: '{}',
    evaluated_at: new Date(),
  });
  if (options.results !== false) {
    await knex(RESULTS).insert({
      entity_ref: entityRef,
      scorecard_id: 'golden-path-adoption',
      level: 'gold',
      level_index: 0,
      missing_for_next: '[]',
      checks: '[]',
      check_statuses: '{}',
      evaluated_at: new Date(),
    });
  }
}

describe('TemplateReleaseStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await TemplateReleaseStore.create({
      database: mockServices.database({ knex }),
    });
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'counts golden-path entities per template version in use on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const api = { templateRef: API_SERVICE };
      await addEntity(knex, 'component:default/orders', {
        ...api,
        templateVersion: '2.5.0',
      });
      await addEntity(knex, 'component:default/payments', {
        ...api,
        templateVersion: '2.5.0',
      });
      await addEntity(knex, 'component:default/search', {
        ...api,
        templateVersion: '2.4.1',
      });
      // No version annotation: counted, with a null version.
      await addEntity(knex, 'component:default/legacy', api);
      // Not counted: no results (as in the aggregates), another template, not golden path.
      await addEntity(knex, 'component:default/new', {
        ...api,
        templateVersion: '2.5.0',
        results: false,
      });
      await addEntity(knex, 'component:default/jobs', {
        templateRef: WORKER,
        templateVersion: '1.0.0',
      });
      await addEntity(knex, 'component:default/handmade', {
        goldenPath: false,
      });

      const counts = await store.versionCounts([API_SERVICE]);
      expect(
        counts.sort((a, b) =>
          String(a.version).localeCompare(String(b.version)),
        ),
      ).toEqual([
        { templateRef: API_SERVICE, version: '2.4.1', count: 1 },
        { templateRef: API_SERVICE, version: '2.5.0', count: 2 },
        { templateRef: API_SERVICE, version: null, count: 1 },
      ]);
      expect(await store.versionCounts([])).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'records releases and the first majority, idempotently, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const day1 = new Date('2026-12-01T09:00:00.000Z');
      const day2 = new Date('2026-12-02T09:00:00.000Z');
      const day4 = new Date('2026-12-04T09:00:00.000Z');
      const day5 = new Date('2026-12-05T09:00:00.000Z');
      const api = (version: string, entities: number, onVersion: number) => ({
        templateRef: API_SERVICE,
        version,
        entities,
        onVersion,
      });

      await store.track(
        [api('2.4.0', 4, 1), { ...api('1.0.0', 0, 0), templateRef: WORKER }],
        day1,
      );
      // Two replicas' passes at once: neither fails, and the first time stays.
      await Promise.all([
        store.track([api('2.4.0', 4, 2)], day2),
        store.track([api('2.4.0', 4, 2)], day2),
      ]);
      expect(await store.list({ templateRef: API_SERVICE })).toEqual([
        {
          templateRef: API_SERVICE,
          version: '2.4.0',
          releasedAt: day1.toISOString(),
          firstSeenAt: day1.toISOString(),
          majorityAt: null,
          entities: 4,
          onVersion: 2,
          updatedAt: day2.toISOString(),
        },
      ]);

      // 2.5.0 is released before 2.4.0 reached most services: 2.4.0 keeps its row.
      // Its template says it was released on day 1; the first pass to see it is day 2.
      const released = { releasedAt: day1 };
      await store.track([{ ...api('2.5.0', 4, 0), ...released }], day2);
      await store.track([{ ...api('2.5.0', 4, 3), ...released }], day4);
      // Fewer services on it later: the first majority stays.
      await store.track([{ ...api('2.5.0', 5, 2), ...released }], day5);

      const releases = await store.list();
      expect(releases).toEqual([
        {
          templateRef: API_SERVICE,
          version: '2.5.0',
          releasedAt: day1.toISOString(),
          firstSeenAt: day2.toISOString(),
          majorityAt: day4.toISOString(),
          entities: 5,
          onVersion: 2,
          updatedAt: day5.toISOString(),
        },
        expect.objectContaining({
          templateRef: API_SERVICE,
          version: '2.4.0',
          majorityAt: null,
          onVersion: 2,
        }),
        {
          templateRef: WORKER,
          version: '1.0.0',
          releasedAt: day1.toISOString(),
          firstSeenAt: day1.toISOString(),
          majorityAt: null,
          entities: 0,
          onVersion: 0,
          updatedAt: day1.toISOString(),
        },
      ]);
      expect(
        await store.list({ templateRef: 'template:default/none' }),
      ).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates down and up again on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const TABLE = 'paved_road_template_releases';
      expect(await knex.schema.hasTable(TABLE)).toBe(true);
      // Down past the releases' migration drops its table only.
      for (let step = 0; step < 10; step++) {
        await knex.migrate.down({ directory: migrationsDir });
        if (!(await knex.schema.hasTable(TABLE))) break;
      }
      expect(await knex.schema.hasTable(TABLE)).toBe(false);
      expect(await knex.schema.hasTable(ENTITIES)).toBe(true);
      await knex.migrate.latest({ directory: migrationsDir });
      await store.track(
        [
          {
            templateRef: API_SERVICE,
            version: '1.0.0',
            entities: 1,
            onVersion: 1,
          },
        ],
        new Date(),
      );
      expect((await store.list())[0].majorityAt).toEqual(expect.any(String));
    },
  );

  it('takes more than half as most', () => {
    expect(hasMajority({ entities: 4, onVersion: 2 })).toBe(false);
    expect(hasMajority({ entities: 4, onVersion: 3 })).toBe(true);
    expect(hasMajority({ entities: 1, onVersion: 1 })).toBe(true);
    expect(hasMajority({ entities: 0, onVersion: 0 })).toBe(false);
  });
});
