import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { pavedRoadPlugin } from './plugin';
import {
  limitedUserHeader,
  partialVisibility,
} from './service/__testUtils__/partialVisibility';

// Backends start in-process; give them room on a loaded 2-core machine.
jest.setTimeout(60_000);

const API = '/api/paved-road';
const USER = mockCredentials.user.header();
const SERVICE = mockCredentials.service.header();

/** Docs and lifecycle for every service the orders group (with its subgroups) owns. */
const basics = {
  id: 'catalog-basics',
  title: 'Catalog basics',
  description: 'Lifecycle and TechDocs for every service.',
  owner: 'group:default/platform',
  goal: {
    type: 'checks',
    scorecard: 'production-readiness',
    checks: ['lifecycle', 'techdocs'],
  },
  scope: { owner: 'group:default/orders', kind: 'Component' },
  startsOn: '2026-12-01',
  deadline: '2027-01-31',
};

/** Past its deadline. */
const late = {
  ...basics,
  id: 'late-docs',
  title: 'Late docs',
  goal: {
    type: 'checks',
    scorecard: 'production-readiness',
    checks: ['techdocs'],
  },
  startsOn: '2026-01-01',
  deadline: '2026-02-01',
};

let etags = 0;
const group = (name: string, parent?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
});
const service = (name: string, owner: string, docs: boolean): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    etag: `${name}-${++etags}`,
    annotations: docs ? { 'backstage.io/techdocs-ref': 'dir:.' } : {},
  },
  spec: { type: 'service', owner, lifecycle: 'production' },
});

const services = {
  api: service('orders-api', 'group:default/orders', true),
  worker: service('orders-worker', 'group:default/orders', false),
  checkout: service('checkout-api', 'group:default/checkout', false),
  payments: service('payments-api', 'group:default/payments', false),
};
const entities: Entity[] = [
  group('platform'),
  group('orders'),
  group('checkout', 'orders'),
  group('payments'),
  ...Object.values(services),
];

describe('campaign progress', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  const actions = actionsRegistryServiceMock();
  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        pavedRoadPlugin,
        createServiceFactory({
          service: actionsRegistryServiceRef,
          deps: {},
          factory: () => actions,
        }),
        mockServices.rootConfig.factory({
          data: { pavedRoad: { campaigns: [basics, late] } },
        }),
        ...partialVisibility({
          entities,
          readable: ref =>
            ref === 'component:default/orders-api' || ref.startsWith('group:'),
        }).features,
      ],
    }));
  });

  const evaluate = async () => {
    const res = await request(server)
      .post(`${API}/evaluate`)
      .set('Authorization', SERVICE)
      .send({});
    expect(res.status).toBe(200);
    expect(res.body.error).toBeUndefined();
    return res.body;
  };
  const get = (path: string, auth = USER) =>
    request(server).get(`${API}${path}`).set('Authorization', auth);

  it('counts the scope per team over the group tree after a pass', async () => {
    await evaluate();
    const res = await get('/campaigns/catalog-basics/progress');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      campaignId: 'catalog-basics',
      computedAt: expect.any(String),
      entities: 3,
      done: 1,
      exempt: 0,
      todo: 2,
      complete: 1 / 3,
      overdue: 0,
      regressed: 0,
      medianDaysToComplete: 0,
    });
    expect(res.body.teams).toEqual([
      {
        ref: 'group:default/orders',
        entities: 3,
        done: 1,
        exempt: 0,
        todo: 2,
        direct: { entities: 2, done: 1, exempt: 0, todo: 1 },
      },
      {
        ref: 'group:default/checkout',
        parent: 'group:default/orders',
        entities: 1,
        done: 0,
        exempt: 0,
        todo: 1,
        direct: { entities: 1, done: 0, exempt: 0, todo: 1 },
      },
    ]);
    expect(res.body.days).toEqual([
      {
        day: new Date().toISOString().slice(0, 10),
        entities: 3,
        done: 1,
        exempt: 0,
        todo: 2,
      },
    ]);
    // Nothing changed since: the next pass does not recompute it.
    expect((await evaluate()).campaignsMs).toBeUndefined();
  });

  it('lists the entities to do with what to change, a team at a time, and as CSV', async () => {
    const todo = await get('/campaigns/catalog-basics/entities?state=todo');
    expect(todo.status).toBe(200);
    expect(todo.body).toMatchObject({ totalItems: 2, limit: 100, offset: 0 });
    expect(todo.body.items[0]).toEqual({
      entityRef: 'component:default/checkout-api',
      owner: 'group:default/checkout',
      state: 'todo',
      joinedAt: expect.any(String),
      completedAt: null,
      daysToComplete: null,
      regressions: 0,
      overdue: false,
      todo: [
        {
          checkId: 'techdocs',
          title: 'TechDocs published',
          remediation: {
            markdown: expect.stringContaining('mkdocs.yml'),
            link: expect.stringContaining('techdocs'),
          },
        },
      ],
    });
    const team = await get(
      '/campaigns/catalog-basics/entities?owner=checkout&limit=1',
    );
    expect(team.body.items.map((e: any) => e.entityRef)).toEqual([
      'component:default/checkout-api',
    ]);
    const csv = await get('/campaigns/catalog-basics/export.csv?state=todo');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.text.split('\r\n')).toEqual([
      'entityRef,owner,state,overdue,joinedAt,completedAt,daysToComplete,regressions,todo',
      expect.stringMatching(
        /^component:default\/checkout-api,group:default\/checkout,todo,false,[^,]+,,,0,techdocs$/,
      ),
      expect.stringMatching(/^component:default\/orders-worker,/),
      '',
    ]);
    const overdue = await get('/campaigns/late-docs/entities?state=todo');
    expect(overdue.body.items.map((e: any) => e.overdue)).toEqual([true, true]);
    expect((await get('/campaigns/late-docs/progress')).body).toMatchObject({
      overdue: 2,
      daysLeft: expect.any(Number),
    });
  });

  it("answers an entity's campaigns, nearest deadline first", async () => {
    const res = await get('/entity-campaigns/component/default/orders-worker');
    expect(res.status).toBe(200);
    expect(
      res.body.items.map((i: any) => [
        i.campaign.id,
        i.entity.state,
        i.entity.todo.map((t: any) => t.checkId),
      ]),
    ).toEqual([
      ['late-docs', 'todo', ['techdocs']],
      ['catalog-basics', 'todo', ['techdocs']],
    ]);
    const outside = await get(
      '/entity-campaigns/component/default/payments-api',
    );
    expect([outside.status, outside.body.items]).toEqual([200, []]);
    expect(
      (await get('/entity-campaigns/component/default/nothing')).status,
    ).toBe(404);
  });

  it('follows completions and answers a limited reader among what they may read', async () => {
    // The worker gets its docs: done at the next pass.
    Object.assign(
      services.worker,
      service('orders-worker', 'group:default/orders', true),
    );
    expect((await evaluate()).campaignsMs).toEqual(expect.any(Number));
    const entity = await get(
      '/entity-campaigns/component/default/orders-worker',
    );
    expect(entity.body.items[1].entity).toMatchObject({
      state: 'done',
      completedAt: expect.any(String),
      daysToComplete: expect.any(Number),
      todo: [],
    });
    const limited = await get(
      '/campaigns/catalog-basics/progress',
      limitedUserHeader,
    );
    expect(limited.status).toBe(200);
    expect(limited.body).toMatchObject({
      entities: 1,
      done: 1,
      todo: 0,
      days: [],
    });
    const items = await get(
      '/campaigns/catalog-basics/entities',
      limitedUserHeader,
    );
    expect(items.body.items.map((e: any) => e.entityRef)).toEqual([
      'component:default/orders-api',
    ]);
    expect(
      (
        await get(
          '/entity-campaigns/component/default/orders-worker',
          limitedUserHeader,
        )
      ).status,
    ).toBe(404);
  });

  it('refuses unknown campaigns and malformed queries, naming the parameter', async () => {
    expect((await get('/campaigns/nope/progress')).status).toBe(404);
    const state = await get('/campaigns/catalog-basics/entities?state=later');
    expect(state.status).toBe(400);
    expect(state.body.error.message).toContain('state');
    const owner = await get(
      '/campaigns/catalog-basics/entities?owner=component:default/x',
    );
    expect(owner.status).toBe(400);
    expect(owner.body.error.message).toContain('owner');
  });

  it('lists campaigns and their progress as actions', async () => {
    const list = await actions.invoke({
      id: 'test:list-campaigns',
      input: {},
      credentials: mockCredentials.user(),
    });
    expect((list.output as any).items).toEqual([
      expect.objectContaining({
        id: 'catalog-basics',
        goal: 'pass lifecycle, techdocs of scorecard production-readiness',
        entities: 3,
        todo: 1,
      }),
      expect.objectContaining({ id: 'late-docs', todo: 1 }),
    ]);
    const progress = await actions.invoke({
      id: 'test:get-campaign-progress',
      input: { id: 'catalog-basics', owner: 'group:default/checkout' },
      credentials: mockCredentials.user(),
    });
    expect(progress.output).toMatchObject({
      id: 'catalog-basics',
      todo: 1,
      totalTodoEntities: 1,
      todoEntities: [
        {
          entityRef: 'component:default/checkout-api',
          todo: [{ title: 'TechDocs published' }],
        },
      ],
    });
    await expect(
      actions.invoke({
        id: 'test:get-campaign-progress',
        input: { id: 'nope' },
        credentials: mockCredentials.user(),
      }),
    ).rejects.toThrow('No campaign nope');
  });
});

describe('template-version campaigns', () => {
  const golden = (name: string, version: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      etag: `${name}-${version}`,
      annotations: {
        'backstage.io/source-template': 'template:default/api-service',
        'backstage.io/template-version': version,
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/orders',
      lifecycle: 'production',
    },
  });
  const upgrade = {
    ...basics,
    id: 'api-service-2-5',
    goal: {
      type: 'template-version',
      template: 'template:default/api-service',
      range: '>=2.5.0',
    },
    scope: { owner: 'group:default/orders', lifecycle: 'production' },
    startsOn: '2026-01-01',
  };

  it('counts the upgrade requests made for the campaign, merged once the service is on the version', async () => {
    const { server } = await startTestBackend({
      features: [
        pavedRoadPlugin,
        mockServices.rootConfig.factory({
          data: { pavedRoad: { campaigns: [upgrade] } },
        }),
        ...partialVisibility({
          entities: [
            group('platform'),
            group('orders'),
            {
              apiVersion: 'scaffolder.backstage.io/v1beta3',
              kind: 'Template',
              metadata: {
                name: 'api-service',
                namespace: 'default',
                annotations: { 'backstage.io/template-version': '2.5.0' },
              },
              spec: { type: 'service', owner: 'group:default/platform' },
            },
            golden('merged-api', '2.5.0'),
            golden('open-api', '2.3.0'),
            golden('conflicted-api', '2.4.0'),
            golden('untouched-api', '2.3.0'),
          ],
          readable: () => true,
        }).features,
      ],
    });
    const run = (toVersion: string, results: object[]) =>
      request(server)
        .post(`${API}/upgrade-runs`)
        .set('Authorization', SERVICE)
        .send({ templateRef: 'api-service', toVersion, results });
    const result = (name: string, outcome: string) => ({
      entityRef: `component:default/${name}`,
      fromVersion: '2.3.0',
      outcome,
    });
    // An upgrade to a version outside the range does not count.
    expect(
      (await run('2.4.0', [result('untouched-api', 'opened')])).status,
    ).toBe(201);
    expect(
      (
        await run('2.5.0', [
          result('merged-api', 'opened'),
          result('open-api', 'opened'),
          result('conflicted-api', 'conflicted'),
        ])
      ).status,
    ).toBe(201);
    const evaluated = await request(server)
      .post(`${API}/evaluate`)
      .set('Authorization', SERVICE)
      .send({});
    expect(evaluated.status).toBe(200);
    const res = await request(server)
      .get(`${API}/campaigns/api-service-2-5/progress`)
      .set('Authorization', USER);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ entities: 4, done: 1, todo: 3 });
    expect(res.body.upgrades).toEqual({
      requests: 3,
      open: 1,
      merged: 1,
      conflicted: 1,
      failed: 0,
      bulk: {
        templateRef: 'template:default/api-service',
        owner: 'group:default/orders',
        broader: true,
      },
    });
    const todo = await request(server)
      .get(`${API}/campaigns/api-service-2-5/entities?state=todo&limit=1`)
      .set('Authorization', USER);
    expect(todo.body.items[0].todo).toEqual([
      {
        title: 'Upgrade to a release of api-service satisfying >=2.5.0',
        remediation: { markdown: expect.stringContaining('Upgrade') },
      },
    ]);
  });
});
