import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { PageHeader } from '../../../../../components/ui/page-header';
import { can } from '../../../../../lib/permissions';
import { viewInterventionPeople, viewInterventions } from '../../../../../lib/services/views/interventions';
import { requireOrgPage } from '../../../page-guard';
import { InterventionsLog } from '../interventions-log.client';
import { loadInterventionFilters, toListFilters } from '../interventions-params';
import { NewInterventionButton } from '../new-intervention-button.client';

export const metadata: Metadata = { title: 'Interventions' };

const FIRST_PAGE = 50;

export default async function InterventionsPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { db, scope } = await requireOrgPage({ params, permission: 'interventions.read' });
  const filters = toListFilters(await loadInterventionFilters(searchParams), scope.timezone);
  const [page, operators] = await Promise.all([
    viewInterventions(db, scope, { ...filters, limit: FIRST_PAGE }),
    viewInterventionPeople(db, scope),
  ]);
  return (
    <>
      <PageHeader
        title="Interventions"
        description={`What operators changed, why, and whether it was reversed; newest first. Times in ${scope.timezone}.`}
        actions={can(scope.role, 'interventions.write') && <NewInterventionButton orgId={scope.orgId} />}
      />
      <InterventionsLog
        orgId={scope.orgId}
        timeZone={scope.timezone}
        filters={filters}
        initialPage={page}
        operators={operators}
      />
    </>
  );
}
