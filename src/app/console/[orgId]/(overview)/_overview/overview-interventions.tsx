import { ChartCard, ChartLegend } from '../../../../../components/charts/chart-card';
import { formatWeek } from '../../../../../components/charts/chart-format';
import { TimeSeriesChart, type ChartSeries } from '../../../../../components/charts/time-series-chart.client';
import type { OverviewDashboard } from '../../../../../lib/services/views/overview';

type Key = 'inEffect' | 'reversed';

const SERIES: ChartSeries<Key>[] = [
  { key: 'inEffect', label: 'In effect', color: 'var(--chart-1)' },
  { key: 'reversed', label: 'Reversed since', color: 'var(--stage-dormant)' },
];

export function OverviewInterventions({
  weeks,
  className,
}: {
  weeks: OverviewDashboard['interventionsPerWeek'];
  className?: string;
}) {
  const inEffect = weeks.reduce((sum, w) => sum + w.inEffect, 0);
  const reversed = weeks.reduce((sum, w) => sum + w.reversed, 0);
  const summary =
    inEffect + reversed === 0
      ? `No interventions in the last ${weeks.length} weeks.`
      : `${inEffect + reversed} interventions in the last ${weeks.length} weeks, ${reversed} of them reversed since.`;
  return (
    <ChartCard
      className={className}
      title="Interventions per week"
      description={`Last ${weeks.length} weeks, by the week they were made`}
      summary={summary}
      legend={<ChartLegend items={SERIES} />}
      table={{
        caption: 'Interventions per week',
        columns: ['Week', ...SERIES.map((s) => s.label)],
        rows: [...weeks].reverse().map((w) => [formatWeek(w.weekStart), w.inEffect, w.reversed]),
      }}
    >
      {inEffect + reversed === 0 ? (
        <p className="grid h-[220px] place-items-center px-6 text-center text-sm text-muted-foreground">
          No interventions in these weeks.
        </p>
      ) : (
        <TimeSeriesChart
          data={weeks}
          xKey="weekStart"
          series={SERIES}
          kind="bar"
          stacked
          granularity="week"
        />
      )}
    </ChartCard>
  );
}
