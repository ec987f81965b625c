import type { Metadata } from 'next';
import { PageHeader } from '../../../../components/ui/page-header';
import { can } from '../../../../lib/permissions';
import { STAGE_COUNT_DAYS, viewOverview } from '../../../../lib/services/views/overview';
import { requireOrgPage } from '../../page-guard';
import { OverviewActivity } from './_overview/overview-activity';
import { OverviewInterventions } from './_overview/overview-interventions';
import { OverviewRecent } from './_overview/overview-recent';
import { OverviewRecommendations } from './_overview/overview-recommendations';
import { OverviewSegments } from './_overview/overview-segments';
import { OverviewStageCounts } from './_overview/overview-stage-counts';
import { OverviewStageFlows } from './_overview/overview-stage-flows.client';
import { buildFlowChart, stageCountRows } from './_overview/stage-flow-series';

export const metadata: Metadata = { title: 'Overview' };

export default async function OrgOverviewPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { db, scope } = await requireOrgPage({ params, permission: 'org.read' });
  const overview = await viewOverview(db, scope);
  const { totals, stageFlows } = overview;
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
        <OverviewStageFlows
          className="lg:col-span-2"
          charts={{
            day: buildFlowChart(stageFlows.moves, 'day', stageFlows.today),
            week: buildFlowChart(stageFlows.moves, 'week', stageFlows.today),
          }}
          ran={stageFlows.lastUpdateDay !== null}
          settingsHref={can(scope.role, 'org.settings') ? `/console/${scope.orgId}/settings` : null}
        />
        <OverviewStageCounts
          rows={stageCountRows(stageFlows.counts)}
          days={STAGE_COUNT_DAYS}
          lastUpdateDay={stageFlows.lastUpdateDay}
        />
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
