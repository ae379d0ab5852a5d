import { Typography } from '@material-ui/core';
import { useTheme } from '@material-ui/core/styles';
import { CampaignDay } from '@paved-road/backstage-plugin-common';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { burnUpData } from './burnUpData';
import { formatDay } from './campaignText';

/**
 * The burn-up chart: entities done or exempt against the entities in scope, per day
 * from the campaign's start to its deadline, which is marked. Themed like the
 * dashboard's trend charts, with an aria label and a text summary.
 */
export function BurnUpChart(props: {
  days: CampaignDay[];
  startsOn: string;
  deadline: string;
  height?: number;
}) {
  const theme = useTheme();
  const { days, startsOn, deadline } = props;
  const data = burnUpData(days, startsOn, deadline);
  const latest = days[days.length - 1];
  const summary = latest
    ? `${latest.done + latest.exempt} of ${latest.entities} done or exempt on ${
        latest.day
      }; deadline ${formatDay(deadline)}.`
    : `No daily snapshot yet; deadline ${formatDay(deadline)}.`;
  const axis = {
    stroke: theme.palette.text.secondary,
    tick: { fill: theme.palette.text.secondary, fontSize: 11 },
  };
  const height = props.height ?? 240;
  return (
    <figure style={{ margin: 0 }}>
      <div role="img" aria-label={`Burn-up chart. ${summary}`}>
        <ResponsiveContainer
          width="100%"
          height={height}
          initialDimension={{ width: 600, height }}
        >
          <ComposedChart
            data={data}
            margin={{ top: 16, right: 24, bottom: 0, left: 0 }}
            accessibilityLayer
          >
            <CartesianGrid
              stroke={theme.palette.divider}
              strokeDasharray="3 3"
            />
            <XAxis dataKey="day" {...axis} minTickGap={24} />
            <YAxis {...axis} width={40} allowDecimals={false} />
            <Tooltip
              contentStyle={{
                background: theme.palette.background.paper,
                borderColor: theme.palette.divider,
                color: theme.palette.text.primary,
              }}
              labelStyle={{ color: theme.palette.text.primary }}
            />
            <Legend
              iconSize={8}
              wrapperStyle={{
                fontSize: 11,
                color: theme.palette.text.secondary,
              }}
            />
            <Area
              dataKey="finished"
              name="Done or exempt"
              type="stepAfter"
              stroke={theme.palette.success.main}
              fill={theme.palette.success.main}
              fillOpacity={0.3}
              isAnimationActive={false}
            />
            <Line
              dataKey="entities"
              name="In scope"
              type="stepAfter"
              stroke={theme.palette.primary.main}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
            <ReferenceLine
              x={deadline}
              stroke={theme.palette.warning.main}
              strokeDasharray="4 2"
              label={{
                value: 'Deadline',
                position: 'insideTopRight',
                fill: theme.palette.text.secondary,
                fontSize: 11,
              }}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <Typography
        component="figcaption"
        variant="caption"
        color="textSecondary"
      >
        {summary}
      </Typography>
    </figure>
  );
}
