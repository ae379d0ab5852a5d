import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { gracefulShutdown } from '../src/shutdown';

const silent = pino({ level: 'silent' });

interface Answer {
  status: number;
  connection: string | undefined;
  socket: Socket;
}

/** A GET on its own keep-alive connection. */
function get(port: number, path: string): Promise<Answer> {
  const agent = new http.Agent({ keepAlive: true });
  return new Promise((resolve, reject) => {
    let socket: Socket;
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, socket }));
    });
    req.on('socket', (s) => (socket = s));
    req.on('error', reject);
  });
}

/** A server whose /slow requests wait for `release()`. */
async function slowServer() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const slowArrived = new Promise<void>((resolve) => (arrived = resolve));
  const server = http.createServer(async (req, res) => {
    if (req.url === '/slow') {
      arrived();
      await released;
    }
    res.end('ok');
  });
  server.keepAliveTimeout = 65_000;
  return { server, release, slowArrived };
}

async function listen(server: http.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

describe('gracefulShutdown', () => {
  it('closes idle keep-alive connections, answers the request in flight with Connection: close, then closes and flushes', async () => {
    const { server, release, slowArrived } = await slowServer();
    const order: string[] = [];
    const shutdown = gracefulShutdown(server, {
      logger: silent,
      timeoutMs: 5_000,
      closers: [{ name: 'database', close: async () => void order.push('database') }],
      flush: async () => void order.push('flush'),
    });
    const port = await listen(server);

    const idle = await get(port, '/fast');
    assert.notEqual(idle.connection, 'close');
    const slow = get(port, '/slow');
    await slowArrived;

    const stopped = shutdown.stop('SIGTERM');
    assert.equal(shutdown.stopping, true);
    await once(idle.socket, 'close');
    assert.deepEqual(order, [], 'nothing is closed while a request is in flight');

    release();
    const answer = await slow;
    assert.equal(answer.status, 200);
    assert.equal(answer.connection, 'close');
    assert.equal(await stopped, true);
    assert.deepEqual(order, ['database', 'flush']);
    assert.equal(server.listening, false);
  });

  it('gives up on a request that outlives the drain deadline, and still closes and flushes', async () => {
    const { server, slowArrived } = await slowServer();
    const order: string[] = [];
    const shutdown = gracefulShutdown(server, {
      logger: silent,
      timeoutMs: 400,
      closers: [{ name: 'database', close: async () => void order.push('database') }],
      flush: async () => void order.push('flush'),
    });
    const port = await listen(server);
    const slow = get(port, '/slow').catch((err: Error) => err);
    await slowArrived;

    const started = Date.now();
    assert.equal(await shutdown.stop('SIGTERM'), false);
    assert.ok(Date.now() - started < 1_000);
    assert.ok((await slow) instanceof Error, 'the connection of the abandoned request is closed');
    assert.deepEqual(order, ['database', 'flush']);
  });
});
