import { writeAuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { AppError } from '../../errors';
import type { Page } from '../../pagination';
import {
  findParticipantDetail,
  listParticipants,
  type ParticipantRow,
} from '../../repositories/participants';
import type { OrgScope } from '../../scope';
import type { ListParticipantsQuery } from '../../validation/participants';

export type ParticipantDetail = NonNullable<Awaited<ReturnType<typeof findParticipantDetail>>>;

/** A page of participants; writes `participants.listed` with the filters and how many were shown. */
export async function viewParticipantList(
  db: Database,
  scope: OrgScope,
  query: ListParticipantsQuery,
): Promise<Page<ParticipantRow>> {
  requirePermission(scope, 'participants.read');
  const page = await listParticipants(db, scope, query);
  const { limit: _limit, cursor, ...filters } = query;
  await writeAuditEvent(db, scope, {
    type: 'participants.listed',
    targetType: 'org',
    targetId: scope.orgId,
    metadata: { filters, count: page.items.length, page: cursor ? 'next' : 'first' },
  });
  return page;
}

/** One participant with everything around it; writes `participant.viewed`. Not in this org: 404. */
export async function viewParticipant(
  db: Database,
  scope: OrgScope,
  participantId: string,
): Promise<ParticipantDetail> {
  requirePermission(scope, 'participants.read');
  const detail = await findParticipantDetail(db, scope, participantId);
  if (!detail) throw new AppError('not_found', 'No such participant in this org.');
  await writeAuditEvent(db, scope, {
    type: 'participant.viewed',
    targetType: 'participant',
    targetId: participantId,
    metadata: { relationships: detail.relationshipCount },
  });
  return detail;
}
