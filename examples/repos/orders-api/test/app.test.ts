import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { createApp, type ReadinessCheck } from '../src/app';
import { loadConfig } from '../src/config';
import { InMemoryEventPublisher } from '../src/events';

const silent = pino({ level: 'silent' });

async function start(readinessChecks: ReadinessCheck[] = [], events = new InMemoryEventPublisher()) {
  const app = createApp({ logger: silent, readinessChecks, readinessTimeoutMs: 200, events });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('probes', () => {
  it('/healthz answers 200 without running readiness checks', async () => {
    let called = false;
    const svc = await start([{ name: 'db', check: async () => { called = true; throw new Error('down'); } }]);
    try {
      const res = await fetch(`${svc.url}/healthz`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'ok' });
      assert.equal(called, false);
    } finally {
      await svc.close();
    }
  });

  it('/readyz is 200 when every check passes', async () => {
    const svc = await start([{ name: 'db', check: async () => undefined }]);
    try {
      const res = await fetch(`${svc.url}/readyz`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'ready', checks: { db: 'ok' } });
    } finally {
      await svc.close();
    }
  });

  it('/readyz is 503 and names the failing check', async () => {
    const svc = await start([
      { name: 'db', check: async () => undefined },
      { name: 'cache', check: async () => { throw new Error('connection refused'); } },
    ]);
    try {
      const res = await fetch(`${svc.url}/readyz`);
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { status: 'not ready', checks: { db: 'ok', cache: 'failed' } });
    } finally {
      await svc.close();
    }
  });

  it('/readyz is 503 once shutdown has begun, without running the checks', async () => {
    let called = false;
    const app = createApp({
      logger: silent,
      readinessChecks: [{ name: 'db', check: async () => { called = true; } }],
      isShuttingDown: () => true,
      events: new InMemoryEventPublisher(),
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { status: 'stopping', checks: {} });
      assert.equal(called, false);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('/readyz fails a check that hangs instead of hanging itself', async () => {
    const svc = await start([{ name: 'slow', check: () => new Promise<void>(() => undefined) }]);
    try {
      const res = await fetch(`${svc.url}/readyz`);
      assert.equal(res.status, 503);
    } finally {
      await svc.close();
    }
  });
});

describe('GET /v1/greetings/:name', () => {
  let svc: Awaited<ReturnType<typeof start>>;
  const events = new InMemoryEventPublisher();
  before(async () => { svc = await start([], events); });
  after(async () => { await svc.close(); });

  it('greets', async () => {
    const res = await fetch(`${svc.url}/v1/greetings/Ada`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { message: 'Hello, Ada!' });
    assert.equal(events.published.length, 1);
    assert.equal(events.published[0]?.type, 'greeting.created');
    assert.equal(events.published[0]?.key, 'Ada');
  });

  it('rejects an invalid name with 400', async () => {
    const res = await fetch(`${svc.url}/v1/greetings/${encodeURIComponent('<script>')}`);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_name');
  });

  it('answers unknown paths with a JSON 404', async () => {
    const res = await fetch(`${svc.url}/nope`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'not_found' });
  });
});

describe('when publishing fails', () => {
  it('answers 500 without leaking the error', async () => {
    const failing = new InMemoryEventPublisher();
    failing.failWith = new Error('broker unavailable');
    const svc = await start([], failing);
    try {
      const res = await fetch(`${svc.url}/v1/greetings/Ada`);
      assert.equal(res.status, 500);
      assert.deepEqual(await res.json(), { error: 'internal_error' });
    } finally {
      await svc.close();
    }
  });
});

describe('loadConfig', () => {
  it('uses defaults', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://localhost/db' });
    assert.equal(config.port, 8080);
    assert.equal(config.logLevel, 'info');
    // Within terminationGracePeriodSeconds (30 s) minus the preStop sleep (5 s).
    assert.equal(config.shutdownTimeoutMs, 20_000);
  });

  it('rejects a malformed PORT', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'postgres://localhost/db' }), /PORT must be/);
  });

  it('requires DATABASE_URL', () => {
    assert.throws(() => loadConfig({}), /DATABASE_URL is required/);
  });

  it('cancels request queries after 30 s unless DATABASE_STATEMENT_TIMEOUT_MS says otherwise', () => {
    const url = 'postgres://localhost/db';
    assert.equal(loadConfig({ DATABASE_URL: url }).databaseStatementTimeoutMs, 30_000);
    assert.equal(loadConfig({ DATABASE_URL: url, DATABASE_STATEMENT_TIMEOUT_MS: '5000' }).databaseStatementTimeoutMs, 5_000);
    assert.throws(() => loadConfig({ DATABASE_URL: url, DATABASE_STATEMENT_TIMEOUT_MS: 'soon' }), /DATABASE_STATEMENT_TIMEOUT_MS/);
  });
});
