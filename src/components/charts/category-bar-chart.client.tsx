'use client';

import { Bar, BarChart, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartTooltip } from './chart-tooltip.client';

export interface CategoryCount {
  label: string;
  count: number;
  color: string;
}

/** Horizontal bars for a handful of categories, largest first (the caller orders them). */
export function CategoryBarChart({ data, seriesLabel }: { data: CategoryCount[]; seriesLabel: string }) {
  const height = Math.max(96, data.length * 34 + 16);
  return (
    <BarChart
      data={data}
      layout="vertical"
      responsive
      accessibilityLayer={false}
      style={{ width: '100%', height }}
      margin={{ top: 4, right: 16, bottom: 4, left: 4 }}
      barCategoryGap={8}
    >
      <XAxis type="number" hide allowDecimals={false} domain={[0, 'dataMax']} />
      <YAxis
        type="category"
        dataKey="label"
        width={140}
        tick={{ fontSize: 12, fill: 'var(--foreground)' }}
        tickLine={false}
        axisLine={false}
      />
      <Tooltip
        cursor={{ fill: 'var(--muted)' }}
        content={({ active, payload, label }) => (
          <ChartTooltip active={active} payload={payload} label={label as string} />
        )}
        isAnimationActive={false}
      />
      <Bar
        dataKey="count"
        name={seriesLabel}
        radius={[0, 3, 3, 0]}
        isAnimationActive={false}
        label={{ position: 'right', fontSize: 12, fill: 'var(--muted-foreground)' }}
      >
        {data.map((entry) => (
          <Cell key={entry.label} fill={entry.color} />
        ))}
      </Bar>
    </BarChart>
  );
}
