import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createTask, InMemoryWorkSource, type WorkItem } from '../src/task';

const logger = pino({ level: 'silent' });
const items = (n: number, bad: number[] = []): WorkItem[] =>
  Array.from({ length: n }, (_, i) => ({ id: `i${i}`, payload: { amount: bad.includes(i) ? -1 : i } }));

describe('example task', () => {
  it('processes every item across batches and completes', async () => {
    const source = new InMemoryWorkSource(items(7));
    const result = await createTask(source, 3)({ signal: new AbortController().signal, logger });
    assert.deepEqual(result, { processed: 7, failed: 0, complete: true });
    assert.equal(source.done.size, 7);
  });

  it('records failed items and carries on with the rest', async () => {
    const source = new InMemoryWorkSource(items(5, [1, 3]));
    const result = await createTask(source, 2)({ signal: new AbortController().signal, logger });
    assert.deepEqual(result, { processed: 3, failed: 2, complete: true });
    assert.deepEqual([...source.failed.keys()], ['i1', 'i3']);
  });

  it('stops when aborted and the next run resumes where it stopped', async () => {
    const source = new InMemoryWorkSource(items(10));
    const controller = new AbortController();
    const original = source.markDone.bind(source);
    source.markDone = async (id) => {
      await original(id);
      if (source.done.size === 4) controller.abort();
    };
    const first = await createTask(source, 3)({ signal: controller.signal, logger });
    assert.deepEqual(first, { processed: 4, failed: 0, complete: false });
    source.markDone = original;
    const second = await createTask(source, 3)({ signal: new AbortController().signal, logger });
    assert.deepEqual(second, { processed: 6, failed: 0, complete: true });
  });
});
