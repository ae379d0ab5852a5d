import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { CampaignInput } from '@paved-road/backstage-plugin-common';
import { CAMPAIGN_EDITS, CAMPAIGNS, CampaignStore } from './CampaignStore';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

const probes: CampaignInput = {
  id: 'startup-probes',
  title: 'Startup probes everywhere',
  description: 'Every production service has a **startup probe**.',
  owner: 'group:default/platform',
  goal: {
    type: 'checks',
    scorecard: 'production-readiness',
    checks: ['startup-probe'],
  },
  scope: { lifecycle: 'production', filter: { 'entity.kind': 'Component' } },
  startsOn: '2026-12-01',
  deadline: '2027-01-31',
};

describe('CampaignStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await CampaignStore.create({
      database: mockServices.database({ knex }),
    });
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'creates, replaces and deletes campaigns with their edits on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const created = await store.add(probes, 'user:default/amara.okafor');
      expect(created).toEqual({
        ...probes,
        source: 'api',
        createdAt: expect.any(String),
        createdBy: 'user:default/amara.okafor',
        updatedAt: created.createdAt,
        updatedBy: 'user:default/amara.okafor',
      });
      await expect(store.add(probes, 'user:default/other')).rejects.toThrow(
        "id: a campaign 'startup-probes' already exists",
      );

      // Same values in another key order: nothing changed, nothing recorded.
      const reordered = {
        ...probes,
        scope: {
          filter: { 'entity.kind': 'Component' },
          lifecycle: 'production',
        },
      };
      expect(await store.replace(reordered, 'service:ci')).toEqual(created);

      const updated = await store.replace(
        { ...probes, deadline: '2027-02-28', title: 'Startup probes' },
        'service:ci',
      );
      expect(updated).toMatchObject({
        deadline: '2027-02-28',
        title: 'Startup probes',
        createdBy: 'user:default/amara.okafor',
        updatedBy: 'service:ci',
      });
      expect(await store.list()).toEqual([updated]);

      await store.remove('startup-probes', 'user:default/lee');
      expect(await store.get('startup-probes')).toBeUndefined();
      await expect(store.remove('startup-probes', 'x')).rejects.toThrow(
        'No campaign startup-probes',
      );
      await expect(store.replace(probes, 'x')).rejects.toThrow(
        'No campaign startup-probes',
      );

      // The log outlives the campaign: newest first, who, when and what changed.
      const edits = await store.edits('startup-probes');
      expect(edits.map(e => [e.action, e.by])).toEqual([
        ['deleted', 'user:default/lee'],
        ['updated', 'service:ci'],
        ['created', 'user:default/amara.okafor'],
      ]);
      expect(edits[1].changes).toEqual({
        title: { before: 'Startup probes everywhere', after: 'Startup probes' },
        deadline: { before: '2027-01-31', after: '2027-02-28' },
      });
      expect(edits[2].changes.goal).toEqual({ after: probes.goal });
      expect(edits[0].changes.deadline).toEqual({ before: '2027-02-28' });
      expect(Date.parse(edits[0].at)).toBeGreaterThanOrEqual(
        Date.parse(edits[2].at),
      );

      // The id is free again, and a new campaign's log continues the old one's.
      await store.add(probes, 'user:default/amara.okafor');
      expect((await store.edits('startup-probes')).length).toBe(4);
    },
  );

  it.each(databases.eachSupportedId())(
    'takes one of two racing creates of an id on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const outcomes = await Promise.allSettled([
        store.add(probes, 'user:default/a'),
        store.add({ ...probes, title: 'Other' }, 'user:default/b'),
      ]);
      expect(outcomes.map(o => o.status).sort()).toEqual([
        'fulfilled',
        'rejected',
      ]);
      expect((await store.edits('startup-probes')).length).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates its tables up and down on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await store.add(probes, 'user:default/amara.okafor');
      // Down past the campaigns' migration (the later ones have tables of their own).
      for (let step = 0; step < 10; step++) {
        await knex.migrate.down({ directory: migrationsDir });
        if (!(await knex.schema.hasTable(CAMPAIGNS))) break;
      }
      for (const table of [CAMPAIGNS, CAMPAIGN_EDITS]) {
        expect([table, await knex.schema.hasTable(table)]).toEqual([
          table,
          false,
        ]);
      }
      // The migration before it is untouched.
      expect(await knex.schema.hasTable('paved_road_template_releases')).toBe(
        true,
      );
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex(CAMPAIGNS)).toEqual([]);
      expect(await store.add(probes, 'user:default/a')).toMatchObject({
        id: 'startup-probes',
      });
    },
  );
});
