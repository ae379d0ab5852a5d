import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config';
import { createHealthServer, Liveness } from '../src/health';

describe('health endpoints', () => {
  it('/healthz follows the consume loop heartbeat; /readyz follows the consumer state', async () => {
    let ready = false;
    let now = 1_000_000;
    const liveness = new Liveness(60_000, () => now);
    const server = createHealthServer(() => ready, liveness).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      now += 60_000;
      assert.equal((await fetch(`${url}/healthz`)).status, 200, 'exactly the threshold is still alive');
      now += 1;
      const stalled = await fetch(`${url}/healthz`);
      assert.equal(stalled.status, 503);
      assert.deepEqual(await stalled.json(), { status: 'stalled', last_heartbeat_seconds_ago: 60, max_age_seconds: 60 });
      liveness.beat();
      assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), {
        status: 'ok',
        last_heartbeat_seconds_ago: 0,
        max_age_seconds: 60,
      });
      assert.equal((await fetch(`${url}/readyz`)).status, 503);
      ready = true;
      assert.equal((await fetch(`${url}/readyz`)).status, 200);
      assert.equal((await fetch(`${url}/other`)).status, 404);
    } finally {
      server.close();
    }
  });
});

describe('loadConfig', () => {
  it('reads the golden-path defaults', () => {
    const config = loadConfig({ KAFKA_BROKERS: 'a:9093, b:9093' });
    assert.deepEqual(config.kafkaBrokers, ['a:9093', 'b:9093']);
    assert.equal(config.topic, '${{ values.topic }}');
    assert.equal(config.consumerGroup, '${{ values.consumerGroup }}');
    assert.equal(config.dlqTopic, '${{ values.consumerGroup }}.dlq');
    assert.equal(config.maxRetries, ${{ values.maxRetries }});
    assert.equal(config.kafkaTls, true);
    assert.equal(config.kafkaCa, undefined, 'the system trust store unless KAFKA_CA_FILE is set');
    assert.equal(config.livenessMaxAgeMs, 60_000);
    assert.equal(config.unknownTopicGraceMs, 300_000);
  });

  it('reads LIVENESS_MAX_AGE_SECONDS and KAFKA_UNKNOWN_TOPIC_GRACE_SECONDS', () => {
    const config = loadConfig({ KAFKA_BROKERS: 'a:9093', LIVENESS_MAX_AGE_SECONDS: '90', KAFKA_UNKNOWN_TOPIC_GRACE_SECONDS: '0' });
    assert.equal(config.livenessMaxAgeMs, 90_000);
    assert.equal(config.unknownTopicGraceMs, 0);
    assert.throws(() => loadConfig({ KAFKA_BROKERS: 'a:9093', LIVENESS_MAX_AGE_SECONDS: '0' }), /LIVENESS_MAX_AGE_SECONDS/);
  });

  it('fails at start-up, naming KAFKA_CA_FILE and the path, when the CA file is unusable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-ca-config-'));
    try {
      const missing = join(dir, 'missing.crt');
      assert.throws(
        () => loadConfig({ KAFKA_BROKERS: 'a:9093', KAFKA_CA_FILE: missing }),
        (err: Error) => err.message.startsWith(`KAFKA_CA_FILE=${missing} cannot be read: ENOENT`),
      );
      const notPem = join(dir, 'ca.crt');
      writeFileSync(notPem, 'not a certificate\n');
      assert.throws(
        () => loadConfig({ KAFKA_BROKERS: 'a:9093', KAFKA_CA_FILE: notPem }),
        new RegExp(`KAFKA_CA_FILE=${notPem} holds no PEM certificate`),
      );
      writeFileSync(notPem, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
      assert.throws(
        () => loadConfig({ KAFKA_BROKERS: 'a:9093', KAFKA_CA_FILE: notPem }),
        new RegExp(`KAFKA_CA_FILE=${notPem}: certificate 1 is invalid`),
      );
      assert.throws(
        () => loadConfig({ KAFKA_BROKERS: 'a:9093', KAFKA_TLS: 'false', KAFKA_CA_FILE: notPem }),
        /KAFKA_CA_FILE is set but KAFKA_TLS=false/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('requires brokers', () => {
    assert.throws(() => loadConfig({}), /KAFKA_BROKERS is required/);
  });
});
