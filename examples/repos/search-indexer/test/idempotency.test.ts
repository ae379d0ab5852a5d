import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryProcessedMessageStore } from '../src/idempotency';

describe('InMemoryProcessedMessageStore', () => {
  it('remembers processed ids', async () => {
    const store = new InMemoryProcessedMessageStore();
    assert.equal(await store.has('a'), false);
    await store.markProcessed('a');
    assert.equal(await store.has('a'), true);
  });

  it('forgets the oldest ids beyond its bound', async () => {
    const store = new InMemoryProcessedMessageStore(2);
    await store.markProcessed('a');
    await store.markProcessed('b');
    await store.markProcessed('c');
    assert.equal(store.size, 2);
    assert.equal(await store.has('a'), false);
    assert.equal(await store.has('c'), true);
  });
});
