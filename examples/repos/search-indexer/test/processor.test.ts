import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { PermanentError, type MessageHandler, type ParsedMessage } from '../src/handler';
import { InMemoryProcessedMessageStore } from '../src/idempotency';
import { backoffDelay, MessageProcessor, type Outcome } from '../src/processor';
import { startWorker } from '../src/worker';
import { FakeTransport, message } from './fake-transport';

const logger = pino({ level: 'silent' });
const DLQ = 'search-indexer.dlq';

function setup(handler: MessageHandler, maxRetries = 3) {
  const transport = new FakeTransport();
  const store = new InMemoryProcessedMessageStore();
  const sleeps: number[] = [];
  const outcomes: Outcome[] = [];
  let retries = 0;
  const processor = new MessageProcessor({
    handler,
    store,
    transport,
    dlqTopic: DLQ,
    maxRetries,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    logger,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 1, // no jitter: the delays are exact
    metrics: { recordOutcome: (o) => outcomes.push(o), recordRetry: () => retries++ },
  });
  return { transport, store, processor, sleeps, outcomes, retries: () => retries };
}

describe('MessageProcessor through the fake transport', () => {
  it('handles a message, commits it and remembers its id', async () => {
    const seen: ParsedMessage[] = [];
    const { transport, processor, store, outcomes } = setup(async (m) => {
      seen.push(m);
    });
    await startWorker(transport, processor);
    const m = message({ body: { order: 42 }, headers: { 'ce-id': 'evt-1' } });
    await transport.deliver(m);
    assert.deepEqual(seen.map((s) => s.body), [{ order: 42 }]);
    assert.equal(seen[0]?.id, 'evt-1');
    assert.deepEqual(transport.committed, [m]);
    assert.equal(await store.has('evt-1'), true);
    assert.deepEqual(outcomes, ['processed']);
  });

  it('skips a redelivered message (same ce-id) without calling the handler again', async () => {
    let calls = 0;
    const { transport, processor, outcomes } = setup(async () => {
      calls++;
    });
    await startWorker(transport, processor);
    const first = message({ headers: { 'ce-id': 'evt-dup' } });
    // The same event again, at a later offset (a producer retry) and at the same offset (a rebalance).
    await transport.deliver(first, message({ headers: { 'ce-id': 'evt-dup' } }), { ...first });
    assert.equal(calls, 1);
    assert.deepEqual(outcomes, ['processed', 'duplicate', 'duplicate']);
    assert.equal(transport.committed.length, 3);
  });

  it('without a ce-id header, de-duplicates on topic/partition/offset', async () => {
    let calls = 0;
    const { transport, processor } = setup(async () => {
      calls++;
    });
    await startWorker(transport, processor);
    const m = message();
    await transport.deliver(m, { ...m }, message());
    assert.equal(calls, 2);
  });

  it('retries a failing handler with exponential backoff, then succeeds', async () => {
    let attempts = 0;
    const { transport, processor, sleeps, outcomes, retries } = setup(async (_m, ctx) => {
      attempts++;
      assert.equal(ctx.attempt, attempts);
      if (attempts < 3) throw new Error('timeout calling the payment API');
    });
    await startWorker(transport, processor);
    await transport.deliver(message());
    assert.equal(attempts, 3);
    assert.deepEqual(sleeps, [100, 200]);
    assert.equal(retries(), 2);
    assert.deepEqual(outcomes, ['processed']);
    assert.equal(transport.sent.length, 0);
    assert.ok(transport.heartbeats >= 2, 'keeps the group membership alive while backing off');
  });

  it('dead-letters after maxRetries retries, with the reason in headers, and commits', async () => {
    let attempts = 0;
    const { transport, processor, sleeps, outcomes, store } = setup(async () => {
      attempts++;
      throw new Error('downstream 503');
    }, 3);
    await startWorker(transport, processor);
    const m = message({ key: 'order-7', headers: { 'ce-id': 'evt-7', traceparent: '00-abc-def-01' } });
    await transport.deliver(m);
    assert.equal(attempts, 4, 'one attempt plus three retries');
    assert.deepEqual(sleeps, [100, 200, 400]);
    assert.deepEqual(outcomes, ['dead_lettered']);
    assert.equal(transport.sent.length, 1);
    const dead = transport.sent[0]!;
    assert.equal(dead.topic, DLQ);
    assert.equal(dead.message.key, 'order-7');
    assert.equal(dead.message.value, m.value);
    assert.equal(dead.message.headers['x-error'], 'Error: downstream 503');
    assert.equal(dead.message.headers['x-attempts'], '4');
    assert.equal(dead.message.headers['x-original-topic'], m.topic);
    assert.equal(dead.message.headers['x-original-offset'], m.offset);
    assert.equal(dead.message.headers.traceparent, '00-abc-def-01', 'original headers are kept');
    assert.deepEqual(transport.committed, [m], 'a dead-lettered message does not block the partition');
    // Delivered again (e.g. after a rebalance): not dead-lettered twice.
    await transport.deliver({ ...m });
    assert.equal(transport.sent.length, 1);
    assert.equal(await store.has('evt-7'), true);
  });

  it('dead-letters a PermanentError at once, without retrying', async () => {
    let attempts = 0;
    const { transport, processor, sleeps } = setup(async () => {
      attempts++;
      throw new PermanentError('unknown order status "teleported"');
    });
    await startWorker(transport, processor);
    await transport.deliver(message());
    assert.equal(attempts, 1);
    assert.deepEqual(sleeps, []);
    assert.equal(transport.sent[0]?.message.headers['x-error'], 'PermanentError: unknown order status "teleported"');
  });

  it('dead-letters a message that is not JSON without calling the handler', async () => {
    let calls = 0;
    const { transport, processor } = setup(async () => {
      calls++;
    });
    await startWorker(transport, processor);
    await transport.deliver(message({ value: '{not json' }));
    assert.equal(calls, 0);
    assert.equal(transport.sent[0]?.topic, DLQ);
  });

  it('leaves the message uncommitted when the dead-letter publish fails, and succeeds on redelivery', async () => {
    const { transport, processor, store } = setup(async () => {
      throw new PermanentError('bad');
    });
    await startWorker(transport, processor);
    transport.failSends = 1;
    const m = message({ headers: { 'ce-id': 'evt-9' } });
    await transport.deliver(m);
    assert.deepEqual(transport.uncommitted, [m]);
    assert.equal(await store.has('evt-9'), false, 'not marked processed: it must come back');
    await transport.deliver({ ...m });
    assert.equal(transport.sent.length, 1);
    assert.deepEqual(transport.committed, [m]);
  });

  it('maxRetries 0 dead-letters on the first failure', async () => {
    const { transport, processor, sleeps } = setup(async () => {
      throw new Error('nope');
    }, 0);
    await startWorker(transport, processor);
    await transport.deliver(message());
    assert.deepEqual(sleeps, []);
    assert.equal(transport.sent.length, 1);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap', () => {
    const max = (r: number) => backoffDelay(r, 200, 30_000, () => 1);
    assert.deepEqual([0, 1, 2, 3, 4, 7, 8, 20].map(max), [200, 400, 800, 1600, 3200, 25_600, 30_000, 30_000]);
  });

  it('keeps at least half of the delay when jittered', () => {
    assert.equal(backoffDelay(3, 200, 30_000, () => 0), 800);
  });
});
