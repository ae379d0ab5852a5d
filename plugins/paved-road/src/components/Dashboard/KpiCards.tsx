import { InfoCard } from '@backstage/core-components';
import { Grid, Typography } from '@material-ui/core';
import {
  HistoryPoint,
  HistoryTotalsPoint,
  ScopeAggregate,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import { ReactNode } from 'react';
import { firstAndLast, TrendChart } from '../shared/TrendChart';
import { orderLevels } from './levelOrder';

/** The scorecard whose lowest level means "scaffolded from a golden path". */
export const GOLDEN_PATH_SCORECARD = 'golden-path-adoption';

/**
 * The scorecard whose levels the dashboard shows: the one filtered by when the scope has
 * results on it, else the first besides golden-path adoption (whose figures have a card
 * of their own), else the first.
 */
export function shownScorecard(
  scope: Pick<ScopeAggregate, 'scorecards'>,
  requested?: string,
): string | undefined {
  const ids = Object.keys(scope.scorecards);
  if (requested && scope.scorecards[requested]) return requested;
  return ids.find(id => id !== GOLDEN_PATH_SCORECARD) ?? ids[0];
}

const pct = (value: number) => `${Math.round(value * 100)}%`;

function Kpi(props: {
  title: string;
  value: string;
  caption: string;
  trend: ReactNode;
}) {
  return (
    <Grid item xs={12} sm={6} lg={3}>
      <InfoCard title={props.title} variant="gridItem">
        <Typography variant="h3" component="p">
          {props.value}
        </Typography>
        <Typography variant="body2" color="textSecondary" gutterBottom>
          {props.caption}
        </Typography>
        {props.trend}
      </InfoCard>
    </Grid>
  );
}

const noTrend = (
  <Typography variant="caption" color="textSecondary">
    No daily history is recorded for this figure yet.
  </Typography>
);

function last<T>(data: T[]): T {
  return data[data.length - 1];
}

/**
 * Golden-path adoption per day: from the scope's daily totals, and for days recorded
 * before totals were kept, from the golden-path scorecard's level distribution.
 */
function adoptionTrend(history: HistoryPoint[], totals: HistoryTotalsPoint[]) {
  const byDay = new Map<string, number>();
  for (const p of history) {
    if (p.scorecardId !== GOLDEN_PATH_SCORECARD || !p.levels) continue;
    const total = Object.values(p.levels).reduce((a, b) => a + b, 0);
    byDay.set(
      p.day,
      total ? Math.round(((total - (p.levels.none ?? 0)) / total) * 100) : 0,
    );
  }
  for (const t of totals) {
    byDay.set(t.day, Math.round(t.goldenPath.rate * 100));
  }
  const data = [...byDay]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, rate]) => ({ day, rate }));
  if (!data.length) return noTrend;
  return (
    <TrendChart
      data={data}
      series={[{ key: 'rate', name: 'Adoption' }]}
      yDomain={[0, 100]}
      yTickFormatter={v => `${v}%`}
      ariaLabel="Golden-path adoption rate per day"
      summary={firstAndLast(data, p => `${p.rate}%`)}
      height={120}
    />
  );
}

/** Share of golden-path entities on their template's latest version, per day. */
function latestVersionTrend(totals: HistoryTotalsPoint[]) {
  const data = totals.flatMap(t => {
    const adopted = Object.values(t.drift).reduce((a, b) => a + b, 0);
    return adopted
      ? [
          {
            day: t.day,
            share: Math.round(((t.drift.current ?? 0) / adopted) * 100),
          },
        ]
      : [];
  });
  if (!data.length) return noTrend;
  return (
    <TrendChart
      data={data}
      series={[{ key: 'share', name: 'On the latest version' }]}
      yDomain={[0, 100]}
      yTickFormatter={v => `${v}%`}
      ariaLabel="Share of golden-path entities on the latest template version per day"
      summary={firstAndLast(data, p => `${p.share}%`)}
      height={120}
    />
  );
}

/** Hours saved per day. */
function hoursSavedTrend(totals: HistoryTotalsPoint[]) {
  const data = totals.map(t => ({
    day: t.day,
    hours: Math.round(t.hoursSaved),
  }));
  if (!data.length) return noTrend;
  return (
    <TrendChart
      data={data}
      series={[{ key: 'hours', name: 'Hours saved' }]}
      yTickFormatter={v => `${v} h`}
      ariaLabel="Hours saved per day"
      yAxisWidth={56}
      summary={firstAndLast(data, p => `${p.hours} h`)}
      height={120}
    />
  );
}

function distributionTrend(
  history: HistoryPoint[],
  scorecardId: string,
  currentLevelIds: string[],
  definition?: ScorecardDefinition,
) {
  const points = history.filter(p => p.scorecardId === scorecardId && p.levels);
  if (!points.length) return noTrend;
  // Every level seen on any day, lowest first, each day with all of them (0 where absent).
  const levelIds = orderLevels(
    [
      ...new Set([
        ...currentLevelIds,
        ...points.flatMap(p => Object.keys(p.levels!)),
      ]),
    ],
    definition,
  );
  const data = points.map(p => ({
    day: p.day,
    ...Object.fromEntries(levelIds.map(id => [id, p.levels![id] ?? 0])),
  }));
  const latest = last(data) as Record<string, number | string>;
  return (
    <TrendChart
      stacked
      data={data}
      series={levelIds.map(id => ({ key: id, name: id }))}
      ariaLabel={`Entities per level of ${scorecardId} per day`}
      summary={`On ${latest.day}: ${levelIds
        .map(id => `${id} ${latest[id] ?? 0}`)
        .join(', ')}.`}
      height={120}
    />
  );
}

/**
 * Headline figures of one scope (the organisation, a group with its subgroups, or a
 * system), each with its trend from the backend's daily snapshots: `history` (level
 * distributions per scorecard) and `totals` (adoption, drift and hours saved).
 */
export function KpiCards(props: {
  scope: ScopeAggregate;
  history: HistoryPoint[];
  totals?: HistoryTotalsPoint[];
  scorecardId?: string;
  /** For the levels' ladder order. */
  definitions?: ScorecardDefinition[];
}) {
  const { scope, history } = props;
  const totals = props.totals ?? [];
  const scorecardId = shownScorecard(scope, props.scorecardId);
  const levels = scorecardId ? scope.scorecards[scorecardId].levels : {};
  const definition = props.definitions?.find(d => d.id === scorecardId);
  const levelIds = orderLevels(Object.keys(levels), definition);
  const onGoldenPath = Object.values(scope.drift).reduce((a, b) => a + b, 0);
  const current = scope.drift.current ?? 0;
  return (
    <Grid container spacing={2}>
      <Kpi
        title="Golden-path adoption"
        value={pct(scope.goldenPath.rate)}
        caption={`${scope.goldenPath.adopted} of ${scope.goldenPath.eligible} eligible services`}
        trend={adoptionTrend(history, totals)}
      />
      <Kpi
        title="On the latest template version"
        value={onGoldenPath ? pct(current / onGoldenPath) : '–'}
        caption={`${current} of ${onGoldenPath} golden-path entities`}
        trend={latestVersionTrend(totals)}
      />
      <Kpi
        title="Hours saved"
        value={String(Math.round(scope.hoursSaved))}
        caption="per golden-path entity: its recorded run, else its template's time-saved"
        trend={hoursSavedTrend(totals)}
      />
      <Kpi
        title="Level distribution"
        value={String(scope.scorecards[scorecardId ?? '']?.entities ?? 0)}
        caption={
          scorecardId
            ? `${scorecardId}: ${levelIds
                .map(id => `${id} ${levels[id]}`)
                .join(', ')}`
            : 'No scorecard results'
        }
        trend={
          scorecardId
            ? distributionTrend(history, scorecardId, levelIds, definition)
            : noTrend
        }
      />
    </Grid>
  );
}
