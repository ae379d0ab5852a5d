import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
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
const USER = mockCredentials.user.header();
const SERVICE = mockCredentials.service.header();

const probes = {
  id: 'startup-probes',
  title: 'Startup probes everywhere',
  description: 'Every production service has a **startup probe**.',
  owner: 'group:default/platform',
  goal: {
    type: 'checks',
    scorecard: 'production-readiness',
    checks: ['startup-probe'],
  },
  scope: { lifecycle: 'production' },
  startsOn: '2026-12-01',
  deadline: '2027-01-31',
};

const onVersion = {
  id: 'api-service-2',
  title: 'Every API on api-service 2',
  description: 'No service more than one major behind.',
  owner: 'platform',
  goal: { type: 'template-version', template: 'api-service', range: '>=2.0.0' },
  scope: {
    owner: 'group:default/orders',
    filter: { 'entity.spec.type': 'service' },
  },
  startsOn: '2026-12-01',
  deadline: '2027-06-30',
};

async function start(options: { deny?: boolean; config?: object } = {}) {
  const { server } = await startTestBackend({
    features: [
      pavedRoadPlugin,
      catalogServiceMock.factory({ entities: [] }),
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      ...(options.deny
        ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })]
        : []),
    ],
  });
  return server;
}

type Server = Awaited<ReturnType<typeof start>>;

const send = (
  server: Server,
  method: 'post' | 'put' | 'delete',
  path: string,
  body?: object,
  auth = USER,
) => {
  const req = request(server)
    [method](`${API}${path}`)
    .set('Authorization', auth);
  return body ? req.send(body) : req;
};

const get = (server: Server, path: string, auth = USER) =>
  request(server).get(`${API}${path}`).set('Authorization', auth);

describe('campaigns', () => {
  let server: Server;
  beforeAll(async () => {
    server = await start({ config: { pavedRoad: { campaigns: [probes] } } });
  });

  it('lists the campaigns of configuration, read-only, saying where they are', async () => {
    const list = await get(server, '/campaigns', SERVICE);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        ...probes,
        source: 'config',
        declaredAt: 'pavedRoad.campaigns[0]',
        createdBy: 'config',
      }),
    ]);
    const edit = await send(server, 'put', '/campaigns/startup-probes', probes);
    expect([edit.status, edit.body.error.message]).toEqual([
      409,
      "Campaign 'startup-probes' is declared in app-config at pavedRoad.campaigns[0] and cannot be updated through the API; change it there",
    ]);
    const remove = await send(server, 'delete', '/campaigns/startup-probes');
    expect([remove.status, remove.body.error.message]).toEqual([
      409,
      "Campaign 'startup-probes' is declared in app-config at pavedRoad.campaigns[0] and cannot be deleted through the API; change it there",
    ]);
    const taken = await send(server, 'post', '/campaigns', probes);
    expect([taken.status, taken.body.error.message]).toEqual([
      409,
      "id: 'startup-probes' is the id of a campaign declared in app-config at pavedRoad.campaigns[0]",
    ]);
    const edits = await get(server, '/campaigns/startup-probes/edits');
    expect([edits.status, edits.body.items]).toEqual([200, []]);
  });

  it('creates, reads, updates and deletes a campaign, recording who, when and what', async () => {
    const created = await send(server, 'post', '/campaigns', onVersion);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      ...onVersion,
      // Refs normalised.
      owner: 'group:default/platform',
      goal: { ...onVersion.goal, template: 'template:default/api-service' },
      source: 'api',
      createdAt: expect.any(String),
      createdBy: 'user:default/mock',
      updatedAt: created.body.createdAt,
      updatedBy: 'user:default/mock',
    });
    const read = await get(server, '/campaigns/api-service-2', SERVICE);
    expect([read.status, read.body]).toEqual([200, created.body]);
    const again = await send(server, 'post', '/campaigns', onVersion);
    expect([again.status, again.body.error.message]).toEqual([
      409,
      "id: a campaign 'api-service-2' already exists",
    ]);

    const updated = await send(
      server,
      'put',
      '/campaigns/api-service-2',
      { ...onVersion, deadline: '2027-09-30' },
      SERVICE,
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      deadline: '2027-09-30',
      createdBy: 'user:default/mock',
      updatedBy: 'external:test-service',
    });
    const list = await get(server, '/campaigns');
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([
      'api-service-2',
      'startup-probes',
    ]);

    const deleted = await send(server, 'delete', '/campaigns/api-service-2');
    expect(deleted.status).toBe(204);
    expect((await get(server, '/campaigns/api-service-2')).status).toBe(404);
    expect(
      (await send(server, 'delete', '/campaigns/api-service-2')).status,
    ).toBe(404);

    const edits = await get(server, '/campaigns/api-service-2/edits');
    expect(edits.status).toBe(200);
    expect(
      edits.body.items.map((e: { action: string; by: string }) => [
        e.action,
        e.by,
      ]),
    ).toEqual([
      ['deleted', 'user:default/mock'],
      ['updated', 'external:test-service'],
      ['created', 'user:default/mock'],
    ]);
    expect(edits.body.items[1]).toEqual({
      campaignId: 'api-service-2',
      action: 'updated',
      at: expect.any(String),
      by: 'external:test-service',
      changes: { deadline: { before: '2027-06-30', after: '2027-09-30' } },
    });
    expect((await get(server, '/campaigns/never-was/edits')).status).toBe(404);
  });

  it('names each field of a malformed campaign', async () => {
    const refused = async (body: object, path = '/campaigns') => {
      const res = await send(
        server,
        path === '/campaigns' ? 'post' : 'put',
        path,
        body,
      );
      expect([res.status, body]).toEqual([400, body]);
      return res.body.error.message;
    };
    const base = { ...onVersion, id: 'bad-one' };
    expect(
      await refused({
        ...base,
        goal: { type: 'level', scorecard: 'no-such', level: 'gold' },
      }),
    ).toMatch(
      /^Invalid request body: goal\.scorecard: unknown scorecard 'no-such' \(scorecards: .*production-readiness/,
    );
    expect(
      await refused({
        ...base,
        goal: {
          type: 'level',
          scorecard: 'production-readiness',
          level: 'platinum',
        },
      }),
    ).toBe(
      "Invalid request body: goal.level: unknown level 'platinum' of scorecard 'production-readiness' (levels: bronze, silver, gold)",
    );
    expect(
      await refused({
        ...base,
        goal: {
          type: 'checks',
          scorecard: 'production-readiness',
          checks: ['probes', 'no-such-check'],
        },
      }),
    ).toBe(
      "Invalid request body: goal.checks[1]: unknown check 'no-such-check' of scorecard 'production-readiness'",
    );
    expect(
      await refused({
        ...base,
        goal: {
          type: 'template-version',
          template: 'api-service',
          range: 'latest',
        },
      }),
    ).toBe(
      'Invalid request body: goal.range: must be a semver range such as >=2.0.0 or ^2.3.0',
    );
    expect(
      await refused({
        ...base,
        startsOn: '2027-02-01',
        deadline: '2027-01-31',
      }),
    ).toBe(
      'Invalid request body: deadline: must not be before startsOn (2027-02-01), got 2027-01-31',
    );
    expect(await refused({ ...base, id: 'Bad Id' })).toBe(
      'Invalid request body: id: must be lower-case letters and digits separated by dashes',
    );
    expect(await refused({ ...base, owner: 'user:default/amara' })).toBe(
      'Invalid request body: owner: must be a group entity ref',
    );
    expect(
      await refused({
        ...base,
        goal: { type: 'level', scorecard: 'production-readiness' },
      }),
    ).toBe('Invalid request body: goal.level: is required for a level goal');
    expect(
      await refused({
        ...base,
        scope: { filter: { 'entity.kind': { $foo: 1 } } },
      }),
    ).toBe(
      "Invalid request body: scope.filter: at ['entity.kind']: unknown operator '$foo'",
    );
    expect(await refused(base, '/campaigns/other-id')).toBe(
      "Invalid request body: id: must be the campaign's id in the path ('other-id'), got 'bad-one'",
    );
    expect((await get(server, '/campaigns/bad-one')).status).toBe(404);
  });
});

describe('managing campaigns without the permission', () => {
  it('is refused, naming the permission; reading is not', async () => {
    const server = await start({ deny: true });
    for (const [method, path, body] of [
      ['post', '/campaigns', onVersion],
      ['put', '/campaigns/api-service-2', onVersion],
      ['delete', '/campaigns/api-service-2', undefined],
    ] as const) {
      const res = await send(server, method, path, body);
      const what = { post: 'create', put: 'update', delete: 'delete' }[method];
      expect([res.status, res.body.error.message]).toEqual([
        403,
        `Not allowed: paved-road.campaigns.manage is required to ${what} campaigns`,
      ]);
    }
    const list = await get(server, '/campaigns');
    expect([list.status, list.body.items]).toEqual([200, []]);
    expect(
      (await get(server, '/campaigns', mockCredentials.none.header())).status,
    ).toBe(401);
  });
});

describe('campaigns a caller may not read every entity of', () => {
  it('are left out for a caller who may not read their owner', async () => {
    const group = (name: string) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default' },
      spec: { type: 'team', children: [] },
    });
    const { server } = await startTestBackend({
      features: [
        pavedRoadPlugin,
        ...partialVisibility({
          entities: [group('orders'), group('payments')],
          readable: ref => ref === 'group:default/orders',
        }).features,
      ],
    });
    for (const [id, owner] of [
      ['orders-probes', 'orders'],
      ['payments-probes', 'payments'],
    ]) {
      const res = await send(
        server,
        'post',
        '/campaigns',
        { ...probes, id, owner, scope: {} },
        SERVICE,
      );
      expect(res.status).toBe(201);
    }
    const ids = async (auth: string) =>
      (await get(server, '/campaigns', auth)).body.items.map(
        (c: { id: string }) => c.id,
      );
    expect(await ids(USER)).toEqual(['orders-probes', 'payments-probes']);
    expect(await ids(limitedUserHeader)).toEqual(['orders-probes']);
    for (const path of [
      '/campaigns/payments-probes',
      '/campaigns/payments-probes/edits',
    ]) {
      expect([
        path,
        (await get(server, path, limitedUserHeader)).status,
      ]).toEqual([path, 404]);
    }
    expect(
      (await get(server, '/campaigns/orders-probes/edits', limitedUserHeader))
        .body.items,
    ).toHaveLength(1);
  });
});

describe('campaigns in configuration', () => {
  it('stop the backend when malformed, naming the key', async () => {
    await expect(
      start({
        config: {
          pavedRoad: {
            campaigns: [
              probes,
              {
                ...probes,
                id: 'second',
                deadline: '2026-11-30',
                goal: { ...probes.goal, checks: ['no-such-check'] },
                extra: true,
              },
            ],
          },
        },
      }),
    ).rejects.toThrow(
      [
        "Invalid campaign in app-config at pavedRoad.campaigns[1].goal.checks[0]: unknown check 'no-such-check' of scorecard 'production-readiness'",
        'Invalid campaign in app-config at pavedRoad.campaigns[1].extra: is not allowed',
        'Invalid campaign in app-config at pavedRoad.campaigns[1].deadline: must not be before startsOn (2026-12-01), got 2026-11-30',
      ].join('\n'),
    );
    await expect(
      start({
        config: {
          pavedRoad: {
            campaigns: [probes, { ...probes, deadline: '2026-11-30' }],
          },
        },
      }),
    ).rejects.toThrow(
      'Invalid campaign in app-config at pavedRoad.campaigns[1].deadline: must not be before startsOn (2026-12-01), got 2026-11-30',
    );
    await expect(
      start({ config: { pavedRoad: { campaigns: [probes, probes] } } }),
    ).rejects.toThrow(
      "Invalid campaign in app-config at pavedRoad.campaigns[1].id: duplicate campaign id 'startup-probes', also declared in app-config at pavedRoad.campaigns[0]",
    );
  });
});
