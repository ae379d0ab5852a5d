import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { pavedRoadPlugin } from './plugin';
import {
  exampleTemplates,
  loadExampleOrganisation,
} from './scorecards/__testUtils__/exampleOrganisation';
import {
  limitedUserHeader,
  partialVisibility,
} from './service/__testUtils__/partialVisibility';

jest.setTimeout(120_000);

const HIDDEN = 'component:default/payments-api';
const SHOWN = 'component:default/orders-api';
const TEMPLATE = 'template:default/api-service';
const everything = mockCredentials.user.header();
const service = mockCredentials.service.header();

/** Whether a response body mentions the hidden entity anywhere. */
const mentionsHidden = (res: request.Response) =>
  /payments-api/i.test(res.text ?? JSON.stringify(res.body));

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())('the API on %p', databaseId => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  const api = (path: string) => `/api/paved-road${path}`;
  const get = (path: string, auth = limitedUserHeader) =>
    request(server).get(api(path)).set('Authorization', auth);
  const post = (path: string, body: unknown, auth = limitedUserHeader) =>
    request(server)
      .post(api(path))
      .set('Authorization', auth)
      .send(body as object);

  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    const visibility = partialVisibility({
      entities: [...loadExampleOrganisation(), ...exampleTemplates],
      readable: ref => !ref.endsWith('/payments-api'),
    });
    ({ server } = await startTestBackend({
      features: [
        pavedRoadPlugin,
        mockServices.database.factory({ knex }),
        ...visibility.features,
      ],
    }));
    // The start-up pass stores every entity's results.
    for (let i = 0; i < 300; i++) {
      const res = await get(
        `/entities/component/default/payments-api/scorecards`,
        service,
      );
      if (res.body.entity) break;
      await new Promise(r => setTimeout(r, 100));
    }
    for (const entityRef of [SHOWN, HIDDEN]) {
      const recorded = await post(
        '/scaffold-events',
        {
          templateRef: TEMPLATE,
          templateVersion: '2.3.0',
          entityRef,
          hoursSaved: 40,
        },
        service,
      );
      if (recorded.status !== 201) {
        throw new Error(`Recording a scaffold event: ${recorded.text}`);
      }
    }
  });

  describe('filters every answer by what the caller may read', () => {
    it('GET /scaffold-events', async () => {
      const all = await get('/scaffold-events', everything);
      expect(all.body.items.map((e: any) => e.entityRef)).toEqual(
        expect.arrayContaining([SHOWN, HIDDEN]),
      );
      const limited = await get('/scaffold-events');
      expect(limited.status).toBe(200);
      expect(limited.body.items.map((e: any) => e.entityRef)).toEqual([SHOWN]);
    });

    it('GET /templates/adoption', async () => {
      const all = await get('/templates/adoption', everything);
      const limited = await get('/templates/adoption');
      const of = (res: request.Response) =>
        res.body.items.find((t: any) => t.templateRef === TEMPLATE);
      expect(of(all)).toMatchObject({ scaffolds: 2, hoursSaved: 80 });
      expect(of(limited)).toMatchObject({
        scaffolds: 1,
        hoursSaved: 40,
        versions: { '2.3.0': 1 },
      });
    });

    it('GET /results and GET /export.csv', async () => {
      const all = await get('/results?limit=1000', everything);
      expect(mentionsHidden(all)).toBe(true);
      const limited = await get('/results?limit=1000');
      expect(limited.status).toBe(200);
      const hidden = all.body.items.filter((row: any) =>
        row.entityRef.endsWith('/payments-api'),
      ).length;
      expect(hidden).toBeGreaterThan(0);
      expect(limited.body.totalItems).toBe(all.body.totalItems - hidden);
      expect(mentionsHidden(limited)).toBe(false);
      const csv = await get('/export.csv');
      expect(csv.status).toBe(200);
      expect(csv.text).toContain('orders-api');
      expect(mentionsHidden(csv)).toBe(false);
    });

    it('GET /aggregates', async () => {
      const all = await get('/aggregates', everything);
      const limited = await get('/aggregates');
      expect(limited.status).toBe(200);
      const results = await get('/results?limit=1000', everything);
      const hidden = new Set(
        results.body.items
          .map((row: any) => row.entityRef)
          .filter((ref: string) => ref.endsWith('/payments-api')),
      ).size;
      expect(limited.body.org.entities).toBe(all.body.org.entities - hidden);
      expect(mentionsHidden(limited)).toBe(false);
    });

    it('GET /entities/.../scorecards, GET /facts/... and GET /history', async () => {
      expect(
        (await get('/entities/component/default/orders-api/scorecards')).status,
      ).toBe(200);
      expect(
        (await get('/entities/component/default/payments-api/scorecards'))
          .status,
      ).toBe(404);
      expect((await get('/facts/component/default/orders-api')).status).toBe(
        200,
      );
      expect((await get('/facts/component/default/payments-api')).status).toBe(
        404,
      );
      expect((await get(`/history?ref=${SHOWN}`)).status).toBe(200);
      expect((await get(`/history?ref=${HIDDEN}`)).status).toBe(404);
      // An aggregate's history covers entities the caller may not read.
      expect((await get('/history?ref=org')).status).toBe(403);
    });

    it('POST /evaluate, POST /facts and POST /scorecards/preview', async () => {
      expect((await post('/evaluate', { entityRef: SHOWN })).status).toBe(200);
      expect((await post('/evaluate', { entityRef: HIDDEN })).status).toBe(404);
      const facts = (entityRef: string) =>
        post('/facts', { entityRef, source: 'ci', facts: { ok: true } });
      expect((await facts(SHOWN)).status).toBe(202);
      expect((await facts(HIDDEN)).status).toBe(404);
      const scorecard = {
        id: 'probe',
        title: 'Probe',
        description: 'Counts entities',
        levels: [{ id: 'bronze', title: 'Bronze' }],
        checks: [
          {
            id: 'kind',
            title: 'Is a component',
            description: 'Kind',
            level: 'bronze',
            rule: { 'entity.kind': 'Component' },
            remediation: { markdown: 'n/a' },
          },
        ],
      };
      const all = await post('/scorecards/preview', { scorecard }, everything);
      const limited = await post('/scorecards/preview', { scorecard });
      expect(limited.status).toBe(200);
      expect(limited.body.entities).toBeGreaterThan(0);
      expect(limited.body.entities).toBeLessThan(all.body.entities);
    });
  });

  describe('answers bad input with a 4xx naming it, never a 500', () => {
    const expect400 = async (res: request.Response, ...named: string[]) => {
      expect({ status: res.status, body: res.body }).toMatchObject({
        status: 400,
        body: { error: { name: 'InputError' } },
      });
      for (const name of named) expect(res.body.error.message).toContain(name);
    };

    it('refuses NUL characters in paths and query parameters', async () => {
      expect.hasAssertions();
      await expect400(
        await get('/results?owner=group:default/a%00b', everything),
        'owner',
        'NUL',
      );
      await expect400(
        await get('/results?type=a%00', everything),
        'type',
        'NUL',
      );
      await expect400(
        await get('/aggregates?lifecycle=%00', everything),
        'lifecycle',
      );
      await expect400(
        await get('/export.csv?system=x%00', everything),
        'system',
      );
      await expect400(
        await get('/scaffold-events?templateRef=a%00', everything),
        'templateRef',
      );
      await expect400(
        await get('/entities/component/default/a%00b/scorecards', everything),
        'NUL',
      );
      await expect400(
        await get('/facts/component/default/a%00b', everything),
        'NUL',
      );
    });

    it('refuses facts nested too deep, numbers out of range and NUL in bodies', async () => {
      expect.hasAssertions();
      // Built as text: JSON.stringify itself overflows the stack on it.
      const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
      await expect400(
        await request(server)
          .post(api('/facts'))
          .set('Authorization', service)
          .set('Content-Type', 'application/json')
          .send(`{"entityRef":"${SHOWN}","source":"ci","facts":${deep}}`),
        'facts',
        'levels deep',
      );
      const huge = await request(server)
        .post(api('/facts'))
        .set('Authorization', service)
        .set('Content-Type', 'application/json')
        .send(`{"entityRef":"${SHOWN}","source":"ci","facts":{"n":1e309}}`);
      await expect400(huge, 'facts.n', 'float range');
      await expect400(
        await post(
          '/facts',
          { entityRef: SHOWN, source: 'ci', facts: { s: 'a\u0000' } },
          service,
        ),
        'facts.s',
        'NUL',
      );
    });

    it('refuses path parameters that are not entity ref parts', async () => {
      expect.hasAssertions();
      await expect400(
        await get('/entities/a%2Fb/default/orders-api/scorecards', everything),
        "kind: 'a/b' is not an entity kind",
      );
      await expect400(
        await get('/facts/component/%2E%2E%2Fetc/orders-api', everything),
        'namespace',
      );
    });

    it('refuses hours saved too close to zero for the database', async () => {
      expect.hasAssertions();
      await expect400(
        await post(
          '/scaffold-events',
          { templateRef: TEMPLATE, entityRef: SHOWN, hoursSaved: 5e-324 },
          service,
        ),
        'hoursSaved: must be 0 or at least 0.001 hours',
      );
    });

    it('names a few of many unknown properties, and counts the rest', async () => {
      const check: Record<string, unknown> = {};
      for (let i = 0; i < 3000; i++) check[`extra${i}`] = i;
      const res = await post(
        '/scorecards/preview',
        { scorecardId: 'golden-path-adoption', check },
        everything,
      );
      await expect400(res, 'check.extra0: is not allowed', 'more');
      expect(res.body.error.message.length).toBeLessThan(2000);
    });

    it('refuses a body over the limit with 413 and malformed JSON with 400', async () => {
      const big = await post(
        '/scaffold-events',
        { templateRef: TEMPLATE, entityRef: SHOWN, pad: 'x'.repeat(70_000) },
        service,
      );
      expect(big.status).toBe(413);
      expect(big.body.error.message).toContain('at most 65536 bytes');
      const facts = await post(
        '/facts',
        { entityRef: SHOWN, source: 'ci', facts: { pad: 'x'.repeat(70_000) } },
        service,
      );
      expect(facts.status).toBe(413);
      expect(facts.body.error.message).toContain('pavedRoad.facts.maxBytes');
      const malformed = await request(server)
        .post(api('/evaluate'))
        .set('Authorization', everything)
        .set('Content-Type', 'application/json')
        .send('{"full": tru');
      await expect400(malformed, 'not JSON');
    });

    it('refuses a body that is not JSON with 415', async () => {
      const res = await request(server)
        .post(api('/evaluate'))
        .set('Authorization', everything)
        .set('Content-Type', 'text/plain')
        .send('full=true');
      expect(res.status).toBe(415);
      expect(res.body.error.message).toContain('application/json');
    });

    it('refuses scaffold events dated in the future, before 2000 or on days that do not exist', async () => {
      const event = (createdAt: string) =>
        post(
          '/scaffold-events',
          { templateRef: TEMPLATE, entityRef: SHOWN, hoursSaved: 1, createdAt },
          service,
        );
      await expect400(await event('3026-01-01T00:00:00Z'), 'createdAt');
      await expect400(await event('0001-01-01T00:00:00Z'), 'createdAt');
      await expect400(
        await event('2026-02-30T10:00:00Z'),
        'createdAt',
        'exists',
      );
      await expect400(await event('2026-11-01T25:00:00Z'), 'createdAt');
      expect((await event('2026-11-01T10:00:00+01:00')).status).toBe(201);
    });

    it('refuses history queries that cannot be answered', async () => {
      await expect400(
        await get('/history?ref=org&scope=entity', everything),
        'ref',
      );
      await expect400(
        await get(`/history?ref=${SHOWN}&scope=group`, everything),
        'ref',
        'group',
      );
      await expect400(
        await get('/history?ref=component:default/x&scope=org', everything),
        'ref',
      );
      await expect400(
        await get(`/history?ref=${SHOWN}&from=2026-02-30`, everything),
        'from',
      );
      await expect400(
        await get(
          `/history?ref=${SHOWN}&from=2026-11-02&to=2026-11-01`,
          everything,
        ),
        'to',
      );
      expect(
        (await get(`/history?ref=${SHOWN}&scope=entity`, everything)).status,
      ).toBe(200);
    });
  });

  it('previews a pattern that backtracks exponentially in linear time', async () => {
    const pushed = await post(
      '/facts',
      {
        entityRef: SHOWN,
        source: 'redos',
        facts: { s: `${'a'.repeat(20_000)}!` },
      },
      service,
    );
    expect(pushed.status).toBe(202);
    expect(
      (await post('/evaluate', { entityRef: SHOWN }, service)).status,
    ).toBe(200);
    // A backtracking engine takes longer than the universe's age on this; RE2 answers
    // in milliseconds (a hang fails by the test's timeout).
    const res = await post(
      '/scorecards/preview',
      {
        scorecard: {
          id: 'redos',
          title: 'ReDoS',
          description: 'Backtracking',
          levels: [{ id: 'bronze', title: 'Bronze' }],
          checks: [
            {
              id: 'pattern',
              title: 'Pattern',
              description: 'Pattern',
              level: 'bronze',
              rule: { 'pushed.redos.s': { $matches: '^(a+)+$' } },
              remediation: { markdown: 'n/a' },
            },
          ],
        },
      },
      everything,
    );
    expect(res.status).toBe(200);
    expect(res.body.checks.pattern).toMatchObject({ pass: 0, fail: 1 });
  });
});
