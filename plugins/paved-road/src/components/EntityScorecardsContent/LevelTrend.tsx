import { Typography } from '@material-ui/core';
import {
  HistoryPoint,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import { levelTitle } from '../shared/LevelChip';
import { firstAndLast, TrendChart } from '../shared/TrendChart';

/** The entity's level on one scorecard over time, as a step chart. */
export function LevelTrend(props: {
  scorecard: ScorecardDefinition;
  points: HistoryPoint[];
}) {
  const { scorecard, points } = props;
  if (!points.length) {
    return (
      <Typography variant="body2" color="textSecondary">
        No level history yet.
      </Typography>
    );
  }
  const rank = (level: string | null | undefined) =>
    scorecard.levels.findIndex(l => l.id === level) + 1;
  const data = points.map(p => ({ day: p.day, level: rank(p.level) }));
  // Level ids keep the ticks short; titles are in the summary and the tooltip.
  const tick = (value: number) =>
    value === 0 ? 'none' : scorecard.levels[value - 1]?.id ?? '';
  return (
    <>
      <Typography variant="subtitle2" component="h3">
        Level over time
      </Typography>
      <TrendChart
        data={data}
        series={[{ key: 'level', name: 'Level' }]}
        step
        yDomain={[0, scorecard.levels.length]}
        yTicks={[...Array(scorecard.levels.length + 1).keys()]}
        yTickFormatter={tick}
        ariaLabel={`Level on ${scorecard.title} per day`}
        yAxisWidth={56}
        summary={firstAndLast(points, p => levelTitle(scorecard, p.level))}
      />
    </>
  );
}
