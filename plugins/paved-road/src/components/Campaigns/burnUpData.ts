import { CampaignDay } from '@paved-road/backstage-plugin-common';

/** One day of the burn-up chart; null where there is no snapshot to show. */
export interface BurnUpPoint {
  day: string;
  finished: number | null;
  entities: number | null;
}

const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000)
    .toISOString()
    .slice(0, 10);

/**
 * Every day from the campaign's start (or its first snapshot, if earlier) to its
 * deadline (or its last snapshot, if later): done and exempt together against the
 * entities in scope. Days between snapshots keep the previous one's figures; days
 * before the first or after the last have none, so the deadline stays on the axis.
 */
export function burnUpData(
  days: CampaignDay[],
  startsOn: string,
  deadline: string,
): BurnUpPoint[] {
  const byDay = new Map(days.map(d => [d.day, d]));
  const first = days[0]?.day;
  const last = days[days.length - 1]?.day;
  const from = first && first < startsOn ? first : startsOn;
  const to = last && last > deadline ? last : deadline;
  const points: BurnUpPoint[] = [];
  let previous: CampaignDay | undefined;
  // Bounded: a malformed range must not loop for ever.
  for (let day = from; day <= to && points.length < 3700; day = nextDay(day)) {
    const snapshot = byDay.get(day) ?? previous;
    const inRange = first !== undefined && day >= first && day <= last!;
    previous = snapshot;
    points.push({
      day,
      finished: inRange && snapshot ? snapshot.done + snapshot.exempt : null,
      entities: inRange && snapshot ? snapshot.entities : null,
    });
  }
  return points;
}
