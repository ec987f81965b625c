'use client';

import { Bar, BarChart, CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDayLong, formatDayShort, formatWeek } from './chart-format';
import { ChartTooltip } from './chart-tooltip.client';
import type { ChartSeries } from './time-series-chart.client';

const AXIS = { fontSize: 11, fill: 'var(--muted-foreground)' };

/**
 * Counts over calendar days or weeks that go two ways: positive series stack above the axis, negative
 * ones below it (e.g. moves up and down between stages). Axis and tooltip show sizes without a sign;
 * the side of the axis says which way. Like TimeSeriesChart, the accessibility layer is off: ChartCard
 * labels the picture and gives its numbers as a table.
 */
export function DivergingBarChart<K extends string>({
  data,
  xKey,
  series,
  granularity,
  height = 240,
}: {
  data: readonly object[];
  xKey: string;
  series: ChartSeries<K>[];
  granularity: 'day' | 'week';
  height?: number;
}) {
  const label = granularity === 'day' ? formatDayLong : formatWeek;
  return (
    <BarChart
      data={data}
      responsive
      accessibilityLayer={false}
      style={{ width: '100%', height }}
      margin={{ top: 8, right: 12, bottom: 0, left: -12 }}
      stackOffset="sign"
      barCategoryGap="20%"
    >
      <CartesianGrid vertical={false} stroke="var(--border)" />
      <XAxis
        dataKey={xKey}
        tickFormatter={formatDayShort}
        tick={AXIS}
        tickLine={false}
        axisLine={false}
        minTickGap={24}
      />
      <YAxis
        allowDecimals={false}
        tick={AXIS}
        tickLine={false}
        axisLine={false}
        width={40}
        tickFormatter={(value: number) => Math.abs(value).toLocaleString('en')}
      />
      <ReferenceLine y={0} stroke="var(--muted-foreground)" strokeOpacity={0.6} />
      <Tooltip
        cursor={{ fill: 'var(--muted)' }}
        content={({ active, payload, label: at }) => (
          <ChartTooltip
            active={active}
            payload={payload
              ?.filter((entry) => Number(entry.value) !== 0)
              .map((entry) => ({ ...entry, value: Math.abs(Number(entry.value)) }))}
            label={at as string}
            formatLabel={label}
          />
        )}
        isAnimationActive={false}
      />
      {series.map((s) => (
        <Bar
          key={s.key}
          dataKey={s.key}
          name={s.label}
          stackId="flows"
          fill={s.color}
          isAnimationActive={false}
        />
      ))}
    </BarChart>
  );
}
