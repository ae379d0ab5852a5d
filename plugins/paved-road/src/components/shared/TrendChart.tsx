import { Typography } from '@material-ui/core';
import { useTheme } from '@material-ui/core/styles';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** One series of a {@link TrendChart}. */
export interface TrendSeries {
  key: string;
  name: string;
  color?: string;
}

/** Props of {@link TrendChart}. */
export interface TrendChartProps {
  /** One row per day (`day`, YYYY-MM-DD) with a number per series key. */
  data: Array<{ day: string } & Record<string, number | string>>;
  series: TrendSeries[];
  /** What the chart shows, for screen readers. */
  ariaLabel: string;
  /** A sentence with the chart's gist, shown under it and read by screen readers. */
  summary: string;
  stacked?: boolean;
  step?: boolean;
  height?: number;
  yTickFormatter?: (value: number) => string;
  yDomain?: [number, number];
  yTicks?: number[];
  /** Room for the y-axis ticks, in pixels. */
  yAxisWidth?: number;
}

/**
 * The text of a chart's summary: the first and the last day's value, or the one day's
 * when there is only one.
 */
export function firstAndLast<T extends { day: string }>(
  data: T[],
  format: (point: T) => string,
): string {
  const first = data[0];
  const last = data[data.length - 1];
  if (!first) return '';
  return first === last
    ? `${format(first)} on ${first.day}.`
    : `${format(first)} on ${first.day}, ${format(last)} on ${last.day}.`;
}

/**
 * A small day-by-day chart themed from the MUI theme (light and dark): series, axes,
 * grid, tooltip and legend take their colours from the theme's palette. It has an aria
 * label and a text summary as its fallback.
 */
export function TrendChart(props: TrendChartProps) {
  const theme = useTheme();
  const { data, series, ariaLabel, summary, stacked, step } = props;
  const palette = [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.success.main,
    theme.palette.warning.main,
    theme.palette.info.main,
  ];
  const axis = {
    stroke: theme.palette.text.secondary,
    tick: { fill: theme.palette.text.secondary, fontSize: 11 },
  };
  const common = (
    <>
      <CartesianGrid stroke={theme.palette.divider} strokeDasharray="3 3" />
      <XAxis dataKey="day" {...axis} />
      <YAxis
        {...axis}
        width={props.yAxisWidth ?? 48}
        tickFormatter={props.yTickFormatter}
        domain={props.yDomain}
        ticks={props.yTicks}
        allowDecimals={false}
      />
      <Tooltip
        formatter={value =>
          props.yTickFormatter && typeof value === 'number'
            ? props.yTickFormatter(value)
            : String(value)
        }
        contentStyle={{
          background: theme.palette.background.paper,
          borderColor: theme.palette.divider,
          color: theme.palette.text.primary,
        }}
        labelStyle={{ color: theme.palette.text.primary }}
      />
      {series.length > 1 && (
        <Legend
          iconSize={8}
          wrapperStyle={{ fontSize: 11, color: theme.palette.text.secondary }}
        />
      )}
    </>
  );
  // Room above the top tick, whose label is centred on the chart's top edge.
  const margin = { top: 10, right: 12, bottom: 0, left: 0 };
  const colorOf = (s: TrendSeries, i: number) =>
    s.color ?? palette[i % palette.length];

  return (
    <figure style={{ margin: 0 }}>
      <div role="img" aria-label={`${ariaLabel}. ${summary}`}>
        <ResponsiveContainer
          width="100%"
          height={props.height ?? 160}
          initialDimension={{ width: 400, height: props.height ?? 160 }}
        >
          {stacked ? (
            <AreaChart data={data} margin={margin} accessibilityLayer>
              {common}
              {series.map((s, i) => (
                <Area
                  key={s.key}
                  dataKey={s.key}
                  name={s.name}
                  stackId="1"
                  stroke={colorOf(s, i)}
                  fill={colorOf(s, i)}
                  isAnimationActive={false}
                />
              ))}
            </AreaChart>
          ) : (
            <LineChart data={data} margin={margin} accessibilityLayer>
              {common}
              {series.map((s, i) => (
                <Line
                  key={s.key}
                  dataKey={s.key}
                  name={s.name}
                  type={step ? 'stepAfter' : 'monotone'}
                  stroke={colorOf(s, i)}
                  strokeWidth={2}
                  dot={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          )}
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
