import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { pavedRoadFactSourcesExtensionPoint } from '@paved-road/backstage-plugin-node';
import request from 'supertest';
import { pavedRoadPlugin } from './plugin';

// Backends start in-process; give them room on a loaded 2-core machine.
jest.setTimeout(60_000);

const template = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'api-service',
    namespace: 'default',
    annotations: { 'backstage.io/template-version': '2.3.0' },
  },
  spec: { type: 'service', steps: [] },
};
const component = (name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: {
    type: 'service',
    owner: 'group:default/payments',
    lifecycle: 'production',
  },
});

const teamModule = createBackendModule({
  pluginId: 'paved-road',
  moduleId: 'test-sources',
  register(env) {
    env.registerInit({
      deps: { sources: pavedRoadFactSourcesExtensionPoint },
      async init({ sources }) {
        sources.addFactSource({
          id: 'on-call',
          description: 'On-call rotation from the paging system',
          appliesTo: entity => entity.kind === 'Component',
          async collect({ entity }) {
            if (entity.metadata.name === 'broken')
              throw new Error('pager API down');
            return { rotation: `${entity.metadata.name}-primary` };
          },
        });
      },
    });
  },
});

async function start(options: { deny?: boolean; config?: object } = {}) {
  const { server } = await startTestBackend({
    features: [
      pavedRoadPlugin,
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      teamModule,
      catalogServiceMock.factory({
        entities: [
          template,
          component('payments-api', {
            'backstage.io/source-template': 'template:default/api-service',
            'backstage.io/template-version': '1.10.0',
          }),
          component('broken'),
        ],
      }),
      ...(options.deny
        ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })]
        : []),
    ],
  });
  return server;
}

describe('pavedRoadPlugin', () => {
  it('answers health checks without credentials', async () => {
    const server = await start();
    const res = await request(server).get('/api/paved-road/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('records scaffold events from a service and reports adoption', async () => {
    const server = await start();
    const created = await request(server)
      .post('/api/paved-road/scaffold-events')
      .set('Authorization', mockCredentials.service.header())
      .send({
        templateRef: 'api-service',
        templateVersion: '2.3.0',
        entityRef: 'component:default/cart-api',
        hoursSaved: 40,
        initiatedBy: 'user:default/jane.doe',
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      templateRef: 'template:default/api-service',
      entityRef: 'component:default/cart-api',
    });

    const adoption = await request(server)
      .get('/api/paved-road/templates/adoption')
      .set('Authorization', mockCredentials.user.header());
    expect(adoption.body.items).toEqual([
      expect.objectContaining({
        templateRef: 'template:default/api-service',
        scaffolds: 1,
        hoursSaved: 40,
        versions: { '2.3.0': 1 },
      }),
    ]);
  });

  it('names every bad field of a scaffold event', async () => {
    const server = await start();
    const res = await request(server)
      .post('/api/paved-road/scaffold-events')
      .set('Authorization', mockCredentials.service.header())
      .send({
        templateRef: 'component:default/x',
        templateVersion: 'latest',
        hoursSaved: -1,
        extra: true,
      });
    expect(res.status).toBe(400);
    const message: string = res.body.error.message;
    expect(message).toContain('Invalid request body');
    expect(message).toContain('templateRef: must be a template entity ref');
    expect(message).toContain('templateVersion: must be a semantic version');
    expect(message).toContain('entityRef:');
    expect(message).toContain('hoursSaved:');
    expect(message).toContain('extra');
  });

  it('refuses bad query parameters', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/paved-road/scaffold-events?limit=5000')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Invalid query parameters: limit:/);
  });

  it('denies recording without the permission and requires credentials', async () => {
    const server = await start({ deny: true });
    const denied = await request(server)
      .post('/api/paved-road/scaffold-events')
      .set('Authorization', mockCredentials.user.header())
      .send({
        templateRef: 'api-service',
        entityRef: 'component:default/cart-api',
        hoursSaved: 1,
      });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('paved-road.facts.write');

    const anonymous = await request(server)
      .get('/api/paved-road/scaffold-events')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });

  it('collects facts from built-in and module sources, reporting failures', async () => {
    const server = await start();
    const sources = await request(server)
      .get('/api/paved-road/fact-sources')
      .set('Authorization', mockCredentials.user.header());
    expect(sources.body.items.map((s: { id: string }) => s.id)).toEqual([
      'entity',
      'provenance',
      'owner',
      'platformTool',
      'repository',
      'on-call',
    ]);

    const facts = await request(server)
      .get('/api/paved-road/facts/component/default/payments-api')
      .set('Authorization', mockCredentials.user.header());
    expect(facts.status).toBe(200);
    expect(facts.body.facts.provenance).toMatchObject({
      goldenPath: true,
      templateRef: 'template:default/api-service',
      latestVersion: '2.3.0',
      drift: { status: 'major', majorsBehind: 1 },
    });
    expect(facts.body.facts['on-call']).toEqual({
      rotation: 'payments-api-primary',
    });

    const broken = await request(server)
      .get('/api/paved-road/facts/component/default/broken')
      .set('Authorization', mockCredentials.user.header());
    expect(broken.body.errors).toEqual({ 'on-call': 'pager API down' });
    expect(broken.body.facts.provenance).toEqual({ goldenPath: false });

    const missing = await request(server)
      .get('/api/paved-road/facts/component/default/nope')
      .set('Authorization', mockCredentials.user.header());
    expect(missing.status).toBe(404);
  });

  it('bounds pushed facts by pavedRoad.facts.maxBytes, above the default body size', async () => {
    const maxBytes = 200_000;
    const server = await start({
      config: { pavedRoad: { facts: { maxBytes } } },
    });
    // `{"blob":"…"}`: 11 bytes around the string.
    const push = (bytes: number) =>
      request(server)
        .post('/api/paved-road/facts')
        .set('Authorization', mockCredentials.service.header())
        .send({
          entityRef: 'component:default/payments-api',
          source: 'ci',
          facts: { blob: 'x'.repeat(bytes - 11) },
        });

    const between = await push(100 * 1024);
    expect(between.status).toBe(202);

    const atLimit = await push(maxBytes);
    expect(atLimit.status).toBe(202);

    const above = await push(maxBytes + 1);
    expect([above.status, above.body.error?.message]).toEqual([
      400,
      `Invalid request body: facts: must be at most ${maxBytes} bytes as JSON`,
    ]);
  });
});
