import { LayersIcon } from 'lucide-react';
import { ChartCard, ChartLegend } from '../../../../../components/charts/chart-card';
import { formatDayLong } from '../../../../../components/charts/chart-format';
import { TimeSeriesChart, type ChartSeries } from '../../../../../components/charts/time-series-chart.client';
import { Card, CardHeader, CardTitle } from '../../../../../components/ui/card';
import { EmptyState } from '../../../../../components/ui/empty-state';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../../../../../lib/domain';
import { STAGE_LABELS } from '../../../../../lib/ui/stages';
import type { StageCountRow } from './stage-flow-series';

const SERIES: ChartSeries<LifecycleStage>[] = LIFECYCLE_STAGES.map((stage) => ({
  key: stage,
  label: STAGE_LABELS[stage],
  color: `var(--stage-${stage})`,
}));

const TITLE = 'Stages over time';

/** Participants per stored stage on each day a stage update ran (system accounts apart). */
export function OverviewStageCounts({
  rows,
  days,
  lastUpdateDay,
  className,
}: {
  rows: StageCountRow[];
  days: number;
  lastUpdateDay: string | null;
  className?: string;
}) {
  if (rows.length === 0) {
    return (
      <Card className={className}>
        <CardHeader>
          <CardTitle>{TITLE}</CardTitle>
        </CardHeader>
        <EmptyState icon={LayersIcon} title="No counts yet" className="py-8">
          {lastUpdateDay
            ? `The last stage update ran on ${formatDayLong(lastUpdateDay)}, more than ${days} days ago.`
            : 'Each stage update records how many participants hold each stage that day.'}
        </EmptyState>
      </Card>
    );
  }
  const latest = rows.at(-1)!;
  const summary = `On ${formatDayLong(latest.day)}, the last of ${rows.length} days with a stage update in the last ${days} days: ${SERIES.map((s) => `${latest[s.key]} ${s.label.toLowerCase()}`).join(', ')}.`;
  return (
    <ChartCard
      className={className}
      title={TITLE}
      description={`Participants per stage on each day a stage update ran, last ${days} days`}
      summary={summary}
      legend={<ChartLegend items={SERIES} />}
      table={{
        caption: 'Participants per stage on each day a stage update ran',
        columns: ['Day', ...SERIES.map((s) => s.label)],
        rows: [...rows].reverse().map((row) => [formatDayLong(row.day), ...SERIES.map((s) => row[s.key])]),
      }}
    >
      {/* A line needs two days; until then, bars. */}
      <TimeSeriesChart
        data={rows}
        xKey="day"
        series={SERIES}
        kind={rows.length < 2 ? 'bar' : 'area'}
        granularity="day"
        height={240}
      />
    </ChartCard>
  );
}
