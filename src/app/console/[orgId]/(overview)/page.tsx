import type { Metadata } from 'next';
import { PageHeader } from '../../../../components/ui/page-header';
import { viewOverview } from '../../../../lib/services/views/overview';
import { requireOrgPage } from '../../page-guard';
import { OverviewActivity } from './_overview/overview-activity';
import { OverviewInterventions } from './_overview/overview-interventions';
import { OverviewRecent } from './_overview/overview-recent';
import { OverviewRecommendations } from './_overview/overview-recommendations';
import { OverviewSegments } from './_overview/overview-segments';

export const metadata: Metadata = { title: 'Overview' };

export default async function OrgOverviewPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { db, scope } = await requireOrgPage({ params, permission: 'org.read' });
  const overview = await viewOverview(db, scope);
  const { totals } = overview;
  const system = overview.segments.find((s) => s.key === 'system')?.count ?? 0;
  const n = (value: number, noun: string) => `${value.toLocaleString('en')} ${noun}${value === 1 ? '' : 's'}`;
  return (
    <div className="grid gap-4">
      <PageHeader
        className="pb-0"
        title={scope.orgName}
        description={`${n(totals.participants, 'participant')} · ${n(totals.relationships, 'relationship')} · ${n(totals.members, 'member')} · days in ${scope.timezone}`}
      />
      <OverviewSegments
        orgId={scope.orgId}
        segments={overview.segments}
        participants={totals.participants - system}
      />
      <div className="grid gap-4 lg:grid-cols-3">
        <OverviewActivity className="lg:col-span-2" activity={overview.activity} timezone={scope.timezone} />
        <OverviewRecommendations orgId={scope.orgId} open={overview.openRecommendations} />
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <OverviewInterventions weeks={overview.interventionsPerWeek} />
        <OverviewRecent
          className="lg:col-span-2"
          orgId={scope.orgId}
          interventions={overview.recentInterventions}
          timezone={scope.timezone}
          now={overview.generatedAt}
        />
      </div>
    </div>
  );
}
