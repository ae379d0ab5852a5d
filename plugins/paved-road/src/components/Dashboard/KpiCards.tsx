import { InfoCard } from '@backstage/core-components';
import { Grid, Typography } from '@material-ui/core';
import {
  HistoryPoint,
  ScopeAggregate,
} from '@paved-road/backstage-plugin-common';
import { ReactNode } from 'react';
import { TrendChart } from '../shared/TrendChart';

/** The scorecard whose lowest level means "scaffolded from a golden path". */
export const GOLDEN_PATH_SCORECARD = 'golden-path-adoption';

const pct = (value: number) => `${Math.round(value * 100)}%`;

function Kpi(props: {
  title: string;
  value: string;
  caption: string;
  trend: ReactNode;
}) {
  return (
    <Grid item xs={12} sm={6} lg={3}>
      <InfoCard title={props.title}>
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

function adoptionTrend(history: HistoryPoint[]) {
  const data = history
    .filter(p => p.scorecardId === GOLDEN_PATH_SCORECARD && p.levels)
    .map(p => {
      const levels = p.levels!;
      const total = Object.values(levels).reduce((a, b) => a + b, 0);
      return {
        day: p.day,
        rate: total
          ? Math.round(((total - (levels.none ?? 0)) / total) * 100)
          : 0,
      };
    });
  if (!data.length) return noTrend;
  return (
    <TrendChart
      data={data}
      series={[{ key: 'rate', name: 'Adoption' }]}
      yDomain={[0, 100]}
      yTickFormatter={v => `${v}%`}
      ariaLabel="Golden-path adoption rate per day"
      summary={`${data[0].rate}% on ${data[0].day}, ${
        data[data.length - 1].rate
      }% on ${data[data.length - 1].day}.`}
      height={120}
    />
  );
}

function distributionTrend(
  history: HistoryPoint[],
  scorecardId: string,
  levelIds: string[],
) {
  const data = history
    .filter(p => p.scorecardId === scorecardId && p.levels)
    .map(p => ({ day: p.day, ...p.levels }));
  if (!data.length) return noTrend;
  const last = data[data.length - 1] as Record<string, number | string>;
  return (
    <TrendChart
      stacked
      data={data}
      series={levelIds.map(id => ({ key: id, name: id }))}
      ariaLabel={`Entities per level of ${scorecardId} per day`}
      summary={`On ${last.day}: ${levelIds
        .map(id => `${id} ${last[id] ?? 0}`)
        .join(', ')}.`}
      height={120}
    />
  );
}

/**
 * Headline figures of one scope (the organisation, a group with its subgroups, or a
 * system), each with its trend where the backend keeps daily history.
 */
export function KpiCards(props: {
  scope: ScopeAggregate;
  history: HistoryPoint[];
  scorecardId?: string;
}) {
  const { scope, history } = props;
  const scorecardId =
    props.scorecardId && scope.scorecards[props.scorecardId]
      ? props.scorecardId
      : Object.keys(scope.scorecards).find(
          id => id !== GOLDEN_PATH_SCORECARD,
        ) ?? Object.keys(scope.scorecards)[0];
  const levels = scorecardId ? scope.scorecards[scorecardId].levels : {};
  const levelIds = Object.keys(levels);
  const onGoldenPath = Object.values(scope.drift).reduce((a, b) => a + b, 0);
  const current = scope.drift.current ?? 0;
  return (
    <Grid container spacing={2}>
      <Kpi
        title="Golden-path adoption"
        value={pct(scope.goldenPath.rate)}
        caption={`${scope.goldenPath.adopted} of ${scope.goldenPath.eligible} eligible services`}
        trend={adoptionTrend(history)}
      />
      <Kpi
        title="On the latest template version"
        value={onGoldenPath ? pct(current / onGoldenPath) : '–'}
        caption={`${current} of ${onGoldenPath} golden-path entities`}
        trend={noTrend}
      />
      <Kpi
        title="Hours saved"
        value={String(Math.round(scope.hoursSaved))}
        caption="declared by the golden paths used"
        trend={noTrend}
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
            ? distributionTrend(history, scorecardId, levelIds)
            : noTrend
        }
      />
    </Grid>
  );
}
