import {
  coreServices,
  createServiceFactory,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { pavedRoadExemptionsApprovePermission } from '@paved-road/backstage-plugin-common';
import request from 'supertest';
import { pavedRoadPlugin } from './plugin';
import { useControlledClock } from './service/__testUtils__/controlledClock';

// Backends start in-process; give them room on a loaded 2-core machine.
jest.setTimeout(60_000);

const API = '/api/paved-road';
const SERVICE = mockCredentials.service.header();
/** An owner of orders-api (a member of group orders). */
const ALICE = mockCredentials.user.header('user:default/alice');
/** Neither owner nor approver. */
const BOB = mockCredentials.user.header('user:default/bob');
/** The platform team's approvers. */
const PAT = mockCredentials.user.header('user:default/pat');
const OLLY = mockCredentials.user.header('user:default/olly');
const APPROVERS = ['user:default/pat', 'user:default/olly'];
const MEMBERS: Record<string, string[]> = {
  'user:default/alice': ['group:default/orders'],
};

const ORDERS_API = 'component:default/orders-api';

const catalogDocs = {
  id: 'catalog-docs',
  title: 'Docs everywhere',
  description: 'TechDocs for every service.',
  owner: 'group:default/platform',
  goal: {
    type: 'checks',
    scorecard: 'production-readiness',
    checks: ['techdocs'],
  },
  scope: { kind: 'Component' },
  startsOn: '2026-12-01',
  deadline: '2027-01-31',
};

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'orders', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'orders-api',
      namespace: 'default',
      etag: 'orders-api-1',
      annotations: {
        'backstage.io/source-template': 'template:default/api-service',
        'backstage.io/template-version': '2.5.0',
        'paved-road.io/escape-hatches':
          '[{"guardrail":"network-policy","reason":"Calls the payment provider (PAY-231)"}]',
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/orders',
      lifecycle: 'production',
    },
  },
];

/** Who owns what: the user, and the groups it is a member of. */
const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: (): UserInfoService => ({
    async getUserInfo(credentials) {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(MEMBERS[ref] ?? [])],
      };
    },
  }),
});

/** Everything allowed, but approving exemptions only for the approvers. */
const permissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: (): PermissionsService => {
    const decide = (permission: { name: string }, credentials: any) =>
      permission.name !== pavedRoadExemptionsApprovePermission.name ||
      APPROVERS.includes(credentials?.principal?.userEntityRef)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY;
    return {
      async authorize(requests, options) {
        return requests.map(r => ({
          result: decide(r.permission, options?.credentials),
        })) as any;
      },
      async authorizeConditional(requests, options) {
        return requests.map(r => ({
          result: decide(r.permission, options?.credentials),
        })) as any;
      },
    };
  },
});

const day = (offset: number) =>
  new Date(Date.UTC(2026, 11, 10 + offset)).toISOString().slice(0, 10);

describe('exemptions', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  beforeAll(async () => {
    // A controlled clock: Date only, so the backend's timers run as usual.
    useControlledClock('2026-12-10T09:00:00Z');
    ({ server } = await startTestBackend({
      features: [
        pavedRoadPlugin,
        userInfo,
        permissions,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: { pavedRoad: { campaigns: [catalogDocs] } },
        }),
      ],
    }));
  });
  afterAll(() => jest.useRealTimers());

  const get = (path: string, auth = ALICE) =>
    request(server).get(`${API}${path}`).set('Authorization', auth);
  const post = (path: string, body: object, auth = ALICE) =>
    request(server).post(`${API}${path}`).set('Authorization', auth).send(body);
  const evaluate = async () => {
    const res = await post('/evaluate', {}, SERVICE);
    expect(res.status).toBe(200);
    expect(res.body.error).toBeUndefined();
  };
  const techdocs = async () => {
    const res = await get('/entities/component/default/orders-api/scorecards');
    return res.body.results
      .find((r: any) => r.scorecardId === 'production-readiness')
      .checks.find((c: any) => c.checkId === 'techdocs');
  };
  const docsRequest = (extra: object = {}) => ({
    entityRef: ORDERS_API,
    target: {
      type: 'check',
      scorecard: 'production-readiness',
      check: 'techdocs',
    },
    reason: 'Docs move to the new portal in January (ORD-12)',
    link: 'https://tickets.example.com/ORD-12',
    expiresOn: day(30),
    ...extra,
  });

  let docs: string;
  it('lets an owner request one, naming each bad field', async () => {
    await evaluate();
    expect((await techdocs()).status).toBe('fail');

    const bad = await post(
      '/exemptions',
      docsRequest({
        reason: ' ',
        expiresOn: day(91),
        link: 'ftp://x',
        target: {
          type: 'check',
          scorecard: 'production-readiness',
          check: 'tech-docs',
        },
      }),
    );
    expect(bad.status).toBe(400);
    for (const part of [
      'target.check: unknown check',
      'reason: must not be empty',
      'link: must be an http(s) URL',
      `expiresOn: must be at most 90 days away (${day(
        90,
      )}, pavedRoad.exemptions.maxDays), got ${day(91)}`,
    ]) {
      expect(bad.body.error.message).toContain(part);
    }
    const past = await post('/exemptions', docsRequest({ expiresOn: day(0) }));
    expect(past.body.error.message).toContain(
      `expiresOn: must be after today (${day(0)})`,
    );
    const notOwner = await post('/exemptions', docsRequest(), BOB);
    expect([notOwner.status, notOwner.body.error.message]).toEqual([
      403,
      `Not allowed: only an owner of ${ORDERS_API} (group:default/orders) or a holder of paved-road.exemptions.approve may request its exemptions`,
    ]);

    const created = await post('/exemptions', docsRequest());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      source: 'request',
      status: 'pending',
      requestedBy: 'user:default/alice',
      expiresOn: day(30),
    });
    docs = created.body.id;
  });

  it('is decided by an approver other than the requester, and makes the check exempt', async () => {
    const byOwner = await post(`/exemptions/${docs}/approve`, {});
    expect([byOwner.status, byOwner.body.error.message]).toEqual([
      403,
      'Not allowed: paved-road.exemptions.approve is required to approve exemptions',
    ]);
    // An approver's own request, an hour later, needs another approver.
    jest.setSystemTime(new Date('2026-12-10T10:00:00Z'));
    const own = await post(
      '/exemptions',
      docsRequest({
        target: { type: 'scorecard', scorecard: 'documentation-first' },
      }),
      PAT,
    );
    expect(own.status).toBe(201);
    const self = await post(`/exemptions/${own.body.id}/approve`, {}, PAT);
    expect(self.status).toBe(403);
    expect(self.body.error.message).toContain('cannot approve it');
    const rejected = await post(
      `/exemptions/${own.body.id}/reject`,
      { note: 'Docs are not optional' },
      OLLY,
    );
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      decidedBy: 'user:default/olly',
      decisionNote: 'Docs are not optional',
    });

    const approved = await post(
      `/exemptions/${docs}/approve`,
      { note: 'Fine until the portal move' },
      PAT,
    );
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      decidedBy: 'user:default/pat',
    });
    const again = await post(`/exemptions/${docs}/approve`, {}, OLLY);
    expect(again.status).toBe(409);
    // Re-evaluated at once: exempt, saying who approved it, until when and why.
    expect(await techdocs()).toEqual({
      checkId: 'techdocs',
      status: 'exempt',
      reason: `exemption approved by user:default/pat, until ${day(
        30,
      )}: Docs move to the new portal in January (ORD-12)`,
    });
    // It counts as done (exempt) for the campaign.
    await evaluate();
    const progress = await get('/campaigns/catalog-docs/progress');
    expect(progress.body).toMatchObject({ entities: 1, exempt: 1, todo: 0 });
  });

  it('lists exemptions with the escape hatches recorded at scaffold time', async () => {
    const res = await get(`/exemptions?entityRef=${ORDERS_API}`, BOB);
    expect(res.status).toBe(200);
    expect(res.body.items.map((e: any) => [e.source, e.status])).toEqual([
      ['request', 'rejected'],
      ['request', 'approved'],
      ['escape-hatch', 'approved'],
    ]);
    expect(res.body.items[2]).toMatchObject({
      id: 'escape-hatch:network-policy',
      target: { type: 'guardrail', guardrail: 'network-policy' },
      reason: 'Calls the payment provider (PAY-231)',
      requestedBy: 'scaffolder',
    });
    const pending = await get('/exemptions?status=pending', PAT);
    expect(pending.body.items).toEqual([]);
  });

  it('lapses at the first pass after its last day, and keeps every step in the audit log', async () => {
    jest.setSystemTime(new Date(`${day(31)}T06:00:00Z`));
    await evaluate();
    const [lapsed] = (
      await get(`/exemptions?entityRef=${ORDERS_API}&status=lapsed`)
    ).body.items;
    expect(lapsed).toMatchObject({ id: docs, status: 'lapsed' });
    expect((await techdocs()).status).toBe('fail');
    const events = await get(`/exemption-events?entityRef=${ORDERS_API}`);
    expect(
      events.body.items
        .filter((e: any) => e.exemptionId === docs)
        .map((e: any) => [e.action, e.by]),
    ).toEqual([
      ['requested', 'user:default/alice'],
      ['approved', 'user:default/pat'],
      ['lapsed', 'paved-road'],
    ]);
    const revoke = await post(`/exemptions/${docs}/revoke`, {}, PAT);
    expect(revoke.status).toBe(409);
    expect(revoke.body.error.message).toBe(
      `Exemption ${docs} is lapsed; only a approved exemption can be revoked`,
    );
  });

  it('is revoked by an approver', async () => {
    const created = await post(
      '/exemptions',
      docsRequest({
        target: { type: 'campaign', campaign: 'catalog-docs' },
        expiresOn: day(60),
      }),
    );
    expect(created.status).toBe(201);
    await post(`/exemptions/${created.body.id}/approve`, {}, OLLY);
    await evaluate();
    expect((await get('/campaigns/catalog-docs/progress')).body).toMatchObject({
      exempt: 1,
    });
    const revoked = await post(
      `/exemptions/${created.body.id}/revoke`,
      { note: 'Portal moved' },
      PAT,
    );
    expect(revoked.body).toMatchObject({
      status: 'revoked',
      decidedBy: 'user:default/pat',
    });
    await evaluate();
    expect((await get('/campaigns/catalog-docs/progress')).body).toMatchObject({
      exempt: 0,
      todo: 1,
    });
    const unknown = await post(
      '/exemptions',
      docsRequest({
        target: { type: 'campaign', campaign: 'nope' },
        expiresOn: day(60),
      }),
    );
    expect([unknown.status, unknown.body.error.message]).toEqual([
      400,
      "Invalid request body: target.campaign: no campaign 'nope'",
    ]);
  });
});
