import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { pavedRoadPlugin } from './plugin';
import {
  limitedUserHeader,
  partialVisibility,
} from './service/__testUtils__/partialVisibility';

// Backends start in-process; give them room on a loaded 2-core machine.
jest.setTimeout(60_000);

const API = '/api/paved-road';
const SERVICE = mockCredentials.service.header();
const USER = mockCredentials.user.header();

const component = (name: string, version?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'backstage.io/source-template': 'template:default/api-service',
      ...(version ? { 'backstage.io/template-version': version } : {}),
    },
  },
  spec: { type: 'service', owner: 'group:default/orders', lifecycle: 'prod' },
});

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'orders', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  // Upgraded and merged: the catalog has the target version.
  component('orders-api', '2.4.0'),
  // Still on the old version: its pull request is open (or conflicted).
  component('payments-api', '2.3.0'),
  component('search-indexer', '2.4.0'),
  // A release candidate has not reached 2.4.0.
  component('cart-api', '2.4.0-rc.1'),
  component('no-version'),
];

const readable = (ref: string) =>
  ['component:default/orders-api', 'group:default/orders'].includes(ref);

async function start(options: { deny?: boolean } = {}) {
  const { server } = await startTestBackend({
    features: [
      pavedRoadPlugin,
      ...(options.deny
        ? [
            catalogServiceMock.factory({ entities }),
            mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
          ]
        : partialVisibility({ entities, readable }).features),
    ],
  });
  return server;
}

type Server = Awaited<ReturnType<typeof start>>;

const result = (name: string, outcome: string, extra: object = {}) => ({
  entityRef: `component:default/${name}`,
  fromVersion: '2.3.0',
  outcome,
  ...extra,
});

const record = (server: Server, body: object, auth = SERVICE) =>
  request(server)
    .post(`${API}/upgrade-runs`)
    .set('Authorization', auth)
    .send(body);

const get = (server: Server, path: string, auth = USER) =>
  request(server).get(`${API}${path}`).set('Authorization', auth);

describe('template upgrade runs', () => {
  let server: Server;
  beforeAll(async () => {
    server = await start();
  });

  let earlier: string;
  let latest: string;
  it('records a run in one piece and answers with its counts', async () => {
    const older = await record(server, {
      templateRef: 'api-service',
      toVersion: '2.3.0',
      results: [result('payments-api', 'opened', { fromVersion: '2.2.0' })],
    });
    expect(older.status).toBe(201);
    earlier = older.body.id;

    const res = await record(server, {
      templateRef: 'template:default/api-service',
      toVersion: 'v2.4.0',
      scope: { owner: 'orders' },
      results: [
        result('orders-api', 'opened', {
          url: 'https://github.com/acme/orders-api/pull/12',
          branch: 'paved-road/upgrade-api-service-2.4.0',
        }),
        result('payments-api', 'conflicted', {
          url: 'https://github.com/acme/payments-api/pull/3',
          conflicts: 2,
        }),
        result('search-indexer', 'current', { fromVersion: '2.4.0' }),
        result('cart-api', 'opened', {
          url: 'file:///srv/Paved Road/repos/cart-api',
        }),
        result('no-version', 'failed', { reason: 'No answers recorded' }),
        result('gone-api', 'opened'),
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      createdAt: expect.any(String),
      counts: { opened: 3, current: 1, conflicted: 1, failed: 1 },
    });
    latest = res.body.id;

    const runs = await get(server, '/upgrade-runs?templateRef=api-service');
    expect(runs.status).toBe(200);
    expect(runs.body.items.map((r: { id: string }) => r.id)).toEqual([
      latest,
      earlier,
    ]);
    expect(runs.body.items[0]).toMatchObject({
      templateRef: 'template:default/api-service',
      toVersion: '2.4.0',
      scope: { owner: 'group:default/orders' },
      createdBy: 'external:test-service',
      counts: res.body.counts,
    });

    const run = await get(server, `/upgrade-runs/${latest}`);
    expect(run.status).toBe(200);
    expect(run.body.results).toHaveLength(6);
    // URLs are stored normalised: a local path's space encoded.
    expect(run.body.results[0]).toEqual({
      entityRef: 'component:default/cart-api',
      fromVersion: '2.3.0',
      outcome: 'opened',
      url: 'file:///srv/Paved%20Road/repos/cart-api',
    });
    expect(run.body.results[2]).toEqual({
      entityRef: 'component:default/no-version',
      fromVersion: '2.3.0',
      outcome: 'failed',
      reason: 'No answers recorded',
    });
  });

  it('computes each request’s status from the catalog', async () => {
    const res = await get(server, '/upgrades?templateRef=api-service');
    expect(res.status).toBe(200);
    const status = Object.fromEntries(
      res.body.items.map((r: any) => [
        `${r.entityRef.split('/')[1]}@${r.toVersion}`,
        [r.status, r.currentVersion],
      ]),
    );
    expect(status).toEqual({
      'orders-api@2.4.0': ['merged', '2.4.0'],
      'payments-api@2.4.0': ['conflicted', '2.3.0'],
      // The earlier run's request for 2.3.0 has landed.
      'payments-api@2.3.0': ['merged', '2.3.0'],
      // Already current when the run came: no pull request, so not merged.
      'search-indexer@2.4.0': ['current', null],
      'cart-api@2.4.0': ['open', '2.4.0-rc.1'],
      'no-version@2.4.0': ['failed', null],
      'gone-api@2.4.0': ['open', null],
    });
    expect(res.body.totalItems).toBe(7);
    expect(res.body.items[0]).toMatchObject({ runId: latest });
    expect(res.body.items.at(-1)).toMatchObject({ runId: earlier });

    const merged = await get(server, '/upgrades?status=merged&limit=1');
    expect(merged.body.totalItems).toBe(2);
    expect(merged.body.items).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/orders-api',
        status: 'merged',
        url: 'https://github.com/acme/orders-api/pull/12',
        branch: 'paved-road/upgrade-api-service-2.4.0',
      }),
    ]);
    const one = await get(
      server,
      '/upgrades?entityRef=Component:default/payments-api&status=conflicted',
    );
    expect(one.body.items).toEqual([
      expect.objectContaining({ toVersion: '2.4.0', conflicts: 2 }),
    ]);

    const summary = await get(server, '/upgrades/summary');
    expect(summary.body.items).toEqual([
      {
        templateRef: 'template:default/api-service',
        open: 2,
        merged: 2,
        conflicted: 1,
        failed: 1,
        current: 1,
        lastRunAt: expect.any(String),
      },
    ]);
  });

  it('shows a user only the runs and requests of entities they may read', async () => {
    const hidden = await record(server, {
      templateRef: 'api-service',
      toVersion: '2.4.0',
      results: [result('payments-api', 'opened')],
    });
    expect(hidden.status).toBe(201);

    const runs = await get(server, '/upgrade-runs', limitedUserHeader);
    expect(runs.body.items).toEqual([
      expect.objectContaining({
        id: latest,
        counts: { opened: 1, current: 0, conflicted: 0, failed: 0 },
      }),
    ]);
    const run = await get(server, `/upgrade-runs/${latest}`, limitedUserHeader);
    expect(run.body.results.map((r: any) => r.entityRef)).toEqual([
      'component:default/orders-api',
    ]);
    for (const id of [hidden.body.id, earlier]) {
      const denied = await get(
        server,
        `/upgrade-runs/${id}`,
        limitedUserHeader,
      );
      expect([denied.status, denied.body.error.message]).toEqual([
        404,
        `No upgrade run ${id}`,
      ]);
    }

    const upgrades = await get(server, '/upgrades', limitedUserHeader);
    expect(upgrades.body.items.map((r: any) => r.entityRef)).toEqual([
      'component:default/orders-api',
    ]);
    const other = await get(
      server,
      '/upgrades?entityRef=component:default/payments-api',
      limitedUserHeader,
    );
    expect([other.status, other.body.error.message]).toEqual([
      404,
      'No entity component:default/payments-api in the catalog',
    ]);
    const summary = await get(server, '/upgrades/summary', limitedUserHeader);
    expect(summary.body.items).toEqual([
      expect.objectContaining({ open: 0, merged: 1, conflicted: 0 }),
    ]);
  });
});

describe('recording upgrade runs without the permission', () => {
  it('is refused, naming the permission', async () => {
    const server = await start({ deny: true });
    const res = await record(
      server,
      {
        templateRef: 'api-service',
        toVersion: '2.4.0',
        results: [result('orders-api', 'opened')],
      },
      USER,
    );
    expect([res.status, res.body.error.message]).toEqual([
      403,
      'Not allowed: paved-road.facts.write is required to record upgrade runs',
    ]);
    const anonymous = await get(
      server,
      '/upgrades/summary',
      mockCredentials.none.header(),
    );
    expect(anonymous.status).toBe(401);
    // Nothing was recorded; a caller who may read no entity sees nothing either.
    const runs = await get(server, '/upgrade-runs', SERVICE);
    expect([runs.status, runs.body.items]).toEqual([200, []]);
  });
});
