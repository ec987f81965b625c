'use client';

import { ArrowDownUpIcon } from 'lucide-react';
import Link from 'next/link';
import { parseAsStringLiteral, useQueryState } from 'nuqs';
import { ChartCard, ChartLegend } from '../../../../../components/charts/chart-card';
import { formatDayLong, formatWeek } from '../../../../../components/charts/chart-format';
import { DivergingBarChart } from '../../../../../components/charts/diverging-bar-chart.client';
import { Card, CardHeader, CardTitle } from '../../../../../components/ui/card';
import { EmptyState } from '../../../../../components/ui/empty-state';
import { cn } from '../../../../../lib/ui/cn';
import {
  FLOW_DAYS,
  FLOW_GRANULARITIES,
  FLOW_WEEKS,
  moveLabel,
  summariseFlows,
  type FlowChart,
  type FlowGranularity,
} from './stage-flow-series';

const TITLE = 'Stage flows';

/** Day or week, kept in the address (`?flows=week`) without reading the page again. */
function GranularityToggle({
  value,
  onChange,
}: {
  value: FlowGranularity;
  onChange: (v: FlowGranularity) => void;
}) {
  return (
    <div
      role="group"
      aria-label="Stage flows per day or week"
      className="inline-flex h-8 items-center gap-0.5 rounded-md bg-muted p-0.5"
    >
      {FLOW_GRANULARITIES.map((g) => (
        <button
          key={g}
          type="button"
          aria-pressed={value === g}
          onClick={() => onChange(g)}
          className={cn(
            'inline-flex h-7 cursor-pointer items-center rounded-sm px-2.5 text-sm font-medium whitespace-nowrap text-muted-foreground transition-colors hover:text-foreground',
            value === g && 'bg-card text-foreground shadow-xs',
          )}
        >
          {g === 'day' ? 'Day' : 'Week'}
        </button>
      ))}
    </div>
  );
}

/**
 * Moves between lifecycle stages over time: up above the axis, down below, by the stage engine and
 * (lighter) by operators. Both views come from the server; the toggle only chooses one.
 */
export function OverviewStageFlows({
  charts,
  ran,
  settingsHref,
  className,
}: {
  charts: Record<FlowGranularity, FlowChart>;
  /** Whether a stage update has ever run (otherwise only operators move stages). */
  ran: boolean;
  /** Where an owner starts a stage update; null for the other roles. */
  settingsHref: string | null;
  className?: string;
}) {
  const [granularity, setGranularity] = useQueryState(
    'flows',
    parseAsStringLiteral(FLOW_GRANULARITIES).withDefault('day'),
  );
  const chart = charts[granularity];
  const moved = chart.totals.up + chart.totals.down;
  if (!ran && charts.week.totals.up + charts.week.totals.down === 0) {
    return (
      <Card className={className}>
        <CardHeader>
          <CardTitle>{TITLE}</CardTitle>
        </CardHeader>
        <EmptyState icon={ArrowDownUpIcon} title="No stage update has run yet" className="py-8">
          A stage update moves each participant to the stage its activity points to; this chart then shows who
          moved where, day by day.{' '}
          {settingsHref ? (
            <>
              Run one from <Link href={settingsHref}>Settings</Link>.
            </>
          ) : (
            'An owner can run one from Settings.'
          )}
        </EmptyState>
      </Card>
    );
  }
  const label = granularity === 'day' ? formatDayLong : formatWeek;
  return (
    <ChartCard
      className={className}
      title={TITLE}
      description={`Participants who changed stage, ${granularity === 'day' ? `per day over ${FLOW_DAYS} days` : `per week over ${FLOW_WEEKS} weeks`}: up above the line, down below; stage updates by move, operators' changes in purple.`}
      summary={summariseFlows(chart)}
      action={<GranularityToggle value={granularity} onChange={(g) => void setGranularity(g)} />}
      legend={chart.series.length > 0 ? <ChartLegend items={chart.series} /> : undefined}
      table={{
        caption: `Stage changes per ${granularity}`,
        columns: [granularity === 'day' ? 'Day' : 'Week', 'Change', 'Stage update', 'Operators'],
        rows: chart.table.map((row) => [
          label(row.period),
          moveLabel(row.from, row.to),
          row.engine,
          row.operator,
        ]),
      }}
    >
      {moved === 0 ? (
        <p className="grid h-[240px] place-items-center px-6 text-center text-sm text-muted-foreground">
          No participant changed stage{' '}
          {granularity === 'day' ? `in the last ${FLOW_DAYS} days` : `in the last ${FLOW_WEEKS} weeks`}.
        </p>
      ) : (
        <DivergingBarChart data={chart.rows} xKey="period" series={chart.series} granularity={granularity} />
      )}
    </ChartCard>
  );
}
