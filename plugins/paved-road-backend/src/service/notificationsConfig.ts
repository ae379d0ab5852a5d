import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** What `pavedRoad.notifications` configures. @internal */
export interface NotificationsConfig {
  /** How often the sender runs (a `scope: 'global'` task). */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** To the owners of entities to do, in the first week of a campaign. */
  campaignStarted: boolean;
  /** One a week per owner, listing their open items across campaigns. */
  weeklyDigest: boolean;
  /** The weekday of the digest, 1 (Monday) to 7 (Sunday), UTC. */
  digestWeekday: number;
  /** To owners with entities to do, these many days before a deadline. */
  reminders: boolean;
  reminderDays: number[];
  /** To owners with entities to do, once a deadline has passed. */
  deadlinePassed: boolean;
  /** To the requester of a decided exemption, and to the approvers of a request. */
  exemptionDecisions: boolean;
  /** To the owners and requester, this many days before an exemption lapses. */
  exemptionLapsing: boolean;
  lapseWarningDays: number;
  /** Who is told of new exemption requests (entity refs, e.g. the platform team). */
  approvers: string[];
}

const KEY = 'pavedRoad.notifications';

function days(config: Config, key: string, fallback: number[]): number[] {
  const value = config.getOptional(key);
  if (value === undefined) return fallback;
  if (
    !Array.isArray(value) ||
    !value.every(
      d => typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= 365,
    )
  ) {
    throw new InputError(
      `Invalid ${KEY}.${key}: must be a list of whole numbers of days from 1 to 365`,
    );
  }
  return [...new Set(value as number[])].sort((a, b) => b - a);
}

/**
 * Reads `pavedRoad.notifications`: every kind on unless turned off, the sender every
 * hour, the digest on Mondays, reminders 14 and 3 days before a deadline, lapse
 * warnings 7 days before. A bad value stops the backend, naming its key.
 *
 * @internal
 */
export function readNotificationsConfig(root: Config): NotificationsConfig {
  const config = root.getOptionalConfig(KEY);
  const on = (key: string) =>
    config?.getOptionalBoolean('enabled') !== false &&
    config?.getOptionalBoolean(key) !== false;
  const weekday = config?.getOptionalNumber('digestWeekday') ?? 1;
  if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) {
    throw new InputError(
      `Invalid ${KEY}.digestWeekday: must be 1 (Monday) to 7 (Sunday), got ${weekday}`,
    );
  }
  const lapse = config?.getOptionalNumber('lapseWarningDays') ?? 7;
  if (!Number.isInteger(lapse) || lapse < 1 || lapse > 90) {
    throw new InputError(
      `Invalid ${KEY}.lapseWarningDays: must be a whole number of days from 1 to 90, got ${lapse}`,
    );
  }
  return {
    schedule: {
      frequency: config?.has('frequency')
        ? readDurationFromConfig(config, { key: 'frequency' })
        : { hours: 1 },
      timeout: { minutes: 10 },
      initialDelay: { minutes: 1 },
    },
    campaignStarted: on('campaignStarted'),
    weeklyDigest: on('weeklyDigest'),
    digestWeekday: weekday,
    reminders: on('reminders'),
    reminderDays: config ? days(config, 'reminderDays', [14, 3]) : [14, 3],
    deadlinePassed: on('deadlinePassed'),
    exemptionDecisions: on('exemptionDecisions'),
    exemptionLapsing: on('exemptionLapsing'),
    lapseWarningDays: lapse,
    approvers: config?.getOptionalStringArray('approvers') ?? [],
  };
}
