import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { can } from '../../../../../lib/permissions';
import { viewParticipantsPage } from '../../../../../lib/services/views/participants';
import { requireOrgPage } from '../../../page-guard';
import { ParticipantsList } from '../participants-list.client';
import { loadParticipantsSearchParams, toApiQuery } from '../participants-params';
import { requestNow } from '../../../request-now';

export const metadata: Metadata = { title: 'Participants' };

const FIRST_PAGE = 100;

// The first page is read (and audited as participants.listed) here, through the view service the API
// uses; later pages come from the API as the table scrolls.
export default async function ParticipantsPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { db, scope } = await requireOrgPage({ params, permission: 'participants.read' });
  const query = toApiQuery(await loadParticipantsSearchParams(searchParams));
  const { page, roles } = await viewParticipantsPage(db, scope, { ...query, limit: FIRST_PAGE });
  return (
    <ParticipantsList
      orgId={scope.orgId}
      timeZone={scope.timezone}
      now={requestNow()}
      roles={roles}
      query={query}
      initialPage={page}
      canIntervene={can(scope.role, 'interventions.write')}
    />
  );
}
