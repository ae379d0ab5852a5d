import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { DatabaseResultsStore } from './DatabaseResultsStore';
import { EntityEvaluation } from './tables';

jest.setTimeout(60_000);

const ref = (name: string) => `component:default/${name}`;

function evaluation(
  name: string,
  owner: string,
  level: string | null = 'gold',
): EntityEvaluation {
  const entityRef = ref(name);
  return {
    entity: {
      entityRef,
      kind: 'Component',
      type: 'service',
      lifecycle: 'production',
      owner,
      system: null,
      domain: null,
      goldenPath: true,
      templateRef: null,
      drift: null,
    },
    etag: `etag-${name}-${owner}`,
    facts: { entity: { kind: 'Component' } },
    sourceErrors: {},
    results: [
      {
        scorecardId: 'golden-path-adoption',
        entityRef,
        level,
        nextLevel: null,
        missingForNext: [],
        checks: [{ checkId: 'scaffolded', status: 'pass' }],
      },
      {
        scorecardId: 'documentation-first',
        entityRef,
        level,
        nextLevel: null,
        missingForNext: [],
        checks: [{ checkId: 'techdocs', status: 'pass' }],
      },
    ],
    levelIndex: r => (r.level === 'gold' ? 2 : -1),
    definitionsHash: 'hash-1',
  };
}

describe('StagedPass', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseResultsStore.create({
      database: mockServices.database({ knex }),
    });
    await store.saveEvaluations(
      ['a', 'b', 'c'].map(n => evaluation(n, 'old')),
      'before',
    );
    const staged = async () =>
      Number(
        (await knex('paved_road_staged_entities').count({ n: '*' }))[0].n,
      ) +
      Number((await knex('paved_road_staged_results').count({ n: '*' }))[0].n);
    const owners = async () =>
      Object.fromEntries(
        await Promise.all(
          ['a', 'b', 'c', 'd'].map(async n => [
            n,
            (await store.getEntity(ref(n)))?.entity.owner ?? null,
          ]),
        ),
      );
    return { knex, store, staged, owners };
  }

  it.each(databases.eachSupportedId())(
    'keeps staged pages from readers until it publishes them with removals, stale marks and state in one transaction, on %p',
    async databaseId => {
      const { store, staged, owners } = await setup(databaseId);
      const pass = store.stagedPass('pass-1');
      await pass.stagePage([evaluation('a', 'new'), evaluation('d', 'new')]);
      await pass.stagePage(
        [],
        [{ ref: ref('b'), reason: "fact source 'repository' failed" }],
      );
      // A catalog that answers an entity twice: staged again, the later one wins.
      await pass.stagePage([evaluation('a', 'newer', null)]);

      expect(await owners()).toEqual({ a: 'old', b: 'old', c: 'old', d: null });
      const listed = await store.listResults({
        sort: 'entityRef',
        order: 'asc',
        limit: 100,
        offset: 0,
      });
      expect(listed.totalItems).toBe(6);
      expect(new Set(listed.items.map(i => i.owner))).toEqual(new Set(['old']));
      expect(
        (await store.aggregateGroups()).entities.reduce(
          (n, g) => n + g.count,
          0,
        ),
      ).toBe(3);
      expect(await store.getState('definitions_hash')).toBeUndefined();

      expect(
        await pass.publish({
          removed: [ref('c')],
          state: { definitions_hash: 'hash-1' },
        }),
      ).toEqual({ removed: 1 });
      expect(await owners()).toEqual({
        a: 'newer',
        b: 'old',
        c: null,
        d: 'new',
      });
      const a = await store.getEntity(ref('a'));
      expect(a?.entity.stale).toBe(false);
      expect(a?.results.map(r => r.level)).toEqual([null, null]);
      const b = await store.getEntity(ref('b'));
      expect(b?.entity).toMatchObject({
        stale: true,
        staleReason: "fact source 'repository' failed",
      });
      expect(b?.results).toHaveLength(2);
      expect(
        (await store.getEvaluationKeys([ref('b')])).get(ref('b'))?.etag,
      ).toBeNull();
      expect(await store.getState('definitions_hash')).toBe('hash-1');
      expect(await staged()).toBe(0);

      // Published again with nothing staged since: nothing changes.
      expect(await pass.publish()).toEqual({ removed: 0 });
      expect(await owners()).toEqual({
        a: 'newer',
        b: 'old',
        c: null,
        d: 'new',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    "publishes re-evaluated scorecards' results, keeping the others, on %p",
    async databaseId => {
      const { store, staged } = await setup(databaseId);
      const pass = store.stagedPass('rescore');
      await pass.stageRescored({
        entityRefs: [ref('a'), ref('b')],
        results: [
          {
            scorecardId: 'documentation-first',
            entityRef: ref('a'),
            level: null,
            nextLevel: 'bronze',
            missingForNext: ['techdocs'],
            checks: [{ checkId: 'techdocs', status: 'fail' }],
          },
        ],
        levelIndex: () => -1,
      });
      expect(
        (await store.getEntity(ref('a')))?.results.map(r => r.level),
      ).toEqual(['gold', 'gold']);
      await pass.publish({
        rescore: {
          scorecardIds: ['documentation-first'],
          fromHash: 'hash-1',
          toHash: 'hash-2',
        },
      });
      const levels = async (name: string) =>
        (await store.getEntity(ref(name)))?.results.map(r => [
          r.scorecardId,
          r.level,
        ]);
      expect(await levels('a')).toEqual([
        ['documentation-first', null],
        ['golden-path-adoption', 'gold'],
      ]);
      expect(await levels('b')).toEqual([['golden-path-adoption', 'gold']]);
      expect(await levels('c')).toEqual([
        ['documentation-first', 'gold'],
        ['golden-path-adoption', 'gold'],
      ]);
      const keys = await store.getEvaluationKeys([ref('a'), ref('c')]);
      expect(keys.get(ref('a'))?.definitionsHash).toBe('hash-2');
      expect(keys.get(ref('c'))?.definitionsHash).toBe('hash-1');
      expect(await staged()).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    "clears a large pass's staged rows (truncating when it is alone) and keeps another pass's, on %p",
    async databaseId => {
      const { knex, store, staged } = await setup(databaseId);
      const other = store.stagedPass('other');
      await other.stagePage([evaluation('b', 'other')]);
      // On PostgreSQL a truncated table gets a new file.
      const postgres = knex.client.config.client === 'pg';
      const file = async () =>
        postgres
          ? (
              await knex.raw(
                "select pg_relation_filenode('paved_road_staged_entities') as f",
              )
            ).rows[0].f
          : undefined;
      const before = await file();
      const names = Array.from({ length: 1000 }, (_, i) => `bulk-${i}`);
      const large = store.stagedPass('large');
      for (let i = 0; i < names.length; i += 250) {
        await large.stagePage(
          names.slice(i, i + 250).map(n => evaluation(n, 'bulk')),
        );
      }
      await large.publish();
      expect(await store.countEntities()).toBe(1003);
      const passes = async () =>
        (await knex('paved_road_staged_entities').distinct('pass_id')).map(
          r => r.pass_id,
        );
      expect(await passes()).toEqual(['other']);
      expect(await file()).toBe(before);

      await other.publish();
      expect((await store.getEntity(ref('b')))?.entity.owner).toBe('other');
      const again = store.stagedPass('again');
      for (let i = 0; i < names.length; i += 500) {
        await again.stagePage(
          names.slice(i, i + 500).map(n => evaluation(n, 'again')),
        );
      }
      await again.publish();
      expect(await staged()).toBe(0);
      expect((await file()) === before).toBe(!postgres);
      expect((await store.getEntity(ref('bulk-999')))?.entity.owner).toBe(
        'again',
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'discards a failed pass and marks every result stale in one transaction, and drops the leftovers of a killed one, on %p',
    async databaseId => {
      const { knex, store, staged, owners } = await setup(databaseId);
      const failed = store.stagedPass('failed');
      await failed.stagePage([evaluation('a', 'new')]);
      expect(await failed.discard('Evaluation failed: catalog gone')).toBe(3);
      expect(await owners()).toEqual({ a: 'old', b: 'old', c: 'old', d: null });
      for (const name of ['a', 'b', 'c']) {
        expect((await store.getEntity(ref(name)))?.entity).toMatchObject({
          stale: true,
          staleReason: 'Evaluation failed: catalog gone',
        });
      }
      expect(await staged()).toBe(0);

      // A pass killed an hour ago, and one still running on another replica.
      const killed = store.stagedPass('killed');
      await killed.stagePage([evaluation('a', 'killed')]);
      await knex('paved_road_staged_entities')
        .where({ pass_id: 'killed' })
        .update({ staged_at: new Date(Date.now() - 2 * 3600_000) });
      const running = store.stagedPass('running');
      await running.stagePage([evaluation('b', 'running')]);
      await store.discardLeftovers(new Date(Date.now() - 3600_000));
      expect(
        (await knex('paved_road_staged_entities').select('pass_id')).map(
          r => r.pass_id,
        ),
      ).toEqual(['running']);
      expect(
        (await knex('paved_road_staged_results').distinct('pass_id')).map(
          r => r.pass_id,
        ),
      ).toEqual(['running']);

      // A pass whose staged rows were dropped meanwhile publishes nothing.
      await running.stagePage([evaluation('c', 'running')]);
      await store.discardLeftovers(new Date(Date.now() + 1000));
      await expect(running.publish()).rejects.toThrow(
        /no longer staged.*nothing was published/,
      );
      expect(await owners()).toEqual({ a: 'old', b: 'old', c: 'old', d: null });
      await running.drop();
      expect(await staged()).toBe(0);
    },
  );
});

describe('StagedPass on PostgreSQL', () => {
  const postgresOnly = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it.each(postgresOnly.eachSupportedId())(
    'publishes with upserts when another writer stored one of its entities meanwhile, on %p',
    async databaseId => {
      const knex = await postgresOnly.init(databaseId);
      const store = await DatabaseResultsStore.create({
        database: mockServices.database({ knex }),
      });
      const pass = store.stagedPass('pass');
      await pass.stagePage([evaluation('a', 'pass'), evaluation('b', 'pass')]);
      // Another replica's on-demand evaluation of a new entity, not yet committed.
      const tx = await knex.transaction();
      await tx('paved_road_entities').insert({
        entity_ref: ref('a'),
        kind: 'Component',
        owner: 'other',
        evaluated_at: new Date(),
      });
      const publishing = pass.publish();
      // The publish's insert waits for the other transaction's row, then meets it.
      await new Promise(resolve => setTimeout(resolve, 300));
      await tx.commit();
      await publishing;
      for (const name of ['a', 'b']) {
        const stored = await store.getEntity(ref(name));
        expect(stored?.entity.owner).toBe('pass');
        expect(stored?.results).toHaveLength(2);
      }
    },
  );
});
