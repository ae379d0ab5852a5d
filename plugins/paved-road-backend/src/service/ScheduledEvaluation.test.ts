import {
  SchedulerService,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { EvaluationSummary } from '@paved-road/backstage-plugin-common';
import { emptySummary } from './EvaluationPass';
import { ScheduledEvaluation } from './ScheduledEvaluation';

type Outcome = Partial<EvaluationSummary> & { added?: number };

const empty: Outcome = { scanned: 0 };
const filling = (added: number): Outcome => ({ scanned: 40, added });
const settled: Outcome = { scanned: 40, added: 0 };

/**
 * A scheduled evaluation whose passes answer `outcomes` in turn, with a scheduler that
 * runs the task when triggered, as the test backend's does.
 */
async function scheduledWith(outcomes: Outcome[]) {
  let task: SchedulerServiceTaskInvocationDefinition | undefined;
  const scheduler = {
    scheduleTask: jest.fn(
      async (t: SchedulerServiceTaskInvocationDefinition) => {
        task = t;
      },
    ),
    triggerTask: jest.fn(async () => {
      await task!.fn(new AbortController().signal);
    }),
  };
  const evaluation = {
    evaluatePass: jest.fn(async () => {
      const { added = 0, ...summary } = outcomes.shift() ?? settled;
      return { summary: { ...emptySummary('incremental'), ...summary }, added };
    }),
  };
  const logger = mockServices.logger.mock();
  const scheduled = new ScheduledEvaluation({
    scheduler: scheduler as unknown as SchedulerService,
    logger,
    evaluation,
    schedule: { frequency: { minutes: 5 }, timeout: { minutes: 30 } },
    retryAfterMs: 10_000,
  });
  await scheduled.start();
  /** The scheduler's own run of the task (at start-up or on schedule). */
  const run = () => task!.fn(new AbortController().signal);
  return {
    scheduled,
    scheduler,
    evaluation,
    logger,
    run,
    outcomes,
    task: () => task!,
  };
}

describe('ScheduledEvaluation', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** The milliseconds until the pending retry triggers the task. */
  async function nextRetryAfter(scheduler: { triggerTask: jest.Mock }) {
    const before = scheduler.triggerTask.mock.calls.length;
    let waited = 0;
    while (scheduler.triggerTask.mock.calls.length === before) {
      if (jest.getTimerCount() === 0) return undefined;
      await jest.advanceTimersByTimeAsync(1_000);
      waited += 1_000;
    }
    return waited;
  }

  it('schedules the global task paved-road-evaluate', async () => {
    const { task } = await scheduledWith([]);
    expect(task()).toMatchObject({
      id: 'paved-road-evaluate',
      scope: 'global',
      frequency: { minutes: 5 },
    });
  });

  it('runs again soon, with backoff, while the catalog is empty after start-up, then while it fills', async () => {
    const { scheduler, run, evaluation, logger, outcomes } =
      await scheduledWith([
        empty,
        empty,
        empty,
        empty,
        filling(25),
        filling(15),
        settled,
      ]);
    const triggeredAt: number[] = [];
    scheduler.triggerTask.mockImplementation(async () => {
      triggeredAt.push(Date.now());
      await run();
    });
    const startedAt = Date.now();
    await run();
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining(
        'the catalog returned no entities yet (it may still be processing its locations); evaluating again in 10 s',
      ),
    );
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    const delays = triggeredAt.map(
      (at, i) => at - (i ? triggeredAt[i - 1] : startedAt),
    );
    // 10 s, then half as long again each time, up to a minute.
    expect(delays).toEqual([10_000, 15_000, 22_500, 33_750, 50_625, 60_000]);
    expect(evaluation.evaluatePass).toHaveBeenCalledTimes(7);
    expect(logger.info).toHaveBeenLastCalledWith(
      'Paved Road: the catalog has settled; evaluating on the regular schedule (pavedRoad.schedule) from now on',
    );

    // Later empty passes follow the schedule: no retries once settled.
    outcomes.push(empty);
    await run();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('follows the schedule when the first pass finds only entities it evaluated before (a restart)', async () => {
    const { run } = await scheduledWith([settled]);
    await run();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('catches up when the first pass finds a half-processed catalog, for at least three minutes', async () => {
    const { run, scheduler, evaluation } = await scheduledWith([filling(40)]);
    await run();
    // Later passes find nothing new, yet keep the pace until three minutes have passed.
    const delays: number[] = [];
    for (;;) {
      const delay = await nextRetryAfter(scheduler);
      if (delay === undefined) break;
      delays.push(delay);
    }
    // 10 s, 15 s, ... (to the second the loop above measures), ending past three minutes.
    expect(delays.slice(0, 2)).toEqual([10_000, 15_000]);
    const total = delays.reduce((sum, d) => sum + d, 0);
    expect(total).toBeGreaterThanOrEqual(3 * 60_000);
    expect(total - delays[delays.length - 1]).toBeLessThan(3 * 60_000);
    expect(evaluation.evaluatePass).toHaveBeenCalledTimes(delays.length + 1);
  });

  it('retries a pass that failed at start-up, and still reports the failure to the scheduler', async () => {
    const { run, scheduler, logger } = await scheduledWith([
      { error: 'Evaluation failed: connect ECONNREFUSED' },
      settled,
    ]);
    await expect(run()).rejects.toThrow(
      'Evaluation failed: connect ECONNREFUSED',
    );
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('the pass failed'),
    );
    expect(await nextRetryAfter(scheduler)).toBe(10_000);
    // A quiet pass right after is not proof the catalog is ready: the pace holds.
    expect(await nextRetryAfter(scheduler)).toBe(15_000);
  });

  it('gives up catching up ten minutes after start-up, saying what to check', async () => {
    const { run, logger } = await scheduledWith([empty, empty]);
    await run();
    // The pending retry dropped; the next pass ten minutes after start-up.
    jest.clearAllTimers();
    jest.setSystemTime(Date.now() + 10 * 60_000);
    await run();
    expect(jest.getTimerCount()).toBe(0);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'ten minutes after start-up the catalog still returns no entities',
      ),
    );
  });

  it('drops a retry while a pass is running, and every retry when stopped', async () => {
    const { run, scheduler, scheduled, logger } = await scheduledWith([
      empty,
      empty,
    ]);
    scheduler.triggerTask.mockRejectedValueOnce(
      new ConflictError('Task paved-road-evaluate is currently running'),
    );
    await run();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(scheduler.triggerTask).toHaveBeenCalledTimes(1);
    expect(logger.warn).not.toHaveBeenCalled();

    await run();
    scheduled.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(scheduler.triggerTask).toHaveBeenCalledTimes(1);
  });
});
