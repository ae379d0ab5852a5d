import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  DatabaseService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import { pavedRoadPlugin } from './plugin';
import { useControlledClock } from './service/__testUtils__/controlledClock';

jest.setTimeout(120_000);

const API = '/api/paved-road';
const SERVICE = mockCredentials.service.header();
const header = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

/** Docs for every component, due ten days after the first Monday of the test. */
const docs = {
  id: 'docs',
  title: 'Docs everywhere',
  description: 'TechDocs for every service.',
  owner: 'group:default/platform',
  goal: {
    type: 'checks',
    scorecard: 'production-readiness',
    checks: ['techdocs'],
  },
  scope: { kind: 'Component' },
  startsOn: '2026-12-05',
  deadline: '2026-12-17',
};

const user = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: {},
});
const group = (name: string, members: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
  relations: members.map(m => ({
    type: 'hasMember',
    targetRef: `user:default/${m}`,
  })),
});
const service = (name: string, owner: string, hasDocs: boolean): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    etag: name,
    annotations: hasDocs ? { 'backstage.io/techdocs-ref': 'dir:.' } : {},
  },
  spec: {
    type: 'service',
    owner: `group:default/${owner}`,
    lifecycle: 'production',
  },
});

const entities: Entity[] = [
  user('alice'),
  user('bob'),
  user('pat'),
  group('orders', ['alice']),
  group('payments', ['bob']),
  group('platform', ['pat']),
  service('orders-api', 'orders', true),
  service('orders-worker', 'orders', false),
  service('payments-api', 'payments', false),
];

/** A backend with Paved Road and the real notifications backend; its scheduler runs tasks when told. */
async function startBackend(extra: any[] = []) {
  let scheduler: SchedulerService | undefined;
  const grab = createBackendModule({
    pluginId: 'paved-road',
    moduleId: 'grab-scheduler',
    register(env) {
      env.registerInit({
        deps: { s: coreServices.scheduler },
        async init({ s }) {
          scheduler = s;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      pavedRoadPlugin,
      notificationsPlugin,
      grab,
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          pavedRoad: {
            campaigns: [docs],
            notifications: { approvers: ['group:default/platform'] },
          },
        },
      }),
      ...extra,
    ],
  });
  const server = backend.server;
  return {
    backend,
    server,
    /** Runs the notifications task now, as the scheduler would. */
    notify: () => scheduler!.triggerTask('paved-road-notifications'),
    evaluate: async () => {
      const res = await request(server)
        .post(`${API}/evaluate`)
        .set('Authorization', SERVICE)
        .send({});
      expect(res.body.error).toBeUndefined();
    },
  };
}

/** What a user sees on the Notifications page: titles, oldest first. */
async function inbox(server: any, name: string): Promise<string[]> {
  const res = await request(server)
    .get('/api/notifications/notifications?orderField=created,asc')
    .set('Authorization', header(name));
  expect(res.status).toBe(200);
  return res.body.notifications.map(
    (n: any) =>
      `${n.payload.title}${n.payload.link ? ` -> ${n.payload.link}` : ''}`,
  );
}

describe('notifications', () => {
  afterEach(() => jest.useRealTimers());

  it('tells owners when a campaign starts, weekly, before and after its deadline, once each', async () => {
    useControlledClock('2026-12-07T09:00:00Z'); // a Monday, 10 days before the deadline
    const { server, notify, evaluate } = await startBackend();
    await evaluate();
    await notify();
    await notify();
    expect(await inbox(server, 'alice')).toEqual([
      'Campaign started: Docs everywhere -> /paved-road/campaigns/docs',
      'Docs everywhere: 10 days left -> /paved-road/campaigns/docs',
      'Paved Road: 1 open item in 1 campaign -> /paved-road/campaigns',
    ]);
    expect(await inbox(server, 'bob')).toHaveLength(3);
    // pat's team owns nothing to do.
    expect(await inbox(server, 'pat')).toEqual([]);

    jest.setSystemTime(new Date('2026-12-15T09:00:00Z'));
    await notify();
    jest.setSystemTime(new Date('2026-12-18T09:00:00Z'));
    await notify();
    await notify();
    expect((await inbox(server, 'alice')).slice(3)).toEqual([
      'Docs everywhere: 2 days left -> /paved-road/campaigns/docs',
      'Docs everywhere: the deadline has passed -> /paved-road/campaigns/docs',
    ]);
  });

  it('tells approvers of a request, the requester of the decision, and owners before a lapse', async () => {
    useControlledClock('2026-12-08T09:00:00Z'); // a Tuesday: no digest
    const { server, notify, evaluate } = await startBackend([
      // alice owns what orders owns; pat approves.
      mockServices.userInfo.factory(),
    ]);
    await evaluate();
    const created = await request(server)
      .post(`${API}/exemptions`)
      .set('Authorization', header('pat'))
      .send({
        entityRef: 'component:default/orders-worker',
        target: {
          type: 'check',
          scorecard: 'production-readiness',
          check: 'techdocs',
        },
        reason: 'Docs move to the new portal (ORD-12)',
        expiresOn: '2026-12-12',
      });
    expect(created.status).toBe(201);
    const approved = await request(server)
      .post(`${API}/exemptions/${created.body.id}/approve`)
      .set('Authorization', header('olly'))
      .send({ note: 'Until the move' });
    expect(approved.status).toBe(200);
    const link = '/catalog/default/component/orders-worker/scorecards';
    expect(await inbox(server, 'pat')).toEqual([
      `Exemption requested: orders-worker -> ${link}`,
      `Exemption approved: orders-worker -> ${link}`,
    ]);
    await notify();
    await notify();
    const lapsing = `Exemption ends on 2026-12-12: orders-worker -> ${link}`;
    expect(await inbox(server, 'alice')).toContain(lapsing);
    expect(
      (await inbox(server, 'pat')).filter(title => title === lapsing),
    ).toHaveLength(1);
  });
});

describe('notifications from two backends on one PostgreSQL', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it('are sent once', async () => {
    if (!databases.supports('POSTGRES_15')) return;
    const shared = await databases.init('POSTGRES_15');
    /** Paved Road's database shared; each backend's notifications its own. */
    const database = async () => {
      const own = await databases.init('SQLITE_3');
      return createServiceFactory({
        service: coreServices.database,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }): DatabaseService => ({
          getClient: async () =>
            plugin.getId() === 'paved-road' ? shared : own,
        }),
      });
    };
    useControlledClock('2026-12-07T09:00:00Z');
    // One after the other, so knex's first migration does not race.
    const a = await startBackend([await database()]);
    const b = await startBackend([await database()]);
    await a.evaluate();
    await Promise.all([a.notify(), b.notify(), a.notify(), b.notify()]);
    const both = [
      ...(await inbox(a.server, 'alice')),
      ...(await inbox(b.server, 'alice')),
    ].sort();
    expect(both).toEqual([
      'Campaign started: Docs everywhere -> /paved-road/campaigns/docs',
      'Docs everywhere: 10 days left -> /paved-road/campaigns/docs',
      'Paved Road: 1 open item in 1 campaign -> /paved-road/campaigns',
    ]);
    await Promise.all([a.backend.stop(), b.backend.stop()]);
  });
});
