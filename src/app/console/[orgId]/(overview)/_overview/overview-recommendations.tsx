import { InboxIcon } from 'lucide-react';
import Link from 'next/link';
import { CategoryBarChart } from '../../../../../components/charts/category-bar-chart.client';
import { ChartCard } from '../../../../../components/charts/chart-card';
import { humanize } from '../../../../../components/charts/chart-format';
import { INTERVENTION_TYPE_TEXT } from '../../../../../components/interventions/intervention-form';
import { buttonVariants } from '../../../../../components/ui/button';
import { Card, CardHeader, CardTitle } from '../../../../../components/ui/card';
import { EmptyState } from '../../../../../components/ui/empty-state';
import type { InterventionType } from '../../../../../lib/domain';
import type { OverviewDashboard } from '../../../../../lib/services/views/overview';

/** Suggested actions share their names with intervention types where one maps to the other. */
export function actionLabel(action: string): string {
  return INTERVENTION_TYPE_TEXT[action as InterventionType]?.label ?? humanize(action);
}

export function OverviewRecommendations({
  orgId,
  open,
  className,
}: {
  orgId: string;
  open: OverviewDashboard['openRecommendations'];
  className?: string;
}) {
  const href = `/console/${orgId}/recommendations`;
  const total = open.reduce((sum, row) => sum + row.count, 0);
  const inbox = (
    <Link href={href} className={buttonVariants({ variant: 'outline', size: 'sm' })}>
      Open inbox
    </Link>
  );
  if (total === 0) {
    return (
      <Card className={className}>
        <CardHeader>
          <CardTitle>Open recommendations</CardTitle>
        </CardHeader>
        <EmptyState icon={InboxIcon} title="Nothing waiting for a decision" className="py-8">
          Atlas suggests actions as activity and relationships change; new ones appear in the inbox.
        </EmptyState>
      </Card>
    );
  }
  const rows = open.map((row) => ({
    label: actionLabel(row.action),
    count: row.count,
    color: 'var(--chart-1)',
  }));
  return (
    <ChartCard
      className={className}
      title="Open recommendations"
      description={`${total.toLocaleString('en')} waiting for a decision, by suggested action`}
      summary={`${total} open recommendations: ${rows.map((r) => `${r.count} ${r.label.toLowerCase()}`).join(', ')}.`}
      action={inbox}
      table={{
        caption: 'Open recommendations by suggested action',
        columns: ['Suggested action', 'Open'],
        rows: rows.map((r) => [r.label, r.count]),
        rowHrefs: open.map((row) => `${href}?action=${encodeURIComponent(row.action)}`),
      }}
    >
      <CategoryBarChart data={rows} seriesLabel="Open" />
    </ChartCard>
  );
}
