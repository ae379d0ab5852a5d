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
});
