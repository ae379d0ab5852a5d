import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { emptySummary, PassOutcome } from './EvaluationPass';
import {
  DEFAULT_EVALUATION_SCHEDULE,
  readEvaluationSchedule,
} from './evaluationConfig';
import { ScheduledEvaluation } from './ScheduledEvaluation';

jest.setTimeout(60_000);

/** Backstage's scheduler table: one row per global task, with its lock. */
const TASKS = 'backstage_backend_tasks__tasks';

describe('the evaluation task on the default schedule', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it('runs every 5 minutes with a 5-minute timeout unless configured', () => {
    expect(readEvaluationSchedule(new ConfigReader({}))).toEqual({
      frequency: { minutes: 5 },
      timeout: { minutes: 5 },
    });
    expect(
      readEvaluationSchedule(
        new ConfigReader({
          pavedRoad: { schedule: { frequency: 'PT15M', timeout: 'PT20M' } },
        }),
      ),
    ).toMatchObject({
      frequency: { minutes: 15 },
      timeout: { minutes: 20 },
    });
  });

  it.each(databases.eachSupportedId())(
    'holds the lock of a replica killed during a pass only until the default timeout, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const hooks: Array<() => void | Promise<void>> = [];
      const scheduler = DefaultSchedulerService.create({
        database: mockServices.database({ knex }),
        logger: mockServices.logger.mock(),
        metrics: {
          createCounter: () => ({ add() {} }),
          createHistogram: () => ({ record() {} }),
          createGauge: () => ({ record() {} }),
        } as any,
        rootLifecycle: {
          addStartupHook: jest.fn(),
          addBeforeShutdownHook: jest.fn(),
          addShutdownHook: (hook: () => void) => hooks.push(hook),
        } as any,
        httpRouter: mockServices.httpRouter.mock(),
        pluginMetadata: { getId: () => 'paved-road' },
      });
      // A pass that never ends: the replica was killed (kill -9) while it ran.
      let release = () => {};
      const killed = new Promise<PassOutcome>(resolve => {
        release = () => resolve({ summary: emptySummary('full'), added: 0 });
      });
      const scheduled = new ScheduledEvaluation({
        scheduler,
        logger: mockServices.logger.mock(),
        evaluation: { evaluatePass: () => killed },
        schedule: readEvaluationSchedule(new ConfigReader({})),
        retryAfterMs: 10_000,
      });
      await scheduled.start();
      try {
        let row: any;
        for (let i = 0; i < 100 && !row?.current_run_ticket; i++) {
          await new Promise(resolve => setTimeout(resolve, 100));
          row = await knex(TASKS).where({ id: 'paved-road-evaluate' }).first();
        }
        expect(row?.current_run_ticket).toBeTruthy();
        // The lock expires the default timeout after the pass started; the scheduler's
        // janitor (every minute) then lets another replica run the task.
        const held =
          new Date(row.current_run_expires_at).getTime() -
          new Date(row.current_run_started_at).getTime();
        expect(held).toBe(
          durationToMilliseconds(DEFAULT_EVALUATION_SCHEDULE.timeout),
        );
        expect(held).toBeLessThanOrEqual(5 * 60_000);
      } finally {
        scheduled.stop();
        release();
        for (const hook of hooks) await hook();
      }
    },
  );
});
