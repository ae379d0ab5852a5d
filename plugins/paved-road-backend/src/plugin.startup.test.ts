import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { pavedRoadPlugin } from './plugin';
import {
  exampleTemplates,
  loadExampleOrganisation,
} from './scorecards/__testUtils__/exampleOrganisation';
import { fillingCatalog } from './service/__testUtils__/fillingCatalog';

jest.setTimeout(60_000);

const user = mockCredentials.user.header();
const service = mockCredentials.service.header();

/** The example organisation, as a fresh install's catalog holds it once processed. */
const organisation = () => [...loadExampleOrganisation(), ...exampleTemplates];

async function start(
  catalog: ReturnType<typeof fillingCatalog>,
  config: object,
) {
  const { server } = await startTestBackend({
    features: [
      pavedRoadPlugin,
      catalog.factory,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  return server;
}

type Server = Awaited<ReturnType<typeof start>>;

const scorecardsOf = async (server: Server, name: string) =>
  request(server)
    .get(`/api/paved-road/entities/component/default/${name}/scorecards`)
    .set('Authorization', user);

/** What the Re-evaluate button on the component's page sends. */
const reevaluate = (server: Server, name: string) =>
  request(server)
    .post('/api/paved-road/evaluate')
    .set('Authorization', service)
    .send({ entityRef: `component:default/${name}` });

/** The entity's stored scorecards once it has some; undefined if none by the deadline. */
async function evaluatedScorecards(
  server: Server,
  name: string,
  withinMs: number,
) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const res = await scorecardsOf(server, name);
    if (res.status === 200 && res.body.results?.length) return res.body;
    if (Date.now() > deadline) return undefined;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

const statusOf = (body: any, scorecard: string, check: string) =>
  body.results
    .find((r: any) => r.scorecardId === scorecard)
    ?.checks.find((c: any) => c.checkId === check)?.status;

describe('a catalog that fills after start-up', () => {
  it('never fails the owner and template checks for what the start-up index missed', async () => {
    const catalog = fillingCatalog();
    // No retry during the test: the on-demand re-evaluation alone.
    const server = await start(catalog, {
      pavedRoad: { startup: { retryAfter: { hours: 1 } } },
    });
    // The start-up pass saw an empty catalog; the catalog then processes its locations.
    catalog.fill(organisation());

    const res = await reevaluate(server, 'orders-api');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'entity', evaluated: 1 });

    const orders = (await scorecardsOf(server, 'orders-api')).body;
    expect(statusOf(orders, 'production-readiness', 'owner')).toBe('pass');
    expect(
      statusOf(orders, 'golden-path-adoption', 'template-version-current'),
    ).toBe('pass');
    expect(orders.entity).toMatchObject({
      owner: 'group:default/orders',
      drift: 'minor', // api-service 2.4.0; 2.5.0 is latest,
    });

    // A really orphaned owner still fails: the catalog confirmed it is missing.
    await reevaluate(server, 'profile-service');
    const legacy = (await scorecardsOf(server, 'profile-service')).body;
    expect(statusOf(legacy, 'production-readiness', 'owner')).toBe('fail');
  });

  it('evaluates the catalog within seconds when it was empty at the first pass', async () => {
    const catalog = fillingCatalog();
    const server = await start(catalog, {
      pavedRoad: { startup: { retryAfter: { milliseconds: 200 } } },
    });
    catalog.fill(organisation());

    // No POST /evaluate and no scheduled pass: the start-up retry evaluates it.
    const orders = await evaluatedScorecards(server, 'orders-api', 15_000);
    expect(orders?.entity).toMatchObject({
      owner: 'group:default/orders',
      domain: 'domain:default/commerce',
      goldenPath: true,
      drift: 'minor',
    });
    expect(statusOf(orders, 'production-readiness', 'owner')).toBe('pass');
    const aggregates = await request(server)
      .get('/api/paved-road/aggregates')
      .set('Authorization', user);
    // Every component of the example organisation, not just the one asked for.
    expect(aggregates.body.org.entities).toBe(40);
  });

  it('evaluates an entity scaffolded after start-up as soon as the catalog has it', async () => {
    const entities = organisation();
    const catalog = fillingCatalog(entities);
    const server = await start(catalog, {
      pavedRoad: {
        scaffoldedEntities: { pollInterval: { milliseconds: 100 } },
      },
    });
    const recorded = await request(server)
      .post('/api/paved-road/scaffold-events')
      .set('Authorization', service)
      .send({
        templateRef: 'template:default/api-service',
        templateVersion: '2.5.0',
        entityRef: 'component:default/cart-api',
        hoursSaved: 40,
      });
    expect(recorded.status).toBe(201);

    // catalog:register has registered it; the catalog processes it a moment later.
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(await evaluatedScorecards(server, 'cart-api', 0)).toBeUndefined();
    catalog.fill([
      ...entities,
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'cart-api',
          namespace: 'default',
          annotations: {
            'backstage.io/source-template': 'template:default/api-service',
            'backstage.io/template-version': '2.5.0',
          },
        },
        spec: { type: 'service', lifecycle: 'production', owner: 'orders' },
        relations: [{ type: 'ownedBy', targetRef: 'group:default/orders' }],
      },
    ]);

    const cart = await evaluatedScorecards(server, 'cart-api', 10_000);
    expect(cart?.entity).toMatchObject({
      entityRef: 'component:default/cart-api',
      goldenPath: true,
      templateRef: 'template:default/api-service',
      drift: 'current',
    });
    expect(statusOf(cart, 'golden-path-adoption', 'scaffolded')).toBe('pass');
  });

  it.each([
    [
      { startup: { retryAfter: { seconds: 0 } } },
      "Invalid duration in config at 'pavedRoad.startup.retryAfter': must be longer than zero",
    ],
    [
      { scaffoldedEntities: { pollInterval: 'soon' } },
      "Invalid duration in config at 'pavedRoad.scaffoldedEntities.pollInterval'",
    ],
    [
      { scaffoldedEntities: { pollInterval: { minutes: 10 } } },
      "Invalid config at 'pavedRoad.scaffoldedEntities.pollInterval': must not be longer than 'pavedRoad.scaffoldedEntities.timeout'",
    ],
  ])(
    'stops the backend on invalid %j, naming the key',
    async (config, error) => {
      await expect(
        start(fillingCatalog(), { pavedRoad: config }),
      ).rejects.toThrow(error);
    },
  );
});
