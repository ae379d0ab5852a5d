import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ExemptionStore } from './ExemptionStore';
import { ENTITIES } from './tables';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

const request = (entityRef: string, expiresOn: string) => ({
  entityRef,
  target: {
    type: 'check' as const,
    scorecard: 'production-readiness',
    check: 'techdocs',
  },
  reason: 'Portal move',
  expiresOn,
});

describe('ExemptionStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await ExemptionStore.create({
      database: mockServices.database({ knex }),
    });
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'records requests, decisions and lapses with their audit log on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await knex(ENTITIES).insert({
        entity_ref: 'component:default/a',
        kind: 'Component',
        etag: 'a-1',
        evaluated_at: new Date(),
      });
      const t0 = new Date('2026-12-10T09:00:00Z');
      const a = await store.request(
        request('component:default/a', '2026-12-20'),
        'user:default/alice',
        t0,
      );
      const b = await store.request(
        request('component:default/b', '2027-01-20'),
        'user:default/alice',
        t0,
      );
      await store.decide(a.id, 'approve', 'user:default/pat', 'ok', t0);
      await store.decide(b.id, 'approve', 'user:default/pat', undefined, t0);
      // A decision makes the next pass evaluate the entity again.
      expect(
        (
          await knex(ENTITIES)
            .where('entity_ref', 'component:default/a')
            .first()
        ).etag,
      ).toBeNull();
      await expect(
        store.decide(a.id, 'reject', 'user:default/olly', undefined, t0),
      ).rejects.toThrow(
        `Exemption ${a.id} is approved; only a pending exemption can be rejected`,
      );
      expect([
        ...(await store.approvedFor(['component:default/a'])).keys(),
      ]).toEqual(['component:default/a']);

      const later = new Date('2026-12-21T01:00:00Z');
      const lapsed = await store.lapse('2026-12-21', later);
      expect(lapsed.map(e => e.id)).toEqual([a.id]);
      expect(await store.lapse('2026-12-21', later)).toEqual([]);
      expect((await store.get(b.id))!.status).toBe('approved');
      expect(
        (await store.events({ exemptionId: a.id })).map(e => [
          e.action,
          e.by,
          e.note,
        ]),
      ).toEqual([
        ['requested', 'user:default/alice', 'Portal move'],
        ['approved', 'user:default/pat', 'ok'],
        ['lapsed', 'paved-road', 'expired after 2026-12-20'],
      ]);
      expect(
        (await store.list({ statuses: ['approved'] })).map(e => e.id),
      ).toEqual([b.id]);
      expect((await store.storedFacts('component:default/a'))?.facts).toEqual(
        {},
      );

      // Down past the exemptions' migration (the later ones have tables of their own).
      for (let step = 0; step < 10; step++) {
        await knex.migrate.down({ directory: migrationsDir });
        if (!(await knex.schema.hasTable('paved_road_exemptions'))) break;
      }
      expect(await knex.schema.hasTable('paved_road_exemptions')).toBe(false);
      expect(await knex.schema.hasTable('paved_road_campaigns')).toBe(true);
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('paved_road_exemption_events')).toBe(
        true,
      );
    },
  );
});
