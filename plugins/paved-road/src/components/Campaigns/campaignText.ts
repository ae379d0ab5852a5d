import {
  CampaignGoal,
  CampaignScope,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import { shortRef } from '../shared/shortRef';

const capitalize = (text: string) =>
  text.charAt(0).toLocaleUpperCase('en-US') + text.slice(1);

/**
 * What a campaign asks, in words: "Pass startup-probe of Production readiness",
 * "Reach Silver of Production readiness", "api-service >=2.5.0". Scorecards are named
 * by their title when their definition is known.
 */
export function goalText(
  goal: CampaignGoal,
  scorecards: ScorecardDefinition[] = [],
): string {
  if (goal.type === 'template-version') {
    return `${shortRef(goal.template, 'template')} ${goal.range}`;
  }
  const scorecard =
    scorecards.find(s => s.id === goal.scorecard)?.title ?? goal.scorecard;
  if (goal.type === 'level') {
    return `Reach ${capitalize(goal.level)} of ${scorecard}`;
  }
  return `Pass ${goal.checks.join(', ')} of ${scorecard}`;
}

/**
 * Which entities a campaign covers, in words, e.g. "Entities of kind Component, type
 * service"; a template-version goal covers only that template's golden-path entities.
 */
export function scopeText(scope: CampaignScope, goal?: CampaignGoal): string {
  const parts: string[] = [];
  if (scope.owner) parts.push(`owned by ${shortRef(scope.owner)}`);
  if (scope.system) parts.push(`in ${shortRef(scope.system, 'system')}`);
  if (scope.kind) parts.push(`of kind ${scope.kind}`);
  if (scope.type) parts.push(`of type ${scope.type}`);
  if (scope.lifecycle) parts.push(`in lifecycle ${scope.lifecycle}`);
  if (scope.filter) parts.push(`matching ${JSON.stringify(scope.filter)}`);
  const from =
    goal?.type === 'template-version'
      ? ` scaffolded from ${shortRef(goal.template, 'template')}`
      : '';
  if (!parts.length) return `Every entity${from}`;
  return `Entities${from} ${parts.join(', ')}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The time to a deadline in words: "12 days left", "due today", "3 days overdue"
 * (`overdue` is set), or "ended 3 days ago" when nothing was left to do by then.
 */
export function daysLeftText(
  daysLeft: number,
  todo: number,
): { text: string; overdue: boolean } {
  if (daysLeft > 0) {
    return { text: `${plural(daysLeft, 'day')} left`, overdue: false };
  }
  if (daysLeft === 0) return { text: 'due today', overdue: false };
  const ago = plural(-daysLeft, 'day');
  return todo > 0
    ? { text: `${ago} overdue`, overdue: true }
    : { text: `ended ${ago} ago`, overdue: false };
}

/** A `YYYY-MM-DD` day as "31 Jan 2027", in UTC so it does not shift a day. */
export function formatDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** A share from 0 to 1 as a whole percentage. */
export const percent = (share: number) => `${Math.round(share * 100)}%`;

/** Whole days from `now`'s UTC day to a `YYYY-MM-DD` deadline; negative once past. */
export function daysUntil(deadline: string, now: Date = new Date()): number {
  const today = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  return Math.round((Date.parse(`${deadline}T00:00:00Z`) - today) / 86_400_000);
}
