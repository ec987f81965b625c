import type { Metadata } from 'next';
import { cache } from 'react';
import type { SearchParams } from 'nuqs/server';
import { can } from '../../../../../lib/permissions';
import { viewParticipantsPage } from '../../../../../lib/services/views/participants';
import { requireOrgPage } from '../../../page-guard';
import { ParticipantsList } from '../participants-list.client';
import { loadParticipantsSearchParams, toApiQuery } from '../participants-params';

export const metadata: Metadata = { title: 'Participants' };

const FIRST_PAGE = 100;

// When the page was read: relative times ("3 days ago") are computed from it on the server and in the
// browser alike, so both renders agree.
const requestNow = cache(() => Date.now());

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
