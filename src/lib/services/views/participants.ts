import { splitSearch, writeAuditEvent, writeListPageViewed, type AuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { inOrgWithConnection, withOrg, type BulkDatabase } from '../../database/with-org';
import { AppError } from '../../errors';
import type { Page } from '../../pagination';
import {
  findParticipantDetailJson,
  listParticipantRoles,
  listParticipants,
  exportParticipantLines,
  type ParticipantDetail,
  type ParticipantRow,
} from '../../repositories/participants';
import { exportRelationshipLines } from '../../repositories/relationships';
import type { SegmentKey } from '../../domain';
import type { RequestScope } from '../../scope';
import type {
  ListParticipantsQuery,
  ParticipantExportFormat,
  ParticipantFilters,
} from '../../validation/participants';

export type { ParticipantDetail };

/** A page of participants; writes `participants.listed` with the filters and how many were shown. */
export async function viewParticipantList(
  db: Database,
  scope: RequestScope,
  query: ListParticipantsQuery,
): Promise<Page<ParticipantRow>> {
  requirePermission(scope, 'participants.read');
  return withOrg(db, scope, async (tx) => {
    const page = await listParticipants(tx, scope, query);
    await writeListPageViewed(tx, scope, 'participants.listed', query, page.items.length);
    return page;
  });
}

/**
 * The participants page: the first page as the list API reads and audits it, and the org's roles for
 * the role filter.
 */
export async function viewParticipantsPage(
  db: Database,
  scope: RequestScope,
  query: ListParticipantsQuery,
): Promise<{ page: Page<ParticipantRow>; roles: string[] }> {
  return withOrg(db, scope, async (tx) => {
    const page = await viewParticipantList(tx, scope, query);
    return { page, roles: await listParticipantRoles(tx, scope) };
  });
}

/**
 * One participant with everything around it, as the JSON text of a ParticipantDetail (the API sends it
 * as it is); writes `participant.viewed`. Not in this org: 404.
 */
export async function viewParticipantJson(
  db: Database,
  scope: RequestScope,
  participantId: string,
): Promise<string> {
  requirePermission(scope, 'participants.read');
  return withOrg(db, scope, async (tx) => {
    const detail = await findParticipantDetailJson(tx, scope, participantId);
    if (!detail) throw new AppError('not_found', 'No such participant in this org.');
    await writeAuditEvent(tx, scope, {
      type: 'participant.viewed',
      targetType: 'participant',
      targetId: participantId,
      metadata: { relationships: detail.relationshipCount },
    });
    return detail.json;
  });
}

/** viewParticipantJson's answer, parsed (the participant page). */
export async function viewParticipant(
  db: Database,
  scope: RequestScope,
  participantId: string,
): Promise<ParticipantDetail> {
  return JSON.parse(await viewParticipantJson(db, scope, participantId)) as ParticipantDetail;
}

/**
 * Every participant matching the list's filters, in its order, as a lazy stream (one batch in memory
 * at a time). Anyone who may page through the list may take it whole (`participants.read`): the list
 * API already hands out every row. The export is recorded before it starts, so a copy taken is in the
 * log even if the download breaks off.
 */
export async function exportParticipants(
  database: BulkDatabase,
  scope: RequestScope,
  input: { format: ParticipantExportFormat; filters: ParticipantFilters },
): Promise<AsyncGenerator<string | Uint8Array>> {
  requirePermission(scope, 'participants.read');
  const { filters, personal } = splitSearch(input.filters);
  return audited(
    database.db,
    scope,
    {
      type: 'participants.exported',
      targetType: 'org',
      targetId: scope.orgId,
      metadata: { format: input.format, filters },
      personal,
    },
    () => exportParticipantLines(inOrgWithConnection(database, scope), scope, input.filters, input.format),
  );
}

/** An export's event, written (and committed) before its first row is read: the rows, streamed. */
async function audited<T>(
  db: Database,
  scope: RequestScope,
  event: AuditEvent,
  rows: () => AsyncGenerator<T>,
): Promise<AsyncGenerator<T>> {
  await withOrg(db, scope, (tx) => writeAuditEvent(tx, scope, event));
  return rows();
}

/**
 * Every relationship of the org (at least `minConfidence`), streamed in batches, each side named by its
 * participant's email too; writes `relationships.exported` first, as the participants export does.
 */
export async function exportRelationships(
  database: BulkDatabase,
  scope: RequestScope,
  input: { format: ParticipantExportFormat; minConfidence?: number },
): Promise<AsyncGenerator<string | Uint8Array>> {
  requirePermission(scope, 'graph.read');
  return audited(
    database.db,
    scope,
    { type: 'relationships.exported', targetType: 'org', targetId: scope.orgId, metadata: input },
    () =>
      exportRelationshipLines(inOrgWithConnection(database, scope), scope, input.minConfidence, input.format),
  );
}

/** The members of one segment, by name, streamed like the participants export; writes `segment.exported`. */
export async function exportSegment(
  database: BulkDatabase,
  scope: RequestScope,
  input: { format: ParticipantExportFormat; segment: SegmentKey },
): Promise<AsyncGenerator<string | Uint8Array>> {
  requirePermission(scope, 'segments.read');
  return audited(
    database.db,
    scope,
    {
      type: 'segment.exported',
      targetType: 'segment',
      targetId: input.segment,
      metadata: { format: input.format },
    },
    () =>
      exportParticipantLines(
        inOrgWithConnection(database, scope),
        scope,
        { segment: input.segment, sort: 'name' },
        input.format,
      ),
  );
}
