import { writeAuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { inOrg, withOrg } from '../../database/with-org';
import type { ExportFormat } from '../../export-format';
import type { Page } from '../../pagination';
import { searchEvents, streamEvents, type AuditEventRow } from '../../repositories/events';
import type { MemberScope } from '../../scope';
import type { EventFilters } from '../../validation/events';

/** A page of the audit log; writes `audit.viewed` with the filters and how many were shown. */
export async function viewAuditLog(
  db: Database,
  scope: MemberScope,
  query: EventFilters & { limit: number; cursor?: string },
): Promise<Page<AuditEventRow>> {
  requirePermission(scope, 'audit.read');
  return withOrg(db, scope, async (tx) => {
    const page = await searchEvents(tx, scope, query);
    const { limit: _limit, cursor, ...filters } = query;
    await writeAuditEvent(tx, scope, {
      type: 'audit.viewed',
      targetType: 'org',
      targetId: scope.orgId,
      metadata: { filters, count: page.items.length, page: cursor ? 'next' : 'first' },
    });
    return page;
  });
}

/**
 * Every matching event, newest first, as a lazy stream (one batch in memory at a time). The export is
 * recorded before it starts: whoever took a copy, and of what, is in the log even if the download
 * breaks off.
 */
export async function exportAuditLog(
  db: Database,
  scope: MemberScope,
  input: { format: ExportFormat; filters: EventFilters },
): Promise<AsyncGenerator<AuditEventRow>> {
  requirePermission(scope, 'audit.read');
  await withOrg(db, scope, (tx) =>
    writeAuditEvent(tx, scope, {
      type: 'audit.exported',
      targetType: 'org',
      targetId: scope.orgId,
      metadata: { format: input.format, filters: input.filters },
    }),
  );
  return streamEvents(inOrg(db, scope), scope, input.filters);
}
