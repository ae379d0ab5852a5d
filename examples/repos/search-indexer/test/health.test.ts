import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config';
import { createHealthServer } from '../src/health';

describe('health endpoints', () => {
  it('/healthz is 200; /readyz follows the consumer state', async () => {
    let ready = false;
    const server = createHealthServer(() => ready).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
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
    assert.equal(config.topic, 'catalog.item-changed');
    assert.equal(config.consumerGroup, 'search-indexer');
    assert.equal(config.dlqTopic, 'search-indexer.dlq');
    assert.equal(config.maxRetries, 5);
    assert.equal(config.kafkaTls, true);
  });

  it('requires brokers', () => {
    assert.throws(() => loadConfig({}), /KAFKA_BROKERS is required/);
  });
});
