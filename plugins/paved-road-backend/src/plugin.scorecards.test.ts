import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { Config, ConfigReader } from '@backstage/config';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { durationToHours } from '@paved-road/backstage-plugin-common';
import request from 'supertest';
import { pavedRoadRuleOperatorsExtensionPoint } from '@paved-road/backstage-plugin-node';
import { pavedRoadPlugin } from './plugin';
import {
  exampleCatalog,
  exampleRepositoryFacts,
  exampleTemplates,
} from './scorecards/__testUtils__/exampleOrganisation';

jest.setTimeout(60_000);

async function start(
  options: {
    deny?: boolean;
    entities?: Entity[];
    config?: object;
    actions?: ReturnType<typeof actionsRegistryServiceMock>;
  } = {},
) {
  const entities = options.entities ?? exampleCatalog();
  const { server } = await startTestBackend({
    features: [
      ...(options.actions
        ? [
            createServiceFactory({
              service: actionsRegistryServiceRef,
              deps: {},
              factory: () => options.actions!,
            }),
          ]
        : []),
      pavedRoadPlugin,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      ...(options.deny
        ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })]
        : []),
    ],
  });
  return { server, entities };
}

const user = mockCredentials.user.header();
const service = mockCredentials.service.header();

describe('scorecards on the example organisation', () => {
  let server: Awaited<ReturnType<typeof start>>['server'];
  let entities: Entity[];

  beforeAll(async () => {
    ({ server, entities } = await start());
  });

  const entityScorecards = async (name: string) => {
    const res = await request(server)
      .get(`/api/paved-road/entities/component/default/${name}/scorecards`)
      .set('Authorization', user);
    expect(res.status).toBe(200);
    return res.body;
  };
  const levelOf = (body: any, scorecard: string) =>
    body.results.find((r: any) => r.scorecardId === scorecard)?.level;

  it('evaluates the catalog at start-up and serves an entity', async () => {
    const orders = await entityScorecards('orders-api');
    expect(orders.entity).toMatchObject({
      entityRef: 'component:default/orders-api',
      owner: 'group:default/orders',
      system: 'system:default/order-management',
      domain: 'domain:default/commerce',
      goldenPath: true,
      drift: 'minor', // api-service 2.4.0; 2.5.0 is latest,
      stale: false,
    });
    expect(levelOf(orders, 'golden-path-adoption')).toBe('gold');
    expect(orders.scorecards).toBeUndefined();

    const payments = await entityScorecards('payments-api');
    expect(levelOf(payments, 'golden-path-adoption')).not.toBe('gold');
    expect(payments.entity.drift).toBe('minor'); // api-service 2.3.0

    const helpers = await entityScorecards('k8s-yaml-helpers');
    expect(levelOf(helpers, 'platform-asset')).toBeNull();
  });

  it('reads repository facts from the example repositories', async () => {
    for (const name of Object.keys(exampleRepositoryFacts)) {
      const res = await request(server)
        .get(`/api/paved-road/facts/component/default/${name}`)
        .set('Authorization', user);
      expect([name, res.body.facts.repository]).toEqual([
        name,
        exampleRepositoryFacts[name],
      ]);
    }
  });

  it('pages, filters and sorts results, with owner subgroups', async () => {
    const commerce = await request(server)
      .get(
        '/api/paved-road/results?scorecard=golden-path-adoption&owner=commerce&limit=5&sort=level&order=desc',
      )
      .set('Authorization', user);
    expect(commerce.status).toBe(200);
    expect(commerce.body.items).toHaveLength(5);
    expect(commerce.body.totalItems).toBeGreaterThan(5);
    expect(commerce.body.items[0].level).toBe('gold');
    const owners = new Set(
      commerce.body.items.map((i: { owner: string }) => i.owner),
    );
    for (const owner of owners) {
      expect([
        'group:default/orders',
        'group:default/checkout',
        'group:default/payments',
        'group:default/catalog',
      ]).toContain(owner);
    }

    const none = await request(server)
      .get(
        '/api/paved-road/results?scorecard=golden-path-adoption&level=none&kind=Component&lifecycle=production&limit=100',
      )
      .set('Authorization', user);
    expect(none.body.items.map((i: any) => i.entityRef)).toContain(
      'component:default/payments-ledger',
    );
    expect(none.body.items.every((i: any) => i.level === null)).toBe(true);
  });

  it('rolls results up over the group tree, systems and domains', async () => {
    const scaffolded = await request(server)
      .post('/api/paved-road/scaffold-events')
      .set('Authorization', service)
      .send({
        templateRef: 'api-service',
        entityRef: 'component:default/orders-api',
        hoursSaved: 12,
      });
    expect(scaffolded.status).toBe(201);
    // Aggregates are precomputed by the pass; the next one picks up hours saved.
    await request(server)
      .post('/api/paved-road/evaluate')
      .set('Authorization', service)
      .send({});
    const res = await request(server)
      .get('/api/paved-road/aggregates')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    const { org, groups, systems, domains } = res.body;
    const adoption = org.scorecards['golden-path-adoption'];
    expect(org.goldenPath.eligible).toBe(adoption.entities);
    expect(org.goldenPath.adopted).toBeGreaterThan(0);
    expect(org.goldenPath.rate).toBeCloseTo(
      org.goldenPath.adopted / org.goldenPath.eligible,
    );
    expect(org.drift.minor).toBeGreaterThan(0);
    const group = (ref: string) => groups.find((g: any) => g.ref === ref);
    const commerce = group('group:default/commerce');
    const teams = ['orders', 'checkout', 'payments', 'catalog'].map(t =>
      group(`group:default/${t}`),
    );
    expect(commerce.entities).toBe(
      teams.reduce((sum: number, t: any) => sum + (t?.entities ?? 0), 0),
    );
    expect(group('group:default/cloudcart').entities).toBeGreaterThanOrEqual(
      commerce.entities,
    );
    expect(
      systems.find((s: any) => s.ref === 'system:default/order-management'),
    ).toBeDefined();
    expect(
      domains.find((d: any) => d.ref === 'domain:default/commerce').entities,
    ).toBeGreaterThan(0);
    // Hours saved: orders-api's recorded event (12, not also its template's 40);
    // every other golden-path entity its source template's time-saved.
    const hoursOf = (owner?: string) =>
      entities
        .filter(e => e.kind === 'Component')
        .filter(
          e => !owner || (e.spec as any).owner === `group:default/${owner}`,
        )
        .reduce((sum, e) => {
          if (e.metadata.name === 'orders-api') return sum + 12;
          const source =
            e.metadata.annotations?.['backstage.io/source-template'];
          const template = exampleTemplates.find(
            t => source === `template:default/${t.metadata.name}`,
          );
          const saved =
            template?.metadata.annotations?.['backstage.io/time-saved'];
          return sum + (saved ? durationToHours(saved) : 0);
        }, 0);
    expect(hoursOf()).toBeGreaterThan(100);
    expect(org.hoursSaved).toBe(hoursOf());
    expect(group('group:default/orders').hoursSaved).toBe(hoursOf('orders'));
    expect(group('group:default/payments').hoursSaved).toBe(
      hoursOf('payments'),
    );
    expect(group('group:default/payments').hoursSaved).toBeGreaterThan(0);
    expect(commerce.hoursSaved).toBe(
      teams.reduce((sum: number, t: any) => sum + (t?.hoursSaved ?? 0), 0),
    );
    // Per source template: its golden-path entities, their drift and hours saved.
    const fromApiService = entities.filter(
      e =>
        e.metadata.annotations?.['backstage.io/source-template'] ===
        'template:default/api-service',
    ).length;
    expect(org.templates['template:default/api-service']).toEqual({
      entities: fromApiService,
      drift: expect.objectContaining({ current: expect.any(Number) }),
      hoursSaved: 40 * (fromApiService - 1) + 12,
    });
    expect(
      Object.values<any>(org.templates).reduce(
        (sum, t) => sum + t.hoursSaved,
        0,
      ),
    ).toBe(org.hoursSaved);
    const check = adoption.checks.scaffolded;
    expect(check.passRate).toBeCloseTo(
      (check.pass + check.exempt) /
        (check.pass + check.fail + check.unknown + check.exempt),
    );
  });

  it('scopes every aggregate to the kind, type and lifecycle asked for', async () => {
    const get = (query: string) =>
      request(server)
        .get(`/api/paved-road/aggregates${query}`)
        .set('Authorization', user);
    const all = (await get('')).body;
    const services = await get('?kind=COMPONENT&type=service');
    expect(services.status).toBe(200);
    const isService = (e: Entity) =>
      e.kind === 'Component' && (e.spec as any).type === 'service';
    expect(services.body.org.entities).toBe(entities.filter(isService).length);
    expect(services.body.org.entities).toBeLessThan(all.org.entities);
    expect(services.body.org.goldenPath.eligible).toBe(
      services.body.org.scorecards['golden-path-adoption'].entities,
    );
    expect(services.body.org.goldenPath.eligible).toBeLessThan(
      all.org.goldenPath.eligible,
    );
    // Teams, systems and domains follow the filter too.
    const orders = (body: any) =>
      body.groups.find((g: any) => g.ref === 'group:default/orders');
    expect(orders(services.body).entities).toBe(
      entities.filter(
        e => isService(e) && (e.spec as any).owner === 'group:default/orders',
      ).length,
    );
    expect(services.body.org.hoursSaved).toBeLessThan(all.org.hoursSaved);
    expect(
      services.body.org.templates['template:default/platform-tool'],
    ).toBeUndefined();
    expect(all.org.templates['template:default/platform-tool'].entities).toBe(
      entities.filter(
        e =>
          e.metadata.annotations?.['backstage.io/source-template'] ===
          'template:default/platform-tool',
      ).length,
    );
    expect(services.body.evaluatedAt).toBe(all.evaluatedAt);

    const production = await get('?lifecycle=production');
    expect(production.body.org.entities).toBe(
      entities.filter(
        e =>
          e.kind === 'Component' && (e.spec as any).lifecycle === 'production',
      ).length,
    );
    const none = await get('?lifecycle=nope');
    expect(none.body.org).toMatchObject({
      entities: 0,
      hoursSaved: 0,
      goldenPath: { eligible: 0, adopted: 0, rate: 0 },
    });
    expect(none.body.groups).toEqual([]);

    for (const [query, message] of [
      ['?kind=', /^Invalid query parameters: kind: /],
      [
        '?lifecycle=production&owner=orders',
        /^Invalid query parameters: .*owner/,
      ],
      [`?type=${'x'.repeat(300)}`, /^Invalid query parameters: type: /],
    ] as const) {
      const res = await get(query);
      expect([query, res.status, res.body.error?.message]).toEqual([
        query,
        400,
        expect.stringMatching(message),
      ]);
    }
  });

  it('re-evaluates only the entity whose etag changed', async () => {
    const evaluate = () =>
      request(server)
        .post('/api/paved-road/evaluate')
        .set('Authorization', service)
        .send({});
    const quiet = await evaluate();
    expect(quiet.status).toBe(200);
    expect(quiet.body).toMatchObject({ mode: 'incremental', evaluated: 0 });

    const orders = entities.find(e => e.metadata.name === 'orders-api')!;
    orders.metadata.etag = 'changed-1';
    const once = await evaluate();
    expect(once.body).toMatchObject({ mode: 'incremental', evaluated: 1 });
    expect(once.body.unchanged).toBe(once.body.scanned - 1);

    const full = await request(server)
      .post('/api/paved-road/evaluate')
      .set('Authorization', service)
      .send({ full: true });
    expect(full.body.evaluated).toBe(full.body.scanned);
  });

  it('re-evaluates one entity on demand, and the next pass re-aggregates', async () => {
    const orders = entities.find(e => e.metadata.name === 'orders-api')!;
    const annotations = orders.metadata.annotations!;
    const techdocs = annotations['backstage.io/techdocs-ref'];
    expect(
      levelOf(await entityScorecards('orders-api'), 'documentation-first'),
    ).toBe('gold');
    const aggregates = async () =>
      (
        await request(server)
          .get('/api/paved-road/aggregates')
          .set('Authorization', user)
      ).body;
    const docsGold = (body: any) =>
      body.org.scorecards['documentation-first'].levels.gold ?? 0;
    const before = docsGold(await aggregates());

    delete annotations['backstage.io/techdocs-ref'];
    const res = await request(server)
      .post('/api/paved-road/evaluate')
      .set('Authorization', service)
      .send({ entityRef: 'component:default/orders-api' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'entity', evaluated: 1 });
    expect(
      levelOf(await entityScorecards('orders-api'), 'documentation-first'),
    ).toBeNull();

    // The next pass evaluates nothing new but recomputes the aggregates.
    const pass = await request(server)
      .post('/api/paved-road/evaluate')
      .set('Authorization', service)
      .send({});
    expect(pass.body.evaluated).toBe(0);
    expect(docsGold(await aggregates())).toBe(before - 1);

    const missing = await request(server)
      .post('/api/paved-road/evaluate')
      .set('Authorization', service)
      .send({ entityRef: 'component:default/nope' });
    expect(missing.status).toBe(404);

    annotations['backstage.io/techdocs-ref'] = techdocs;
    await request(server)
      .post('/api/paved-road/evaluate')
      .set('Authorization', service)
      .send({ entityRef: 'component:default/orders-api' });
    expect(
      levelOf(await entityScorecards('orders-api'), 'documentation-first'),
    ).toBe('gold');
  });

  it('stores pushed facts and exposes them to rules as pushed.<source>', async () => {
    const pushed = await request(server)
      .post('/api/paved-road/facts')
      .set('Authorization', service)
      .send({
        entityRef: 'component:default/orders-api',
        source: 'sonar',
        facts: { coverage: 87 },
      });
    expect(pushed.status).toBe(202);
    await request(server)
      .post('/api/paved-road/evaluate')
      .set('Authorization', service)
      .send({});
    const facts = await request(server)
      .post('/api/paved-road/scorecards/preview')
      .set('Authorization', user)
      .send({
        scorecard: {
          id: 'coverage',
          title: 'Coverage',
          description: 'Test coverage',
          appliesTo: { 'entity.kind': 'Component' },
          levels: [{ id: 'bronze', title: 'Covered' }],
          checks: [
            {
              id: 'coverage',
              title: 'Coverage above 80%',
              description: 'Coverage',
              level: 'bronze',
              rule: { 'pushed.sonar.coverage': { $gte: 80 } },
              remediation: { markdown: 'Write tests' },
            },
          ],
        },
      });
    expect(facts.status).toBe(200);
    expect(facts.body.checks.coverage.pass).toBe(1);
    expect(facts.body.checks.coverage.unknown).toBe(facts.body.entities - 1);
    expect(facts.body.levelChanges).toBe(facts.body.entities);
  });

  it('previews an edited check of a shipped scorecard', async () => {
    const res = await request(server)
      .post('/api/paved-road/scorecards/preview')
      .set('Authorization', user)
      .send({
        scorecardId: 'golden-path-adoption',
        check: {
          id: 'scaffolded',
          title: 'Scaffolded',
          description: 'Always fails',
          level: 'bronze',
          rule: { 'entity.kind': 'Nothing' },
          remediation: { markdown: 'n/a' },
        },
      });
    expect(res.status).toBe(200);
    expect(res.body.checks.scaffolded.pass).toBe(0);
    expect(res.body.levels).toEqual({ none: res.body.entities });
    expect(res.body.levelChanges).toBeGreaterThan(0);
  });

  it('serves the definitions and the stored aggregates with ETags', async () => {
    const definitions = await request(server)
      .get('/api/paved-road/scorecards')
      .set('Authorization', user);
    expect(definitions.status).toBe(200);
    expect(definitions.body.scorecards.map((d: any) => d.id)).toEqual(
      expect.arrayContaining(['golden-path-adoption', 'production-readiness']),
    );
    const revalidated = await request(server)
      .get('/api/paved-road/scorecards')
      .set('Authorization', user)
      .set('If-None-Match', definitions.headers.etag);
    expect(revalidated.status).toBe(304);

    const aggregates = await request(server)
      .get('/api/paved-road/aggregates')
      .set('Authorization', user)
      .set('Accept-Encoding', 'gzip');
    expect(aggregates.status).toBe(200);
    expect(aggregates.headers['content-encoding']).toBe('gzip');
    expect(aggregates.body.org.entities).toBeGreaterThan(0);
    const unchanged = await request(server)
      .get('/api/paved-road/aggregates')
      .set('Authorization', user)
      .set('If-None-Match', aggregates.headers.etag);
    expect(unchanged.status).toBe(304);

    // A pass that changes results stores new aggregates: a new ETag.
    await request(server)
      .post('/api/paved-road/evaluate')
      .set('Authorization', user)
      .send({ full: true });
    const after = await request(server)
      .get('/api/paved-road/aggregates')
      .set('Authorization', user)
      .set('If-None-Match', aggregates.headers.etag);
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(aggregates.headers.etag);

    await request(server)
      .get('/api/paved-road/scorecards?x=1')
      .set('Authorization', user)
      .expect(400);
  });

  it('exports CSV and serves history snapshots', async () => {
    const csv = await request(server)
      .get('/api/paved-road/export.csv?scorecard=golden-path-adoption')
      .set('Authorization', user);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^entityRef,kind,type/);
    expect(lines.some(l => l.startsWith('component:default/orders-api,'))).toBe(
      true,
    );

    const history = await request(server)
      .get(
        '/api/paved-road/history?ref=component:default/orders-api&scorecard=golden-path-adoption',
      )
      .set('Authorization', user);
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([
      {
        day: new Date().toISOString().slice(0, 10),
        scorecardId: 'golden-path-adoption',
        level: 'gold',
      },
    ]);
    const org = await request(server)
      .get('/api/paved-road/history?ref=org')
      .set('Authorization', user);
    expect(org.body.scope).toBe('org');
    expect(org.body.items.length).toBeGreaterThan(0);
    expect(org.body.items[0].levels).toBeDefined();
    // The scope's totals, for the adoption, latest-version and hours-saved trends.
    expect(org.body.totals).toEqual([
      {
        day: new Date().toISOString().slice(0, 10),
        entities: expect.any(Number),
        goldenPath: {
          eligible: expect.any(Number),
          adopted: expect.any(Number),
          rate: expect.any(Number),
        },
        drift: expect.objectContaining({ current: expect.any(Number) }),
        hoursSaved: expect.any(Number),
      },
    ]);
    expect(org.body.totals[0].hoursSaved).toBeGreaterThan(0);
    const group = await request(server)
      .get(
        '/api/paved-road/history?ref=group:default/commerce&scorecard=production-readiness',
      )
      .set('Authorization', user);
    expect(group.body.items.map((i: any) => i.scorecardId)).toEqual([
      'production-readiness',
    ]);
    expect(group.body.totals).toHaveLength(1);
    expect(history.body.totals).toBeUndefined();
  });

  it('names malformed query parameters and bodies', async () => {
    const cases: Array<[request.Test, RegExp]> = [
      [
        request(server).get('/api/paved-road/results?limit=0&sort=name'),
        /^Invalid query parameters: (?=.*limit: )(?=.*sort: )/,
      ],
      [
        request(server).get('/api/paved-road/results?scorecard=nope'),
        /scorecard: unknown scorecard 'nope'/,
      ],
      [
        request(server).get('/api/paved-road/results?owner=api:x'),
        /owner: must be a group or user entity ref/,
      ],
      [
        request(server).get('/api/paved-road/history?ref=org&from=yesterday'),
        /from: must be a date YYYY-MM-DD/,
      ],
      [
        request(server)
          .post('/api/paved-road/facts')
          .send({ entityRef: 'x', source: 'Bad Source', facts: [] }),
        /Invalid request body: .*source: must be lower-case.*facts:/,
      ],
      [
        request(server)
          .post('/api/paved-road/facts')
          .send({
            entityRef: 'component:default/orders-api',
            source: 'big',
            facts: { blob: 'x'.repeat(40_000) },
          }),
        /facts: must be at most 32768 bytes/,
      ],
      [
        request(server)
          .post('/api/paved-road/scorecards/preview')
          .send({ scorecard: { id: 'x', levels: [] } }),
        /Invalid request body: scorecard.title/,
      ],
      [
        request(server)
          .post('/api/paved-road/scorecards/preview')
          .send({
            scorecardId: 'golden-path-adoption',
            check: {
              id: 'new',
              title: 'New',
              description: 'New',
              level: 'bronze',
              rule: { 'entity.kind': { $foo: 1 } },
              remediation: { markdown: 'x' },
            },
          }),
        /Invalid request body: .*unknown operator '\$foo'/,
      ],
    ];
    for (const [req, message] of cases) {
      const res = await req.set('Authorization', service);
      expect([res.status, res.body.error?.message]).toEqual([
        400,
        expect.stringMatching(message),
      ]);
    }
  });

  it('answers 404 for entities missing from the catalog', async () => {
    const res = await request(server)
      .get('/api/paved-road/entities/component/default/nope/scorecards')
      .set('Authorization', user);
    expect(res.status).toBe(404);
  });
});

describe('scorecard permissions', () => {
  it('hides results and refuses evaluation and pushed facts when denied', async () => {
    const { server } = await start({ deny: true });
    const entity = await request(server)
      .get('/api/paved-road/entities/component/default/orders-api/scorecards')
      .set('Authorization', user);
    expect(entity.status).toBe(404);
    expect(entity.body.error.message).toBe(
      'No entity component:default/orders-api in the catalog',
    );

    const results = await request(server)
      .get('/api/paved-road/results')
      .set('Authorization', user);
    expect(results.status).toBe(200);
    expect(results.body).toMatchObject({ items: [], totalItems: 0 });

    const aggregates = await request(server)
      .get('/api/paved-road/aggregates')
      .set('Authorization', user);
    expect(aggregates.body.org.entities).toBe(0);

    const evaluate = await request(server)
      .post('/api/paved-road/evaluate')
      .set('Authorization', user);
    expect(evaluate.status).toBe(403);
    expect(evaluate.body.error.message).toContain(
      'paved-road.scorecards.evaluate',
    );

    const facts = await request(server)
      .post('/api/paved-road/facts')
      .set('Authorization', service)
      .send({
        entityRef: 'component:default/orders-api',
        source: 'ci',
        facts: {},
      });
    expect(facts.status).toBe(403);

    // Preview runs rules the caller writes over every readable entity's facts.
    const preview = await request(server)
      .post('/api/paved-road/scorecards/preview')
      .set('Authorization', user)
      .send({
        scorecardId: 'golden-path-adoption',
        check: {
          id: 'scaffolded',
          title: 'Scaffolded',
          description: 'Always fails',
          level: 'bronze',
          rule: { 'entity.kind': 'Nothing' },
          remediation: { markdown: 'n/a' },
        },
      });
    expect(preview.status).toBe(403);
    expect(preview.body.error.message).toContain(
      'paved-road.scorecards.preview',
    );

    const history = await request(server)
      .get('/api/paved-road/history?ref=org')
      .set('Authorization', user);
    expect(history.status).toBe(403);

    const anonymous = await request(server)
      .get('/api/paved-road/results')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });
});

describe('conditional permissions', () => {
  it("leaves conditional access to an entity's results to the catalog", async () => {
    // The catalog resolves the conditions: this one hides payments-api from users.
    const catalog = catalogServiceMock({ entities: exampleCatalog() });
    const hidden = 'component:default/payments-api';
    const conditional = new Proxy(catalog, {
      get(target, prop) {
        const value = (target as any)[prop];
        if (typeof value !== 'function') return value;
        if (prop !== 'getEntityByRef') return value.bind(target);
        return (ref: string, opts: { credentials: any }) =>
          opts.credentials.principal.type === 'user' && ref === hidden
            ? Promise.resolve(undefined)
            : value.call(target, ref, opts);
      },
    }) as CatalogService;
    const { server } = await startTestBackend({
      features: [
        pavedRoadPlugin,
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => conditional,
        }),
        // Entity reads are conditional (resolved by the catalog); the rest allowed.
        createServiceFactory({
          service: coreServices.permissions,
          deps: {},
          factory: (): PermissionsService => ({
            authorize: async requests =>
              requests.map(() => ({ result: AuthorizeResult.ALLOW })),
            authorizeConditional: async requests =>
              requests.map(() => ({
                result: AuthorizeResult.CONDITIONAL,
                pluginId: 'catalog',
                resourceType: 'catalog-entity',
                conditions: {
                  rule: 'IS_ENTITY_OWNER',
                  resourceType: 'catalog-entity',
                  params: { claims: ['group:default/orders'] },
                },
              })),
          }),
        }),
      ],
    });
    const get = (name: string) =>
      request(server)
        .get(`/api/paved-road/entities/component/default/${name}/scorecards`)
        .set('Authorization', user);
    // The start-up pass stores the results.
    let orders = await get('orders-api');
    for (let i = 0; i < 100 && !orders.body.entity; i++) {
      await new Promise(r => setTimeout(r, 100));
      orders = await get('orders-api');
    }
    expect(orders.status).toBe(200);
    expect(orders.body.entity.entityRef).toBe('component:default/orders-api');
    expect((await get('payments-api')).status).toBe(404);
  });
});

describe('scorecard actions', () => {
  it("reads an entity scorecard and an owner's failing checks", async () => {
    const actions = actionsRegistryServiceMock();
    await start({ actions });
    const entity = await actions.invoke({
      id: 'test:get-entity-scorecards',
      input: { entityRef: 'component:default/orders-api' },
      credentials: mockCredentials.user(),
    });
    expect(entity.output).toMatchObject({
      entityRef: 'component:default/orders-api',
      stale: false,
      results: expect.arrayContaining([
        expect.objectContaining({
          scorecardId: 'golden-path-adoption',
          level: 'gold',
        }),
      ]),
    });

    const failing = await actions.invoke({
      id: 'test:list-failing-checks',
      input: {
        owner: 'group:default/commerce',
        scorecard: 'golden-path-adoption',
      },
      credentials: mockCredentials.user(),
    });
    const items = (failing.output as any).items;
    expect(items.map((i: any) => i.entityRef)).toContain(
      'component:default/payments-api',
    );
    expect(
      items.find((i: any) => i.entityRef === 'component:default/payments-api')
        .failing[0],
    ).toMatchObject({
      checkId: expect.any(String),
      remediation: expect.any(String),
    });
  });
});

describe('edited scorecard definitions', () => {
  it('are re-applied on config change and their results recomputed', async () => {
    let current = new ConfigReader({});
    const listeners: Array<() => void> = [];
    const config = new Proxy({} as Config, {
      get(_, prop) {
        if (prop === 'subscribe') {
          return (listener: () => void) => {
            listeners.push(listener);
            return { unsubscribe() {} };
          };
        }
        const value = (current as any)[prop];
        return typeof value === 'function' ? value.bind(current) : value;
      },
    });
    const { server } = await startTestBackend({
      features: [
        pavedRoadPlugin,
        catalogServiceMock.factory({ entities: exampleCatalog() }),
        createServiceFactory({
          service: coreServices.rootConfig,
          deps: {},
          factory: () => config,
        }),
      ],
    });
    const ids = async () => {
      const res = await request(server)
        .get('/api/paved-road/entities/component/default/orders-api/scorecards')
        .set('Authorization', user);
      return res.body.results.map((r: any) => r.scorecardId);
    };
    expect(await ids()).toContain('golden-path-adoption');

    current = new ConfigReader({
      pavedRoad: {
        defaultScorecards: false,
        scorecards: [
          {
            id: 'owned',
            title: 'Owned',
            description: 'Has an owner',
            levels: [{ id: 'bronze', title: 'Owned' }],
            checks: [
              {
                id: 'owner',
                title: 'Owner exists',
                description: 'The owner exists',
                level: 'bronze',
                rule: { 'owner.exists': true },
                remediation: { markdown: 'Set spec.owner' },
              },
            ],
          },
        ],
      },
    });
    listeners.forEach(listener => listener());
    const deadline = Date.now() + 10_000;
    while (
      Date.now() < deadline &&
      (await ids()).includes('golden-path-adoption')
    ) {
      await new Promise(r => setTimeout(r, 100));
    }
    expect(await ids()).toEqual(['owned']);
  });
});

describe('catalog load of a pass', () => {
  it('makes no catalog request per entity', async () => {
    const calls: Record<string, number> = {};
    const catalog = catalogServiceMock({ entities: exampleCatalog() });
    const counting = new Proxy(catalog, {
      get(target, prop) {
        const value = (target as any)[prop];
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
          return value.apply(target, args);
        };
      },
    }) as CatalogService;
    await startTestBackend({
      features: [
        pavedRoadPlugin,
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => counting,
        }),
      ],
    });
    // One stream for the index (groups, users, systems, templates), one for the pass,
    // and one read per owner the index misses, confirmed once however many entities
    // name it: the orphaned group:default/legacy-team and user:default/derek.olsen.
    expect(calls).toEqual({ streamEntities: 2, getEntityByRef: 2 });
  });
});

describe('rule operators from modules', () => {
  const scorecard = {
    id: 'short-names',
    title: 'Short names',
    description: 'Names of at most ten characters',
    appliesTo: { 'entity.kind': 'Component' },
    levels: [{ id: 'bronze', title: 'Short' }],
    checks: [
      {
        id: 'short',
        title: 'Short name',
        description: 'Short name',
        level: 'bronze',
        rule: {
          'entity.annotations.paved-road.io/repo-path': { $shorterThan: 30 },
        },
        remediation: { markdown: 'Rename it' },
      },
    ],
  };
  const config = {
    pavedRoad: { defaultScorecards: false, scorecards: [scorecard] },
  };

  it('lets a module add an operator that definitions then use', async () => {
    const module = createBackendModule({
      pluginId: 'paved-road',
      moduleId: 'shorter-than',
      register(env) {
        env.registerInit({
          deps: { ops: pavedRoadRuleOperatorsExtensionPoint },
          async init({ ops }) {
            ops.addRuleOperator({
              name: '$shorterThan',
              prepare(operand) {
                if (typeof operand !== 'number')
                  throw new Error('must be a number');
                return operand;
              },
              test: (value, operand) =>
                typeof value === 'string' && value.length < operand,
            });
          },
        });
      },
    });
    const { server } = await startTestBackend({
      features: [
        pavedRoadPlugin,
        module,
        catalogServiceMock.factory({ entities: exampleCatalog() }),
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    const res = await request(server)
      .get(
        '/api/paved-road/results?scorecard=short-names&level=bronze&limit=100',
      )
      .set('Authorization', user);
    // repo-path examples/repos/<name> is shorter than 30 characters for these three.
    expect(res.body.items.map((i: any) => i.entityRef).sort()).toEqual([
      'component:default/orders-api',
      'component:default/payments-api',
      'component:default/search-indexer',
    ]);
  });

  it('stops the backend on an unknown operator, naming the key', async () => {
    await expect(
      startTestBackend({
        features: [
          pavedRoadPlugin,
          catalogServiceMock.factory({ entities: [] }),
          mockServices.rootConfig.factory({ data: config }),
        ],
      }),
    ).rejects.toThrow(
      /pavedRoad\.scorecards\[0\]\.checks\[0\]\.rule.*\$shorterThan/,
    );
  });
});
