import { ChartCard, ChartLegend } from '../../../../../components/charts/chart-card';
import { formatDayLong } from '../../../../../components/charts/chart-format';
import { TimeSeriesChart, type ChartSeries } from '../../../../../components/charts/time-series-chart.client';
import type { OverviewDashboard } from '../../../../../lib/services/views/overview';

type Key = 'lastActive' | 'audited';

const SERIES: ChartSeries<Key>[] = [
  { key: 'lastActive', label: 'Last active that day', color: 'var(--chart-1)' },
  { key: 'audited', label: 'Named in the audit log', color: 'var(--chart-4)' },
];

function summarise(activity: OverviewDashboard['activity']): string {
  const total = (key: Key) => activity.reduce((sum, row) => sum + row[key], 0);
  const busiest = activity.reduce(
    (best, row) => (row.lastActive > best.lastActive ? row : best),
    activity[0]!,
  );
  const parts = [
    `Over the last ${activity.length} days, ${total('lastActive')} participants were last active`,
    busiest.lastActive > 0 ? `, most of them (${busiest.lastActive}) on ${formatDayLong(busiest.day)}.` : '.',
    ` The audit log names participants ${total('audited')} times (one per participant and day).`,
  ];
  return parts.join('');
}

export function OverviewActivity({
  activity,
  timezone,
  className,
}: {
  activity: OverviewDashboard['activity'];
  timezone: string;
  className?: string;
}) {
  return (
    <ChartCard
      className={className}
      title="Activity, last 90 days"
      description={`Participants per day (days in ${timezone}): by the day of their last activity, and those an audit event is about.`}
      summary={summarise(activity)}
      legend={<ChartLegend items={SERIES} />}
      table={{
        caption: 'Participants per day',
        columns: ['Day', ...SERIES.map((s) => s.label)],
        rows: [...activity].reverse().map((row) => [formatDayLong(row.day), row.lastActive, row.audited]),
      }}
    >
      <TimeSeriesChart data={activity} xKey="day" series={SERIES} kind="bar" granularity="day" />
    </ChartCard>
  );
}
