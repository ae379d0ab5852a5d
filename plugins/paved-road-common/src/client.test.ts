import http from 'node:http';
import { AddressInfo } from 'node:net';
import { PavedRoadClient } from './client';

describe('PavedRoadClient', () => {
  let server: http.Server;
  let baseUrl: string;
  const seen: Array<{
    method?: string;
    url?: string;
    auth?: string;
    body: string;
  }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          auth: req.headers.authorization,
          body,
        });
        res.setHeader('Content-Type', 'application/json');
        if (
          req.url?.startsWith('/api/paved-road/scaffold-events') &&
          req.method === 'GET'
        ) {
          res.end(JSON.stringify({ items: [] }));
        } else if (
          req.method === 'GET' &&
          req.url?.startsWith('/api/paved-road/entities/')
        ) {
          res.end(
            JSON.stringify({
              entity: null,
              results: [{ scorecardId: 'docs' }],
            }),
          );
        } else if (req.url === '/api/paved-road/scorecards') {
          res.end(
            JSON.stringify({
              scorecards: [{ id: 'docs' }, { id: 'golden-path-adoption' }],
            }),
          );
        } else if (
          req.method === 'GET' &&
          /^\/api\/paved-road\/(results|aggregates|history)/.test(req.url ?? '')
        ) {
          res.end(JSON.stringify({ ok: true }));
        } else if (
          req.url?.startsWith('/api/paved-road/upgrade') ||
          req.url?.startsWith('/api/paved-road/template-releases')
        ) {
          res.statusCode = req.method === 'POST' ? 201 : 200;
          res.end(JSON.stringify({ items: [], totalItems: 0, id: 'run-1' }));
        } else if (req.url === '/api/paved-road/evaluate') {
          res.end(JSON.stringify({ mode: 'full', scanned: 2, evaluated: 2 }));
        } else if (req.method === 'POST') {
          res.statusCode = 400;
          res.end(
            JSON.stringify({
              error: { name: 'InputError', message: 'templateRef is required' },
              request: { method: 'POST', url: req.url },
              response: { statusCode: 400 },
            }),
          );
        } else {
          res.statusCode = 404;
          res.end('{}');
        }
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/paved-road`;
  });

  afterAll(() => new Promise(resolve => server.close(resolve)));

  const client = () =>
    new PavedRoadClient({ discoveryApi: { getBaseUrl: async () => baseUrl } });

  it('builds query strings and parses responses', async () => {
    await expect(
      client().listScaffoldEvents({
        templateRef: 'template:default/api-service',
        limit: 5,
      }),
    ).resolves.toEqual({ items: [] });
    expect(seen.at(-1)?.url).toBe(
      '/api/paved-road/scaffold-events?templateRef=template%3Adefault%2Fapi-service&limit=5',
    );
  });

  it('sends the token and surfaces server errors as ResponseError', async () => {
    await expect(
      client().recordScaffoldEvent(
        { templateRef: '', entityRef: 'component:default/x', hoursSaved: 1 },
        { token: 'abc' },
      ),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 400,
      cause: { message: 'templateRef is required' },
    });
    expect(seen.at(-1)?.auth).toBe('Bearer abc');
  });

  it('calls the scorecard endpoints', async () => {
    // The entity's results, with the definitions of the scorecards they refer to.
    await expect(
      client().getEntityScorecards('component:default/orders-api'),
    ).resolves.toEqual({
      entity: null,
      results: [{ scorecardId: 'docs' }],
      scorecards: [{ id: 'docs' }],
    });
    expect(seen.slice(-2).map(r => r.url)).toEqual(
      expect.arrayContaining([
        '/api/paved-road/entities/component/default/orders-api/scorecards',
        '/api/paved-road/scorecards',
      ]),
    );
    await client().getEntityScorecards({ kind: 'Component', name: 'x' });
    expect(seen.slice(-2).map(r => r.url)).toContain(
      '/api/paved-road/entities/component/default/x/scorecards',
    );
    await client().listResults({
      scorecard: 'golden-path-adoption',
      owner: 'group:default/commerce',
      limit: 10,
      offset: undefined,
    });
    expect(seen.at(-1)?.url).toBe(
      '/api/paved-road/results?scorecard=golden-path-adoption&owner=group%3Adefault%2Fcommerce&limit=10',
    );
    await client().getAggregates();
    expect(seen.at(-1)?.url).toBe('/api/paved-road/aggregates');
    await client().getAggregates({
      kind: 'component',
      lifecycle: 'production',
    });
    expect(seen.at(-1)?.url).toBe(
      '/api/paved-road/aggregates?kind=component&lifecycle=production',
    );
    await client().getHistory({ ref: 'org', from: '2026-01-01' });
    expect(seen.at(-1)?.url).toBe(
      '/api/paved-road/history?ref=org&from=2026-01-01',
    );
  });

  it('asks for an evaluation pass', async () => {
    await expect(client().evaluate({ full: true })).resolves.toMatchObject({
      mode: 'full',
      evaluated: 2,
    });
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/api/paved-road/evaluate',
      body: '{"full":true}',
    });
  });

  it('records and reads upgrade runs and requests', async () => {
    await expect(
      client().recordUpgradeRun(
        {
          templateRef: 'template:default/api-service',
          toVersion: '2.4.0',
          scope: { owner: 'group:default/orders' },
          results: [
            {
              entityRef: 'component:default/orders-api',
              fromVersion: '2.3.0',
              outcome: 'opened',
              url: 'https://github.com/acme/orders-api/pull/7',
            },
          ],
        },
        { token: 'svc' },
      ),
    ).resolves.toMatchObject({ id: 'run-1' });
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/api/paved-road/upgrade-runs',
      auth: 'Bearer svc',
    });
    expect(JSON.parse(seen.at(-1)!.body)).toMatchObject({
      toVersion: '2.4.0',
      results: [{ outcome: 'opened' }],
    });

    await client().listUpgradeRuns({
      templateRef: 'template:default/api-service',
      limit: 5,
    });
    expect(seen.at(-1)?.url).toBe(
      '/api/paved-road/upgrade-runs?templateRef=template%3Adefault%2Fapi-service&limit=5',
    );
    await client().listUpgradeRuns();
    expect(seen.at(-1)?.url).toBe('/api/paved-road/upgrade-runs');
    await client().getUpgradeRun('0b5e6c1e-2a4f-4b8e-9a43-6f1e0c6f2d11');
    expect(seen.at(-1)?.url).toBe(
      '/api/paved-road/upgrade-runs/0b5e6c1e-2a4f-4b8e-9a43-6f1e0c6f2d11',
    );
    await expect(
      client().listUpgrades({
        entityRef: 'component:default/orders-api',
        status: 'conflicted',
        templateRef: undefined,
      }),
    ).resolves.toEqual(expect.objectContaining({ items: [], totalItems: 0 }));
    expect(seen.at(-1)?.url).toBe(
      '/api/paved-road/upgrades?entityRef=component%3Adefault%2Forders-api&status=conflicted',
    );
    await client().getUpgradeSummary();
    expect(seen.at(-1)?.url).toBe('/api/paved-road/upgrades/summary');
    await client().listTemplateReleases();
    expect(seen.at(-1)?.url).toBe('/api/paved-road/template-releases');
    await client().listTemplateReleases({
      templateRef: 'template:default/api-service',
    });
    expect(seen.at(-1)?.url).toBe(
      '/api/paved-road/template-releases?templateRef=template%3Adefault%2Fapi-service',
    );
  });
});
