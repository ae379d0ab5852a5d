import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Producer } from 'kafkajs';
import { pino } from 'pino';
import { createEventPublisher, envelope, InMemoryEventPublisher, KafkaEventPublisher } from '../src/events';

describe('envelope', () => {
  it('adds a unique id, the source and the time', () => {
    const now = new Date('2026-01-02T03:04:05Z');
    const a = envelope({ type: 'greeting.created', key: 'k', data: {} }, 'svc', now);
    const b = envelope({ type: 'greeting.created', key: 'k', data: {} }, 'svc', now);
    assert.notEqual(a.id, b.id);
    assert.equal(a.source, 'svc');
    assert.equal(a.time, '2026-01-02T03:04:05.000Z');
    assert.equal(a.specversion, '1.0');
  });
});

describe('KafkaEventPublisher', () => {
  it('sends the envelope keyed by the event key with acks from all replicas', async () => {
    const sent: unknown[] = [];
    const producer = { send: async (record: unknown) => { sent.push(record); return []; } } as unknown as Producer;
    const publisher = new KafkaEventPublisher(producer, 'orders.events');
    const e = await publisher.publish({ type: 'greeting.created', key: 'Ada', data: { name: 'Ada' } });
    const record = sent[0] as { topic: string; acks: number; messages: Array<{ key: string; value: string; headers: Record<string, string> }> };
    assert.equal(record.topic, 'orders.events');
    assert.equal(record.acks, -1);
    assert.equal(record.messages[0]?.key, 'Ada');
    assert.equal(JSON.parse(record.messages[0]?.value ?? '{}').id, e.id);
    assert.equal(record.messages[0]?.headers['ce-id'], e.id);
  });
});

describe('createEventPublisher', () => {
  it('falls back to memory when no brokers are configured', async () => {
    const publisher = await createEventPublisher(
      { kafkaBrokers: [], kafkaTopic: 't', kafkaClientId: 'c', kafkaTls: true },
      pino({ level: 'silent' }),
    );
    assert.ok(publisher instanceof InMemoryEventPublisher);
  });
});
