import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
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
const SERVICE = mockCredentials.service.header();
const USER = mockCredentials.user.header();
const API_SERVICE = 'template:default/api-service';

let etags = 0;
/** Changes an entity as the catalog would: new content, new etag. */
function setVersion(entity: Entity, version: string) {
  entity.metadata.annotations!['backstage.io/template-version'] = version;
  etags += 1;
  entity.metadata.etag = `etag-${etags}`;
}

const template: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'api-service',
    namespace: 'default',
    etag: 'template-1',
    annotations: { 'backstage.io/template-version': 'v2.4.0' },
  },
  spec: { type: 'service', owner: 'group:default/platform' },
};

const component = (name: string, version: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    etag: `${name}-1`,
    annotations: {
      'backstage.io/source-template': API_SERVICE,
      'backstage.io/template-version': version,
    },
  },
  spec: { type: 'service', owner: 'group:default/orders', lifecycle: 'prod' },
});

const services = {
  orders: component('orders-api', '2.4.0'),
  payments: component('payments-api', '2.3.0'),
  search: component('search-indexer', '2.3.0'),
  cart: component('cart-api', '2.3.0'),
};

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'orders', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  template,
  ...Object.values(services),
];

describe('template releases', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        pavedRoadPlugin,
        ...partialVisibility({
          entities,
          readable: ref => ref === 'component:default/orders-api',
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
  const releases = async (query = '') => {
    const res = await request(server)
      .get(`${API}/template-releases${query}`)
      .set('Authorization', USER);
    expect(res.status).toBe(200);
    return res.body.items as Array<Record<string, any>>;
  };

  let released24: string;
  let majority24: string;
  it('records the template version a pass sees, with its services on it', async () => {
    await evaluate();
    const [release] = await releases();
    expect(release).toEqual({
      templateRef: API_SERVICE,
      version: '2.4.0',
      releasedAt: expect.any(String),
      firstSeenAt: expect.any(String),
      majorityAt: null,
      entities: 4,
      onVersion: 1,
      updatedAt: expect.any(String),
    });
    // The template has no paved-road.io/released-at: released when first seen.
    expect(release.releasedAt).toBe(release.firstSeenAt);
    released24 = release.releasedAt;
  });

  it('sets the majority time once more than half of the services are on it', async () => {
    setVersion(services.payments, '2.4.0');
    await evaluate();
    // Two of four is not most.
    expect((await releases())[0]).toMatchObject({
      onVersion: 2,
      majorityAt: null,
    });

    setVersion(services.search, 'v2.4.1');
    await evaluate();
    const [release] = await releases();
    expect(release).toMatchObject({
      version: '2.4.0',
      releasedAt: released24,
      onVersion: 3,
      majorityAt: expect.any(String),
    });
    majority24 = release.majorityAt;
    expect(Date.parse(majority24)).toBeGreaterThanOrEqual(
      Date.parse(released24),
    );
  });

  it('tracks a new release though no service changed, and keeps the old one', async () => {
    setVersion(template, '2.5.0');
    template.metadata.annotations!['paved-road.io/released-at'] = '2026-11-30';
    // Only the template changed: the services are not evaluated again, so their stored
    // drift is still against 2.4.0 (three `current`), yet none of them is on 2.5.0.
    await evaluate();
    const items = await releases('?templateRef=api-service');
    expect(items).toEqual([
      expect.objectContaining({
        version: '2.5.0',
        releasedAt: '2026-11-30T00:00:00.000Z',
        entities: 4,
        onVersion: 0,
        majorityAt: null,
      }),
      expect.objectContaining({
        version: '2.4.0',
        releasedAt: released24,
        majorityAt: majority24,
        onVersion: 3,
      }),
    ]);
    expect(Date.parse(items[0].firstSeenAt)).toBeGreaterThanOrEqual(
      Date.parse(released24),
    );

    // A pass that evaluates nothing still updates the counts it read.
    const quiet = await evaluate();
    expect(quiet.evaluated).toBe(0);
    expect((await releases())[0].updatedAt >= items[0].updatedAt).toBe(true);

    for (const service of [services.orders, services.payments, services.cart]) {
      setVersion(service, '2.5.0');
    }
    await evaluate();
    expect((await releases())[0]).toMatchObject({
      version: '2.5.0',
      onVersion: 3,
      majorityAt: expect.any(String),
    });
  });

  it('counts from when a release was first seen when its released-at is not a past date', async () => {
    for (const value of ['last tuesday', '2999-01-01']) {
      template.metadata.annotations!['paved-road.io/released-at'] = value;
      etags += 1;
      template.metadata.etag = `etag-${etags}`;
      await evaluate();
      const [release] = await releases('?templateRef=api-service');
      expect({ value, releasedAt: release.releasedAt }).toEqual({
        value,
        releasedAt: release.firstSeenAt,
      });
    }
    template.metadata.annotations!['paved-road.io/released-at'] = '2026-11-30';
    await evaluate();
  });

  it('refuses bad filters, naming them, and callers who may not read every entity', async () => {
    const bad = await request(server)
      .get(`${API}/template-releases?templateRef=component:default/orders-api`)
      .set('Authorization', USER);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('templateRef');

    const unknown = await request(server)
      .get(`${API}/template-releases?version=2.5.0`)
      .set('Authorization', USER);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('version');

    const limited = await request(server)
      .get(`${API}/template-releases`)
      .set('Authorization', limitedUserHeader);
    expect(limited.status).toBe(403);
    expect(limited.body.error.message).toMatch(/entities you may not read/);

    const invalid = await request(server)
      .get(`${API}/template-releases`)
      .set('Authorization', mockCredentials.user.invalidHeader());
    expect(invalid.status).toBe(401);

    const asService = await request(server)
      .get(`${API}/template-releases?templateRef=template:default/none`)
      .set('Authorization', SERVICE);
    expect(asService.status).toBe(200);
    expect(asService.body).toEqual({ items: [] });
  });
});
