import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../src/config';
import { createHealthServer, Liveness } from '../src/health';
import { KafkaTransport, type KafkaTransportOptions } from '../src/kafka-transport';
import { ApiKey, ErrorCode, FakeKafkaBroker } from './fake-kafka-broker/broker';

/*
 * The real KafkaTransport and the real Kafka client (@platformatic/kafka) against
 * FakeKafkaBroker, a broker we control that speaks the Kafka protocol: the client itself
 * produces the connection errors, exhausted retries and protocol errors a broker restart,
 * a rebalance or an ACL mistake causes.
 */

const TOPIC = 'transport-test.events.v1';
const GROUP = 'transport-test-worker';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface LogLine {
  level: string;
  message: string;
  reason?: string;
  err?: { message?: string };
  kafkaErrors?: string[];
}

/**
 * Short client timeouts and retries, so that the client gives up (and the consumer stops)
 * within a second. Its retries nest (joining the group retries finding the coordinator,
 * which retries its own requests), so one retry here is already four attempts.
 */
const FAST: KafkaTransportOptions = {
  restartBaseDelayMs: 50,
  restartMaxDelayMs: 300,
  kafka: { connectTimeout: 300, requestTimeout: 2_000, retries: 1, retryDelay: 50 },
};

function setup(
  t: TestContext,
  broker: FakeKafkaBroker,
  options: { liveness?: Liveness; unknownTopicGraceMs?: number; env?: Record<string, string> } = {},
) {
  // The worker must never exit on its own here; fatal errors are recorded instead.
  const exits: Array<number | undefined> = [];
  t.mock.method(process, 'exit', (code?: number) => {
    exits.push(code);
  });
  const logs: LogLine[] = [];
  const logger = pino(
    { level: 'info', messageKey: 'message', formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => logs.push(JSON.parse(line) as LogLine) },
  );
  const config = {
    ...loadConfig({
      KAFKA_BROKERS: broker.address,
      KAFKA_TLS: 'false',
      KAFKA_TOPIC: TOPIC,
      KAFKA_CONSUMER_GROUP: GROUP,
      ...options.env,
    }),
    unknownTopicGraceMs: options.unknownTopicGraceMs ?? 60_000,
  };
  const transport = new KafkaTransport(config, logger, { ...FAST, liveness: options.liveness });
  const seen: unknown[] = [];
  const started = transport.start(async (message) => {
    seen.push(JSON.parse(message.value ?? 'null'));
  });
  const stop = async () => {
    await transport.stop();
    await started;
    await broker.close();
  };
  return { transport, logs, exits, seen, started, stop };
}

/** The Kafka error codes of each routine error the consumer was restarted on. */
const restartedOn = (logs: LogLine[]) =>
  logs.filter((l) => l.message === 'Kafka consumer stopped on a routine error: restarting it').flatMap((l) => l.kafkaErrors ?? []);

describe('KafkaTransport through routine broker trouble', () => {
  it('keeps consuming through a broker restart, a moving coordinator and rebalances', async (t) => {
    const broker = await FakeKafkaBroker.start();
    broker.createTopic(TOPIC);
    broker.down(); // restarting when the worker starts
    const liveness = new Liveness(1_000);
    const { transport, logs, exits, seen, started, stop } = setup(t, broker, { liveness });
    try {
      // The client cannot connect: network errors, its retries run out, over and over.
      for (let i = 0; i < 100 && transport.restarts < 2; i++) {
        await sleep(100);
        assert.ok(liveness.isAlive(), 'reconnecting is the consume loop working: liveness holds');
      }
      assert.equal(transport.isReady(), false);
      assert.ok(transport.restarts >= 2, `restarted ${transport.restarts} times`);
      assert.ok(restartedOn(logs).includes('PLT_KFK_NETWORK'), JSON.stringify(restartedOn(logs)));

      // The broker is back, but the group coordinator moves for longer than the client
      // retries, the group is rebalancing, and the partition's leader is being elected.
      broker.failNext(ApiKey.FindCoordinator, ErrorCode.NOT_COORDINATOR, 4);
      broker.failNext(ApiKey.JoinGroup, ErrorCode.REBALANCE_IN_PROGRESS, 2);
      broker.failNext(ApiKey.Metadata, ErrorCode.LEADER_NOT_AVAILABLE, 1);
      broker.up();
      await started;
      assert.equal(broker.pendingFaults(), 0);
      assert.ok(restartedOn(logs).includes('NOT_COORDINATOR'), JSON.stringify(restartedOn(logs)));

      broker.produce(TOPIC, { n: 1 });
      await waitFor('message 1', () => seen.length === 1);
      await waitFor('offset 1 committed', () => broker.committed.get(`${TOPIC}/0`) === 1n);
      assert.ok(transport.isReady());

      // Another member joins: the group rebalances, this one re-joins in a new generation,
      // in the background: a rebalance does not restart the consumer.
      const { generation } = broker.group;
      const restarts = transport.restarts;
      broker.failNext(ApiKey.Heartbeat, ErrorCode.REBALANCE_IN_PROGRESS, 1);
      await waitFor('a new generation', () => broker.group.generation > generation);
      broker.produce(TOPIC, { n: 2 });
      await waitFor('offset 2 committed', () => broker.committed.get(`${TOPIC}/0`) === 2n);
      assert.equal(transport.restarts, restarts);

      // The broker restarts while the worker consumes, and the coordinator answers late.
      broker.down();
      await sleep(700);
      assert.ok(liveness.isAlive());
      broker.failNext(ApiKey.Heartbeat, ErrorCode.NOT_COORDINATOR, 1);
      broker.failNext(ApiKey.Fetch, ErrorCode.NOT_LEADER_OR_FOLLOWER, 2);
      broker.up();
      broker.produce(TOPIC, { n: 3 });
      await waitFor('message 3', () => seen.some((m) => JSON.stringify(m) === '{"n":3}'));
      await waitFor('offset 3 committed', () => broker.committed.get(`${TOPIC}/0`) === 3n);
      // At least once: a message whose commit the restart interrupted may come again.
      assert.deepEqual([...new Set(seen.map((m) => JSON.stringify(m)))], ['{"n":1}', '{"n":2}', '{"n":3}']);
      assert.deepEqual(exits, [], 'the worker never exited');
      assert.ok(!logs.some((l) => l.level === 'fatal'));
      assert.deepEqual(broker.protocolErrors, []);
    } finally {
      await stop();
    }
  });

  it('waits for a topic that does not exist yet, during the grace period', async (t) => {
    const broker = await FakeKafkaBroker.start();
    const { transport, exits, seen, started, stop } = setup(t, broker, { unknownTopicGraceMs: 30_000 });
    try {
      await waitFor('a restart on UNKNOWN_TOPIC_OR_PARTITION', () => transport.restarts >= 2);
      broker.produce(TOPIC, { n: 1 }); // terraform created the topic
      await started;
      await waitFor('message', () => seen.length === 1);
      assert.deepEqual(exits, []);
    } finally {
      await stop();
    }
  });
});

describe('KafkaTransport on fatal errors', () => {
  for (const [name, arrange] of [
    ['GROUP_AUTHORIZATION_FAILED', (b: FakeKafkaBroker) => b.failNext(ApiKey.JoinGroup, ErrorCode.GROUP_AUTHORIZATION_FAILED)],
    ['TOPIC_AUTHORIZATION_FAILED', (b: FakeKafkaBroker) => b.failNext(ApiKey.Metadata, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 20)],
  ] as const) {
    it(`exits non-zero on ${name}, logging which`, async (t) => {
      const broker = await FakeKafkaBroker.start();
      broker.createTopic(TOPIC);
      arrange(broker);
      const { transport, logs, exits, started, stop } = setup(t, broker);
      try {
        await started;
        assert.deepEqual(exits, [1]);
        assert.equal(transport.restarts, 0, 'no restart: restarting cannot fix an ACL');
        const fatal = logs.find((l) => l.level === 'fatal');
        assert.equal(fatal?.reason, name);
        assert.match(fatal?.message ?? '', new RegExp(name));
      } finally {
        await stop();
      }
    });
  }

  it('exits non-zero when the topic still does not exist after the grace period', async (t) => {
    const broker = await FakeKafkaBroker.start();
    const { exits, logs, started, stop, transport } = setup(t, broker, { unknownTopicGraceMs: 1_000 });
    try {
      await sleep(500);
      assert.deepEqual(exits, [], 'not within the grace period');
      await started;
      assert.deepEqual(exits, [1]);
      assert.ok(transport.restarts >= 1);
      assert.match(logs.find((l) => l.level === 'fatal')?.reason ?? '', /UNKNOWN_TOPIC_OR_PARTITION: topic transport-test\.events\.v1/);
    } finally {
      await stop();
    }
  });
});

describe('liveness', () => {
  it('/healthz follows the consume loop: healthy while idle, 503 while it is stuck, healthy again after', async (t) => {
    const broker = await FakeKafkaBroker.start();
    broker.createTopic(TOPIC);
    const liveness = new Liveness(1_000);
    const exits: unknown[] = [];
    t.mock.method(process, 'exit', (code?: number) => exits.push(code));
    const transport = new KafkaTransport(
      { ...loadConfig({ KAFKA_BROKERS: broker.address, KAFKA_TLS: 'false', KAFKA_TOPIC: TOPIC, KAFKA_CONSUMER_GROUP: GROUP }) },
      pino({ level: 'silent' }),
      { ...FAST, liveness },
    );
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: unknown[] = [];
    const server = createHealthServer(() => transport.isReady(), liveness).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const healthz = async () => {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`);
      return { status: res.status, body: (await res.json()) as { status: string; last_heartbeat_seconds_ago: number } };
    };
    try {
      await transport.start(async (message) => {
        handled.push(message.offset);
        if (message.offset === '0') await gate; // a handler that never returns
      });
      // Idle: nothing to consume, but the client keeps fetching (every maxWaitTime) and heartbeating.
      for (let i = 0; i < 10; i++) {
        assert.equal((await healthz()).status, 200);
        await sleep(100);
      }
      broker.produce(TOPIC, { stuck: true });
      await waitFor('the stuck message', () => handled.length === 1);
      await sleep(1_500);
      const stalled = await healthz();
      assert.equal(stalled.status, 503);
      assert.equal(stalled.body.status, 'stalled');
      assert.ok(stalled.body.last_heartbeat_seconds_ago >= 1);
      release();
      await waitFor('offset committed', () => broker.committed.get(`${TOPIC}/0`) === 1n);
      assert.equal((await healthz()).status, 200);
      assert.deepEqual(exits, []);
    } finally {
      release();
      server.close();
      await transport.stop();
      await broker.close();
    }
  });
});

describe('stop', () => {
  it('finishes the message in hand, commits its offset and leaves the group', async (t) => {
    const broker = await FakeKafkaBroker.start();
    broker.createTopic(TOPIC);
    t.mock.method(process, 'exit', () => assert.fail('the worker must not exit'));
    const transport = new KafkaTransport(
      loadConfig({ KAFKA_BROKERS: broker.address, KAFKA_TLS: 'false', KAFKA_TOPIC: TOPIC, KAFKA_CONSUMER_GROUP: GROUP }),
      pino({ level: 'silent' }),
      FAST,
    );
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    try {
      await transport.start(async (message) => {
        handled.push(message.offset);
        await gate;
      });
      broker.produce(TOPIC, { n: 1 });
      broker.produce(TOPIC, { n: 2 });
      await waitFor('the first message in hand', () => handled.length === 1);
      const stopping = transport.stop(); // SIGTERM
      await sleep(300);
      assert.equal(broker.committed.get(`${TOPIC}/0`), undefined, 'nothing committed before the handler returns');
      assert.ok(broker.group.memberId, 'still in the group');
      release();
      await stopping;
      assert.deepEqual(handled, ['0'], 'no message taken after stop()');
      assert.equal(broker.committed.get(`${TOPIC}/0`), 1n);
      assert.equal(broker.group.memberId, undefined, 'left the group');
      assert.equal(transport.isReady(), false);
    } finally {
      release();
      await broker.close();
    }
  });
});

function openssl(): string | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return 'openssl';
  } catch {
    return undefined;
  }
}

describe('KAFKA_CA_FILE', { skip: openssl() ? false : 'needs the openssl command to make a test CA' }, () => {
  it('trusts the CA in KAFKA_CA_FILE for TLS to the brokers; without it, the worker cannot connect', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-ca-'));
    const cert = join(dir, 'ca.crt');
    const key = join(dir, 'broker.key');
    // A self-signed certificate for 127.0.0.1, like an in-cluster CA no public CA signs.
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=kafka-test-ca', '-addext',
        'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
      { stdio: 'ignore' },
    );
    const broker = await FakeKafkaBroker.start({ tls: { cert: readFileSync(cert), key: readFileSync(key) } });
    broker.createTopic(TOPIC);
    try {
      // Without KAFKA_CA_FILE: the system trust store rejects the broker's certificate.
      const untrusting = setup(t, broker, { env: { KAFKA_TLS: 'true' } });
      await waitFor('a failed TLS connection', () => untrusting.transport.restarts >= 1);
      assert.equal(untrusting.transport.isReady(), false);
      await untrusting.transport.stop();

      const trusting = setup(t, broker, { env: { KAFKA_TLS: 'true', KAFKA_CA_FILE: cert } });
      await trusting.started;
      broker.produce(TOPIC, { over: 'tls' });
      await waitFor('message over TLS', () => trusting.seen.length === 1);
      assert.deepEqual(trusting.exits, []);
      await trusting.transport.stop();
    } finally {
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
