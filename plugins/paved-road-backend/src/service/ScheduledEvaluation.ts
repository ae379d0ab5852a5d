import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { EvaluationSummary } from '@paved-road/backstage-plugin-common';
import { PassOutcome } from './EvaluationPass';

/** The scheduler task that evaluates the catalog (one replica at a time). */
const TASK_ID = 'paved-road-evaluate';
/** Each retry after start-up waits this much longer than the one before... */
const BACKOFF = 1.5;
/** ...up to this (or `retryAfterMs` when longer). */
const MAX_RETRY_AFTER_MS = 60_000;
/**
 * Once catching up, passes keep their pace at least this long after start-up, even when
 * one finds nothing new.
 */
const CATCH_UP_MIN_MS = 3 * 60_000;
/** After this long from start-up, passes follow the regular schedule whatever they find. */
const CATCH_UP_WINDOW_MS = 10 * 60_000;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * The scheduled evaluation (task `paved-road-evaluate`, scope global) and how it
 * catches up with a catalog that is still starting.
 *
 * Right after start-up the catalog may not have processed its locations yet (a fresh
 * install's catalog is empty for its first seconds) or may not answer yet. A scheduled
 * pass that then finds no entities, or fails, asks the scheduler to run the task again
 * after `retryAfterMs`, half as long again after each such pass, up to a minute (10,
 * 15, 22.5, 34, 51, 60 s by default). Once a pass sees entities, passes keep following
 * at that pace while each finds entities it never evaluated (the catalog is still
 * filling), and for at least three minutes after start-up (a busy catalog can pause
 * between locations); the regular schedule takes over after a pass that finds nothing
 * new past those three minutes, or ten minutes after start-up. A backend whose first
 * pass finds only entities it evaluated before (a restart) follows the regular schedule
 * from the start; one whose first pass evaluates entities for the first time (a fresh
 * install whose catalog was half processed) catches up too.
 *
 * The retries go through `scheduler.triggerTask`, so whichever replica claims the task
 * runs the pass; a trigger while a pass runs is dropped (that pass decides what next).
 *
 * @internal
 */
export class ScheduledEvaluation {
  private phase: 'starting' | 'catching-up' | 'settled' = 'starting';
  private attempt = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private stopped = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly options: {
      scheduler: SchedulerService;
      logger: LoggerService;
      evaluation: { evaluatePass(): Promise<PassOutcome> };
      schedule: SchedulerServiceTaskScheduleDefinition;
      /** The first retry's delay after a pass that found the catalog not ready. */
      retryAfterMs: number;
    },
  ) {}

  /** Schedules the task. */
  async start(): Promise<void> {
    await this.options.scheduler.scheduleTask({
      id: TASK_ID,
      scope: 'global',
      ...this.options.schedule,
      fn: () => this.run(),
    });
  }

  /** Runs the task now, on whichever replica claims it. */
  async trigger(): Promise<void> {
    await this.options.scheduler.triggerTask(TASK_ID);
  }

  /** Drops a pending retry; called when the backend shuts down. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async run() {
    const { summary, added } = await this.options.evaluation.evaluatePass();
    this.afterPass(summary, added);
    if (summary.error) throw new Error(summary.error);
  }

  private afterPass(summary: EvaluationSummary, added: number) {
    if (this.phase === 'settled' || this.stopped) return;
    const { logger } = this.options;
    const notReady = summary.error !== undefined || summary.scanned === 0;
    // Entities evaluated for the first time: the catalog is still filling (a fresh
    // install's first pass may see it half processed).
    const filling = added > 0;
    // A quiet pass early on is not proof: a busy catalog can pause between locations.
    const quietLongEnough =
      this.phase === 'starting' ||
      Date.now() - this.startedAt >= CATCH_UP_MIN_MS;
    if (!notReady && !filling && quietLongEnough) {
      if (this.phase === 'catching-up') {
        logger.info(
          'Paved Road: the catalog has settled; evaluating on the regular schedule (pavedRoad.schedule) from now on',
        );
      }
      this.phase = 'settled';
      return;
    }
    if (Date.now() - this.startedAt >= CATCH_UP_WINDOW_MS) {
      this.phase = 'settled';
      logger.warn(
        notReady
          ? `Paved Road: ten minutes after start-up the catalog still ${
              summary.error ? 'fails' : 'returns no entities'
            }; evaluating on the regular schedule (pavedRoad.schedule) from now on. Check catalog.locations and the catalog's logs; POST /api/paved-road/evaluate runs a pass at once.`
          : 'Paved Road: the catalog was still filling ten minutes after start-up; evaluating on the regular schedule (pavedRoad.schedule) from now on',
      );
      return;
    }
    this.phase = 'catching-up';
    const { retryAfterMs } = this.options;
    const delay = Math.min(
      Math.round(retryAfterMs * BACKOFF ** this.attempt),
      Math.max(MAX_RETRY_AFTER_MS, retryAfterMs),
    );
    this.attempt += 1;
    let why = filling
      ? `the catalog is still filling (${added} entities evaluated for the first time)`
      : 'the catalog may still be filling (nothing new in this pass)';
    if (summary.error)
      why = 'the pass failed (the catalog may still be starting)';
    else if (notReady) {
      why =
        'the catalog returned no entities yet (it may still be processing its locations)';
    }
    logger.info(
      `Paved Road: ${why}; evaluating again in ${seconds(
        delay,
      )} (pavedRoad.startup.retryAfter)`,
    );
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.retry(), delay);
    this.timer.unref?.();
  }

  private async retry() {
    if (this.stopped) return;
    try {
      await this.trigger();
    } catch (error) {
      // A pass running now (here or on another replica) decides what comes next.
      const name = (error as Error)?.name;
      const text = error instanceof Error ? error.message : String(error);
      if (name === 'ConflictError') {
        this.options.logger.debug(
          `Paved Road: an evaluation is already running, no retry needed: ${text}`,
        );
      } else {
        this.options.logger.warn(
          `Paved Road: could not start the next evaluation early; the regular schedule (pavedRoad.schedule) runs it: ${text}`,
        );
      }
    }
  }
}
