import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';

/**
 * The evaluation task's schedule when `pavedRoad.schedule` is not set: every 5 minutes,
 * with a 5-minute timeout. The timeout is how long the task's lock outlives a replica
 * killed during a pass (the scheduler's janitor releases an expired lock within a
 * minute): 5 times the full-pass target for the largest benchmarked catalog (100,000
 * entities in under 60 s; the benchmark measured 15 to 34 s on 2 cores). A pass that
 * runs longer is not stopped; another replica may then start one beside it, which is
 * safe (each publishes its results in one transaction) but doubles the work: see the
 * README's Sizing section.
 *
 * @internal
 */
export const DEFAULT_EVALUATION_SCHEDULE = {
  frequency: { minutes: 5 },
  timeout: { minutes: 5 },
} as const satisfies SchedulerServiceTaskScheduleDefinition;

/**
 * `pavedRoad.schedule`, or {@link DEFAULT_EVALUATION_SCHEDULE} unless configured.
 *
 * @internal
 */
export function readEvaluationSchedule(
  config: Config,
): SchedulerServiceTaskScheduleDefinition {
  return config.has('pavedRoad.schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig('pavedRoad.schedule'),
      )
    : {
        frequency: { ...DEFAULT_EVALUATION_SCHEDULE.frequency },
        timeout: { ...DEFAULT_EVALUATION_SCHEDULE.timeout },
      };
}

/** A positive duration at `key` in milliseconds, `fallback` when absent. */
function readPositiveMs(
  config: Config,
  key: string,
  fallback: HumanDuration,
): number {
  if (!config.has(key)) return durationToMilliseconds(fallback);
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (error) {
    throw new InputError(
      `Invalid duration in config at '${key}' (write a duration object such as { seconds: 10 } or an ISO 8601 duration such as PT10S): ${
        (error as Error).message
      }`,
    );
  }
  if (!(ms > 0) || !Number.isFinite(ms)) {
    throw new InputError(
      `Invalid duration in config at '${key}': must be longer than zero, got ${ms} ms`,
    );
  }
  return ms;
}

/**
 * How evaluation catches up after start-up and with newly scaffolded entities:
 * `pavedRoad.startup.retryAfter` (10 s), `pavedRoad.scaffoldedEntities.pollInterval`
 * (5 s) and `pavedRoad.scaffoldedEntities.timeout` (5 minutes). A value that is not a
 * positive duration, or a poll interval longer than the timeout, throws an error
 * naming the key.
 *
 * @internal
 */
export function readCatchUpConfig(config: Config): {
  retryAfterMs: number;
  scaffoldedEntities: { pollIntervalMs: number; timeoutMs: number };
} {
  const retryAfterMs = readPositiveMs(config, 'pavedRoad.startup.retryAfter', {
    seconds: 10,
  });
  const pollIntervalMs = readPositiveMs(
    config,
    'pavedRoad.scaffoldedEntities.pollInterval',
    { seconds: 5 },
  );
  const timeoutMs = readPositiveMs(
    config,
    'pavedRoad.scaffoldedEntities.timeout',
    { minutes: 5 },
  );
  if (pollIntervalMs > timeoutMs) {
    throw new InputError(
      `Invalid config at 'pavedRoad.scaffoldedEntities.pollInterval': must not be longer than 'pavedRoad.scaffoldedEntities.timeout' (${pollIntervalMs} ms > ${timeoutMs} ms)`,
    );
  }
  return { retryAfterMs, scaffoldedEntities: { pollIntervalMs, timeoutMs } };
}

/**
 * `pavedRoad.preview.budget`: how long one `POST /scorecards/preview` may evaluate
 * (10 seconds unless configured).
 *
 * @internal
 */
export function readPreviewBudgetMs(config: Config): number {
  return readPositiveMs(config, 'pavedRoad.preview.budget', { seconds: 10 });
}

/**
 * `pavedRoad.exemptions.maxDays`: the longest an exemption may be requested for, in
 * days (90 unless configured); a value outside 1 to 365 stops the backend, naming it.
 *
 * @internal
 */
export function readMaxExemptionDays(config: Config): number {
  const key = 'pavedRoad.exemptions.maxDays';
  const days = config.getOptionalNumber(key) ?? 90;
  if (!Number.isInteger(days) || days < 1 || days > 365) {
    throw new InputError(
      `Invalid ${key}: must be a whole number of days from 1 to 365, got ${days}`,
    );
  }
  return days;
}
