import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { CachedJsonBody } from './cachedJson';

function app(version: () => string, build: () => Promise<string>) {
  const body = new CachedJsonBody();
  const server = express();
  // As in Backstage's root router: compression in front of every plugin router.
  server.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).compression(),
  );
  server.get('/aggregates', (req, res, next) => {
    body.send(req, res, version(), build).catch(next);
  });
  return server;
}

describe('CachedJsonBody', () => {
  it('serialises once per version, compresses once, and answers 304 to a matching ETag', async () => {
    let version = 'v1';
    let builds = 0;
    const server = app(
      () => version,
      async () => {
        builds += 1;
        return JSON.stringify({ version, padding: 'x'.repeat(5000) });
      },
    );

    const responses = await Promise.all(
      [1, 2, 3].map(() =>
        request(server)
          .get('/aggregates')
          .set('Accept-Encoding', 'gzip')
          .buffer(true)
          .parse((res, done) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => done(null, Buffer.concat(chunks)));
          }),
      ),
    );
    expect(builds).toBe(1);
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBe('gzip');
      expect(response.headers['content-type']).toMatch(/application\/json/);
      // The client undoes one gzip: JSON here means it was compressed exactly once.
      expect(JSON.parse(response.body.toString()).version).toBe('v1');
    }
    const etag = responses[0].headers.etag;
    expect(etag).toMatch(/^".+"$/);

    const identity = await request(server)
      .get('/aggregates')
      .set('Accept-Encoding', 'identity');
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body.version).toBe('v1');

    const notModified = await request(server)
      .get('/aggregates')
      .set('If-None-Match', etag);
    expect(notModified.status).toBe(304);
    expect(builds).toBe(1);

    version = 'v2';
    const changed = await request(server)
      .get('/aggregates')
      .set('If-None-Match', etag);
    expect(changed.status).toBe(200);
    expect(changed.body.version).toBe('v2');
    expect(changed.headers.etag).not.toBe(etag);
    expect(builds).toBe(2);
  });

  it('passes a failed build on as the request error and builds again next time', async () => {
    let fail = true;
    const server = app(
      () => 'v1',
      async () => {
        if (fail) throw new Error('stored aggregates unreadable');
        return '{"ok":true}';
      },
    );
    const failed = await request(server).get('/aggregates');
    expect(failed.status).toBe(500);
    fail = false;
    const ok = await request(server).get('/aggregates');
    expect(ok.body).toEqual({ ok: true });
  });
});
