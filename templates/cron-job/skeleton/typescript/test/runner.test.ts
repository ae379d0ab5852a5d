import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../src/config';
import { runOnce, type Task } from '../src/runner';

const logger = pino({ level: 'silent' });

describe('runOnce', () => {
  it('exits 0 for a complete run without failures', async () => {
    const outcome = await runOnce(async () => ({ processed: 3, failed: 0, complete: true }), { logger, deadlineMs: 1_000 });
    assert.equal(outcome.status, 'succeeded');
    assert.equal(outcome.exitCode, 0);
    assert.deepEqual(outcome.result, { processed: 3, failed: 0, complete: true });
  });

  it('exits 1 when items failed, so the run is retried and alerted on', async () => {
    const outcome = await runOnce(async () => ({ processed: 3, failed: 1, complete: true }), { logger, deadlineMs: 1_000 });
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.exitCode, 1);
  });

  it('exits 1 with the error when the task throws', async () => {
    const outcome = await runOnce(async () => {
      throw new Error('database unreachable');
    }, { logger, deadlineMs: 1_000 });
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.exitCode, 1);
    assert.equal(outcome.error, 'Error: database unreachable');
  });

  it('aborts the task at its deadline and reports an incomplete run', async () => {
    const task: Task = ({ signal }) =>
      new Promise((resolve) => {
        signal.addEventListener('abort', () => resolve({ processed: 1, failed: 0, complete: false }));
      });
    const outcome = await runOnce(task, { logger, deadlineMs: 20 });
    assert.equal(outcome.status, 'incomplete');
    assert.equal(outcome.exitCode, 1);
    assert.equal(outcome.error, 'deadline reached');
  });

  it('passes an outside stop (SIGTERM) to the task', async () => {
    const stop = new AbortController();
    const task: Task = ({ signal }) =>
      new Promise((resolve) => {
        signal.addEventListener('abort', () => resolve({ processed: 0, failed: 0, complete: false }));
        setTimeout(() => stop.abort(new Error('received SIGTERM')), 5);
      });
    const outcome = await runOnce(task, { logger, deadlineMs: 10_000, signal: stop.signal });
    assert.equal(outcome.status, 'incomplete');
    assert.equal(outcome.error, 'received SIGTERM');
    assert.equal(outcome.abandoned, undefined);
  });

  it('abandons a task that does not stop within stopTimeoutMs, and reports it', async () => {
    const stop = new AbortController();
    const task: Task = () => new Promise(() => setTimeout(() => stop.abort(new Error('received SIGTERM')), 5));
    const started = Date.now();
    const outcome = await runOnce(task, { logger, deadlineMs: 10_000, stopTimeoutMs: 50, signal: stop.signal });
    assert.ok(Date.now() - started < 1_000);
    assert.equal(outcome.status, 'incomplete');
    assert.equal(outcome.exitCode, 1);
    assert.equal(outcome.abandoned, true);
    assert.match(outcome.error ?? '', /^received SIGTERM; the task did not stop within 0.05 s/);
  });
});

describe('loadConfig', () => {
  it('stops a little before the CronJob deadline by default', () => {
    assert.equal(loadConfig({}).deadlineSeconds, ${{ values.activeDeadlineSeconds - 60 if values.activeDeadlineSeconds > 120 else values.activeDeadlineSeconds // 2 }});
  });

  it('gives a stopping task 20 s, within the 30 s termination grace period', () => {
    assert.equal(loadConfig({}).stopTimeoutSeconds, 20);
    assert.equal(loadConfig({ JOB_STOP_TIMEOUT_SECONDS: '5' }).stopTimeoutSeconds, 5);
    assert.throws(() => loadConfig({ JOB_STOP_TIMEOUT_SECONDS: '0' }), /JOB_STOP_TIMEOUT_SECONDS/);
  });

  it('rejects a zero deadline', () => {
    assert.throws(() => loadConfig({ JOB_DEADLINE_SECONDS: '0' }), /JOB_DEADLINE_SECONDS/);
  });
});
