'use client';

import { Area, AreaChart, Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDayLong, formatDayShort, formatWeek } from './chart-format';
import { ChartTooltip } from './chart-tooltip.client';

export interface ChartSeries<K extends string> {
  key: K;
  label: string;
  /** A CSS colour, normally a token: `var(--chart-1)`, `var(--stage-at_risk)`. */
  color: string;
}

const AXIS = { fontSize: 11, fill: 'var(--muted-foreground)' };

/**
 * Counts over calendar days or weeks: areas for daily activity, stacked bars for weekly totals. The
 * accessibility layer is off because ChartCard labels the whole chart and gives the numbers as a table
 * (a focusable SVG inside role="img" would be a control hidden from screen readers).
 */
export function TimeSeriesChart<K extends string>({
  data,
  xKey,
  series,
  kind,
  stacked = false,
  granularity,
  height = 220,
}: {
  data: readonly object[];
  xKey: string;
  series: ChartSeries<K>[];
  kind: 'area' | 'bar';
  /** Bars on top of each other (parts of one total) instead of side by side. */
  stacked?: boolean;
  granularity: 'day' | 'week';
  height?: number;
}) {
  const label = granularity === 'day' ? formatDayLong : formatWeek;
  const common = {
    data,
    responsive: true,
    accessibilityLayer: false,
    style: { width: '100%', height },
    margin: { top: 8, right: 12, bottom: 0, left: -12 },
  } as const;
  const axes = (
    <>
      <CartesianGrid vertical={false} stroke="var(--border)" />
      <XAxis
        dataKey={xKey}
        tickFormatter={formatDayShort}
        tick={AXIS}
        tickLine={false}
        axisLine={{ stroke: 'var(--border)' }}
        minTickGap={24}
      />
      <YAxis allowDecimals={false} tick={AXIS} tickLine={false} axisLine={false} width={40} />
      <Tooltip
        cursor={{ fill: 'var(--muted)', stroke: 'var(--border)' }}
        content={({ active, payload, label: at }) => (
          <ChartTooltip active={active} payload={payload} label={at as string} formatLabel={label} />
        )}
        isAnimationActive={false}
      />
    </>
  );
  if (kind === 'bar') {
    return (
      <BarChart {...common} barCategoryGap={stacked ? '20%' : '15%'} barGap={0}>
        {axes}
        {series.map((s, i) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.label}
            stackId={stacked ? 'total' : undefined}
            fill={s.color}
            radius={!stacked || i === series.length - 1 ? [2, 2, 0, 0] : 0}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    );
  }
  return (
    <AreaChart {...common}>
      {axes}
      {series.map((s) => (
        <Area
          key={s.key}
          type="monotone"
          dataKey={s.key}
          name={s.label}
          stroke={s.color}
          strokeWidth={1.5}
          fill={s.color}
          fillOpacity={0.12}
          dot={false}
          activeDot={{ r: 3 }}
          isAnimationActive={false}
        />
      ))}
    </AreaChart>
  );
}
