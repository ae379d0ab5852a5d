import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  Campaign,
  CampaignInput,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import { Knex } from 'knex';
import { CampaignProgressStore } from '../database/CampaignProgressStore';
import { ENTITIES, RESULTS } from '../database/tables';
import { progressOf } from './campaignProgress';
import { CampaignProgressTracker } from './CampaignProgressTracker';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

const SCORECARD: ScorecardDefinition = {
  id: 'production-readiness',
  title: 'Production readiness',
  description: 'd',
  levels: [
    { id: 'bronze', title: 'Bronze' },
    { id: 'silver', title: 'Silver' },
  ],
  checks: [
    {
      id: 'has-owner',
      title: 'Has an owner',
      description: 'd',
      level: 'bronze',
      rule: true,
      remediation: { markdown: 'Set spec.owner' },
    },
    {
      id: 'startup-probe',
      title: 'Startup probe',
      description: 'd',
      level: 'silver',
      rule: true,
      remediation: { markdown: 'Add a startup probe', link: 'https://k8s' },
    },
  ],
};

/** The group tree: platform above orders and payments. */
const PARENTS: Record<string, string> = {
  'group:default/orders': 'group:default/engineering',
  'group:default/payments': 'group:default/engineering',
};
const index = {
  ancestorsOf(ref: string) {
    const out = [ref];
    while (PARENTS[out[out.length - 1]]) out.push(PARENTS[out[out.length - 1]]);
    return out;
  },
  descendantsOf(ref: string) {
    return [
      ref,
      ...Object.keys(PARENTS).filter(child => PARENTS[child] === ref),
    ];
  },
};

function campaign(overrides: Partial<CampaignInput> = {}): Campaign {
  return {
    id: 'startup-probes',
    title: 'Startup probes everywhere',
    description: 'Add them',
    owner: 'group:default/platform',
    goal: {
      type: 'checks',
      scorecard: SCORECARD.id,
      checks: ['startup-probe'],
    },
    scope: { kind: 'component' },
    startsOn: '2026-12-01',
    deadline: '2026-12-20',
    ...overrides,
    source: 'api',
    createdAt: '2026-12-01T00:00:00.000Z',
    createdBy: 'user:default/pat',
    updatedAt: '2026-12-01T00:00:00.000Z',
    updatedBy: 'user:default/pat',
  };
}

/** An evaluated entity as a pass stores it, with its result on SCORECARD. */
async function putEntity(
  knex: Knex,
  name: string,
  options: {
    owner: string;
    statuses: Record<string, string>;
    levelIndex?: number;
    lifecycle?: string;
    templateVersion?: string;
  },
) {
  const entityRef = `component:default/${name}`;
  await knex(ENTITIES).where('entity_ref', entityRef).delete();
  await knex(RESULTS).where('entity_ref', entityRef).delete();
  await knex(ENTITIES).insert({
    entity_ref: entityRef,
    kind: 'Component',
    type: 'service',
    lifecycle: options.lifecycle ?? 'production',
    owner: options.owner,
    golden_path: options.templateVersion !== undefined,
    template_ref: options.templateVersion
      ? 'template:default/api-service'
      : null,
    facts: JSON.stringify({
      entity: { spec: { lifecycle: options.lifecycle ?? 'production' } },
      provenance: options.templateVersion
        ? { goldenPath: true, templateVersion: options.templateVersion }
        : { goldenPath: false },
    }),
    source_errors: '{}',
    evaluated_at: new Date(),
  });
  await knex(RESULTS).insert({
    entity_ref: entityRef,
    scorecard_id: SCORECARD.id,
    level: null,
    level_index: options.levelIndex ?? -1,
    missing_for_next: '[]',
    checks: '[]',
    check_statuses: JSON.stringify(options.statuses),
    evaluated_at: new Date(),
  });
}

const day = (d: number) => new Date(Date.UTC(2026, 11, d, 12));

describe('CampaignProgressTracker', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setUp(databaseId: TestDatabaseId, campaigns: Campaign[]) {
    const knex = await databases.init(databaseId);
    const store = await CampaignProgressStore.create({
      database: mockServices.database({ knex }),
    });
    const warnings: string[] = [];
    const tracker = new CampaignProgressTracker({
      store,
      index,
      campaigns: async () => campaigns,
      scorecards: () => [SCORECARD],
      logger: {
        warn: (m: string) => {
          warnings.push(m);
          if (process.env.DBG) console.log(m);
        },
      } as any,
    });
    return { knex, store, tracker, warnings };
  }

  it.each(databases.eachSupportedId())(
    'follows each entity through completion, regression and leaving the scope on %p',
    async databaseId => {
      const subject = campaign();
      const { knex, store, tracker } = await setUp(databaseId, [subject]);
      await putEntity(knex, 'orders-api', {
        owner: 'group:default/orders',
        statuses: { 'has-owner': 'pass', 'startup-probe': 'pass' },
      });
      await putEntity(knex, 'orders-worker', {
        owner: 'group:default/orders',
        statuses: { 'has-owner': 'pass', 'startup-probe': 'fail' },
      });
      await putEntity(knex, 'payments-api', {
        owner: 'group:default/payments',
        statuses: { 'startup-probe': 'exempt' },
      });
      await putEntity(knex, 'ledger', {
        owner: 'group:default/payments',
        statuses: {},
      });

      expect(
        await tracker.update({ resultsKey: 'a', now: day(2) }),
      ).toBeGreaterThanOrEqual(0);
      let { items } = await store.entities(subject.id);
      expect(
        items.map(e => [e.entityRef, e.state, e.completedAt !== null]),
      ).toEqual([
        ['component:default/orders-api', 'done', true],
        ['component:default/orders-worker', 'todo', false],
        ['component:default/ledger', 'todo', false],
        ['component:default/payments-api', 'exempt', true],
      ]);

      // Nothing changed: skipped.
      expect(
        await tracker.update({ resultsKey: 'a', now: day(2) }),
      ).toBeUndefined();

      // Day 5: the worker gets its probe, orders-api loses it, ledger changes owner.
      await putEntity(knex, 'orders-worker', {
        owner: 'group:default/orders',
        statuses: { 'startup-probe': 'pass' },
      });
      await putEntity(knex, 'orders-api', {
        owner: 'group:default/orders',
        statuses: { 'startup-probe': 'fail' },
      });
      await putEntity(knex, 'ledger', {
        owner: 'group:default/orders',
        statuses: {},
      });
      await tracker.update({ resultsKey: 'b', now: day(5) });
      items = (await store.entities(subject.id)).items;
      const byRef = Object.fromEntries(items.map(e => [e.entityRef, e]));
      expect(byRef['component:default/orders-worker']).toMatchObject({
        state: 'done',
        completedAt: day(5).toISOString(),
        firstCompletedAt: day(5).toISOString(),
        joinedAt: day(2).toISOString(),
      });
      expect(byRef['component:default/orders-api']).toMatchObject({
        state: 'todo',
        completedAt: null,
        firstCompletedAt: day(2).toISOString(),
        regressions: 1,
      });
      expect(byRef['component:default/ledger'].owner).toBe(
        'group:default/orders',
      );

      // Day 7: orders-api completes again; payments-api leaves the scope.
      await putEntity(knex, 'orders-api', {
        owner: 'group:default/orders',
        statuses: { 'startup-probe': 'pass' },
      });
      await knex(ENTITIES)
        .where('entity_ref', 'component:default/payments-api')
        .update({ kind: 'Resource' });
      await tracker.update({ resultsKey: 'c', now: day(7) });
      items = (await store.entities(subject.id)).items;
      expect(items.map(e => e.entityRef)).not.toContain(
        'component:default/payments-api',
      );
      expect(
        items.find(e => e.entityRef === 'component:default/orders-api'),
      ).toMatchObject({
        state: 'done',
        completedAt: day(7).toISOString(),
        firstCompletedAt: day(2).toISOString(),
        regressions: 1,
      });

      // One snapshot per day, the burn-up; the counts roll up over the group tree.
      const days = await store.days(subject.id);
      expect(days.map(d => [d.day, d.data.done, d.data.todo])).toEqual([
        ['2026-12-02', 1, 2],
        ['2026-12-05', 1, 2],
        ['2026-12-07', 2, 1],
      ]);
      expect(days[0].data.exempt).toBe(1);
      expect(days[1].data.regressed).toBe(1);
      const progress = progressOf(subject, days, index, day(21));
      expect(progress).toMatchObject({
        entities: 3,
        done: 2,
        todo: 1,
        overdue: 1,
        daysLeft: -1,
        regressed: 0,
        medianDaysToComplete: 0,
      });
      expect(progress.days).toHaveLength(3);
      expect(progress.teams).toEqual([
        {
          ref: 'group:default/engineering',
          entities: 3,
          done: 2,
          exempt: 0,
          todo: 1,
          direct: { entities: 0, done: 0, exempt: 0, todo: 0 },
        },
        {
          ref: 'group:default/orders',
          parent: 'group:default/engineering',
          entities: 3,
          done: 2,
          exempt: 0,
          todo: 1,
          direct: { entities: 3, done: 2, exempt: 0, todo: 1 },
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'computes level, template-version and filtered scopes on %p',
    async databaseId => {
      const level = campaign({
        id: 'silver',
        goal: { type: 'level', scorecard: SCORECARD.id, level: 'silver' },
        scope: { owner: 'group:default/engineering' },
      });
      const upgrade = campaign({
        id: 'api-service-2',
        goal: {
          type: 'template-version',
          template: 'template:default/api-service',
          range: '>=2.0.0',
        },
        scope: {},
      });
      const filtered = campaign({
        id: 'production-only',
        scope: {
          filter: { 'entity.spec.lifecycle': 'production' },
        },
      });
      const broken = campaign({
        id: 'gone-scorecard',
        goal: { type: 'level', scorecard: 'removed', level: 'gold' },
      });
      const { knex, store, tracker, warnings } = await setUp(databaseId, [
        level,
        upgrade,
        filtered,
        broken,
      ]);
      await putEntity(knex, 'a', {
        owner: 'group:default/orders',
        statuses: { 'has-owner': 'pass', 'startup-probe': 'pass' },
        levelIndex: 1,
        templateVersion: '2.1.0',
      });
      await putEntity(knex, 'b', {
        owner: 'group:default/payments',
        statuses: { 'has-owner': 'pass', 'startup-probe': 'exempt' },
        levelIndex: 1,
        templateVersion: 'v1.9.0',
        lifecycle: 'experimental',
      });
      await putEntity(knex, 'c', {
        owner: 'group:default/elsewhere',
        statuses: { 'has-owner': 'pass', 'startup-probe': 'fail' },
        levelIndex: 0,
      });
      await tracker.update({ resultsKey: 'a', now: day(3) });

      const states = async (id: string) =>
        (await store.entities(id)).items.map(e => `${e.entityRef}:${e.state}`);
      expect(await states('silver')).toEqual([
        'component:default/a:done',
        'component:default/b:exempt',
      ]);
      expect(await states('api-service-2')).toEqual([
        'component:default/a:done',
        'component:default/b:todo',
      ]);
      expect(await states('production-only')).toEqual([
        'component:default/c:todo',
        'component:default/a:done',
      ]);
      expect(await states('gone-scorecard')).toEqual([]);
      expect(warnings).toEqual([
        expect.stringContaining(
          "campaign 'gone-scorecard' was not computed: scorecard 'removed' is not loaded",
        ),
      ]);

      // A deleted campaign's progress goes.
      const remaining = new CampaignProgressTracker({
        store,
        index,
        campaigns: async () => [level],
        scorecards: () => [SCORECARD],
      });
      await remaining.update({ resultsKey: 'a', now: day(3) });
      expect(await states('api-service-2')).toEqual([]);
      expect(await store.days('api-service-2')).toEqual([]);
      expect((await store.days('silver')).length).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'prunes snapshots beyond the retention and migrates down and up on %p',
    async databaseId => {
      const subject = campaign();
      const { knex, store, tracker } = await setUp(databaseId, [subject]);
      await putEntity(knex, 'a', {
        owner: 'group:default/orders',
        statuses: { 'startup-probe': 'pass' },
      });
      await tracker.update({ now: new Date('2026-06-01T00:00:00Z') });
      await tracker.update({ now: day(3) });
      expect((await store.days(subject.id)).map(d => d.day)).toEqual([
        '2026-12-03',
      ]);
      await knex.migrate.down({
        directory: migrationsDir,
        name: '20261218000000_campaign_progress.js',
      });
      expect(await knex.schema.hasTable('paved_road_campaign_days')).toBe(
        false,
      );
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('paved_road_campaign_days')).toBe(true);
    },
  );
});
