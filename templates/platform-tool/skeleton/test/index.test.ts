import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, isRetryableStatus, NonRetryableError, retry, RetriesExhaustedError } from '../src/index';

const fast = { baseDelayMs: 1, maxDelayMs: 4, random: () => 0 };

describe('retry', () => {
  it('returns the first success without waiting', async () => {
    let calls = 0;
    assert.equal(await retry(async () => ++calls, fast), 1);
    assert.equal(calls, 1);
  });

  it('retries failures, then returns the success', async () => {
    const delays: number[] = [];
    const result = await retry(
      async (attempt) => {
        if (attempt < 3) throw new Error(`flaky ${attempt}`);
        return 'ok';
      },
      { ...fast, onRetry: (e) => delays.push(e.delayMs) },
    );
    assert.equal(result, 'ok');
    assert.deepEqual(delays, [1, 1]);
  });

  it('gives up after the configured retries and keeps the last error as cause', async () => {
    let calls = 0;
    const error = await retry(async () => {
      calls++;
      throw new Error(`boom ${calls}`);
    }, { ...fast, retries: 2 }).catch((e: unknown) => e);
    assert.ok(error instanceof RetriesExhaustedError);
    assert.equal(error.attempts, 3);
    assert.equal((error.cause as Error).message, 'boom 3');
    assert.equal(calls, 3);
  });

  it('does not retry a NonRetryableError', async () => {
    let calls = 0;
    await assert.rejects(
      retry(async () => {
        calls++;
        throw new NonRetryableError('400 bad request');
      }, fast),
      NonRetryableError,
    );
    assert.equal(calls, 1);
  });

  it('honours a custom shouldRetry', async () => {
    let calls = 0;
    await assert.rejects(
      retry(async () => {
        calls++;
        throw Object.assign(new Error('http'), { status: 404 });
      }, { ...fast, shouldRetry: (e) => isRetryableStatus((e as { status: number }).status) }),
    );
    assert.equal(calls, 1);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = retry(async () => {
      throw new Error('down');
    }, { baseDelayMs: 5_000, maxDelayMs: 5_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 10);
    await assert.rejects(pending, /shutting down/);
    assert.ok(Date.now() - started < 1_000);
  });

  it('rejects nonsensical options', async () => {
    await assert.rejects(retry(async () => 1, { retries: -1 }), RangeError);
    await assert.rejects(retry(async () => 1, { baseDelayMs: 10, maxDelayMs: 5 }), RangeError);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base, caps, and keeps at least half when jittered', () => {
    assert.deepEqual([0, 1, 2, 3, 10].map((r) => backoffDelay(r, 200, 10_000, () => 1)), [200, 400, 800, 1600, 10_000]);
    assert.equal(backoffDelay(2, 200, 10_000, () => 0), 400);
  });
});

describe('isRetryableStatus', () => {
  it('retries throttling and gateway errors, not client errors or 500', () => {
    assert.deepEqual([408, 429, 502, 503, 504].map(isRetryableStatus), [true, true, true, true, true]);
    assert.deepEqual([400, 401, 404, 409, 500].map(isRetryableStatus), [false, false, false, false, false]);
  });
});
