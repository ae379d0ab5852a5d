import { parseEntityRef } from '@backstage/catalog-model';
import {
  Campaign,
  CampaignCounts,
  CampaignEntity,
  CampaignProgress,
  CampaignTeamProgress,
  CampaignTodo,
  CheckStatus,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import {
  CampaignDayData,
  StoredCampaignEntity,
} from '../database/CampaignProgressStore';
import { CatalogIndex } from './CatalogIndex';
import { goalChecks } from './campaignScope';

const DAY_MS = 86_400_000;

const zero = (): CampaignCounts => ({
  entities: 0,
  done: 0,
  exempt: 0,
  todo: 0,
});

const startOfDay = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** Whole days from today (UTC) to the deadline; negative once it has passed. */
export function daysLeft(campaign: Campaign, now: Date): number {
  const today = startOfDay(now.toISOString().slice(0, 10));
  return Math.round((startOfDay(campaign.deadline) - today) / DAY_MS);
}

/** Whether the deadline (the whole day) has passed. */
export function pastDeadline(campaign: Campaign, now: Date): boolean {
  return daysLeft(campaign, now) < 0;
}

function add(into: CampaignCounts, [done, exempt, todo]: number[]) {
  into.done += done;
  into.exempt += exempt;
  into.todo += todo;
  into.entities += done + exempt + todo;
}

/**
 * Per owner, its counts over the group tree: its own entities (`direct`) and those of
 * every group below it, the teams with most to do first.
 *
 * @internal
 */
export function teamsOf(
  owners: CampaignDayData['owners'],
  index: Pick<CatalogIndex, 'ancestorsOf'>,
): CampaignTeamProgress[] {
  const teams = new Map<string, CampaignTeamProgress>();
  const team = (ref: string) => {
    let found = teams.get(ref);
    if (!found) {
      found = { ref, ...zero(), direct: zero() };
      teams.set(ref, found);
    }
    return found;
  };
  const parents = new Map<string, string | undefined>();
  for (const [owner, counts] of Object.entries(owners)) {
    if (!owner) continue;
    add(team(owner).direct, counts);
    const chain = index.ancestorsOf(owner);
    chain.forEach((ref, i) => {
      add(team(ref), counts);
      parents.set(ref, chain[i + 1]);
    });
  }
  for (const [ref, found] of teams) {
    const parent = parents.get(ref);
    if (parent && teams.has(parent)) found.parent = parent;
  }
  return [...teams.values()].sort(
    (a, b) => b.todo - a.todo || a.ref.localeCompare(b.ref, 'en-US'),
  );
}

/**
 * A campaign's progress from its stored snapshots: the latest for the counts and
 * teams, all of them for the burn-up.
 *
 * @internal
 */
export function progressOf(
  campaign: Campaign,
  days: Array<{ day: string; data: CampaignDayData }>,
  index: Pick<CatalogIndex, 'ancestorsOf'>,
  now: Date,
): CampaignProgress {
  const latest = days[days.length - 1]?.data;
  const counts = latest
    ? {
        entities: latest.entities,
        done: latest.done,
        exempt: latest.exempt,
        todo: latest.todo,
      }
    : zero();
  return {
    campaignId: campaign.id,
    computedAt: latest?.computedAt ?? null,
    ...counts,
    complete: counts.entities
      ? (counts.done + counts.exempt) / counts.entities
      : 1,
    daysLeft: daysLeft(campaign, now),
    overdue: pastDeadline(campaign, now) ? counts.todo : 0,
    regressed: latest?.regressed ?? 0,
    medianDaysToComplete: latest?.medianDaysToComplete ?? null,
    teams: teamsOf(latest?.owners ?? {}, index),
    days: days.map(({ day, data }) => ({
      day,
      entities: data.entities,
      done: data.done,
      exempt: data.exempt,
      todo: data.todo,
    })),
  };
}

/**
 * Progress over the stored entities of a caller who may read only some: counted from
 * the rows they may read, without the organisation-wide burn-up.
 *
 * @internal
 */
export function progressOfRows(
  campaign: Campaign,
  rows: StoredCampaignEntity[],
  index: Pick<CatalogIndex, 'ancestorsOf'>,
  now: Date,
  computedAt: string | null,
): CampaignProgress {
  const owners: CampaignDayData['owners'] = {};
  const slot = { done: 0, exempt: 1, todo: 2 } as const;
  for (const row of rows) {
    const key = row.owner ?? '';
    owners[key] ??= [0, 0, 0];
    owners[key][slot[row.state]] += 1;
  }
  const counts = zero();
  Object.values(owners).forEach(c => add(counts, c));
  const completions = rows
    .map(r => daysToComplete(campaign, r))
    .filter((d): d is number => d !== null)
    .sort((a, b) => a - b);
  return {
    ...progressOf(campaign, [], index, now),
    computedAt,
    ...counts,
    complete: counts.entities
      ? (counts.done + counts.exempt) / counts.entities
      : 1,
    overdue: pastDeadline(campaign, now) ? counts.todo : 0,
    regressed: rows.filter(r => r.state === 'todo' && r.regressions > 0).length,
    medianDaysToComplete: completions.length
      ? completions[Math.ceil(completions.length / 2) - 1]
      : null,
    teams: teamsOf(owners, index),
  };
}

/** Whole days from the later of the campaign's start and the entity joining to its first completion. */
export function daysToComplete(
  campaign: Campaign,
  row: StoredCampaignEntity,
): number | null {
  if (!row.firstCompletedAt) return null;
  const from = Math.max(
    startOfDay(campaign.startsOn),
    Date.parse(row.joinedAt),
  );
  return Math.max(
    0,
    Math.floor((Date.parse(row.firstCompletedAt) - from) / DAY_MS),
  );
}

/**
 * What an entity to do still has to change: the goal's checks it does not pass (or is
 * exempt from), with their remediation; for a template-version goal, the upgrade.
 *
 * @internal
 */
export function todosOf(
  campaign: Campaign,
  statuses: Record<string, CheckStatus> | undefined,
  scorecards: ScorecardDefinition[],
): CampaignTodo[] {
  const { goal } = campaign;
  if (goal.type === 'template-version') {
    const { name } = parseEntityRef(goal.template);
    return [
      {
        title: `Upgrade to a release of ${name} satisfying ${goal.range}`,
        remediation: {
          markdown: `Upgrade the service to a release of \`${name}\` satisfying \`${goal.range}\`: choose **Upgrade with a pull request** on its Scorecards card, which opens the template upgrade with the service chosen, and merge the pull request it opens.`,
        },
      },
    ];
  }
  const asked = goalChecks(goal, scorecards);
  if (!asked) return [];
  return asked.checks
    .filter(id => statuses?.[id] !== 'pass' && statuses?.[id] !== 'exempt')
    .map(id => {
      const check = asked.scorecard.checks.find(c => c.id === id);
      return {
        checkId: id,
        title: check?.title ?? id,
        remediation: check?.remediation ?? { markdown: '' },
      };
    });
}

/** A stored entity of a campaign as the API answers it. @internal */
export function entityOf(
  campaign: Campaign,
  row: StoredCampaignEntity,
  todo: CampaignTodo[],
  now: Date,
): CampaignEntity {
  return {
    entityRef: row.entityRef,
    owner: row.owner,
    state: row.state,
    joinedAt: row.joinedAt,
    completedAt: row.completedAt,
    daysToComplete: daysToComplete(campaign, row),
    regressions: row.regressions,
    overdue: row.state === 'todo' && pastDeadline(campaign, now),
    todo: row.state === 'todo' ? todo : [],
  };
}
