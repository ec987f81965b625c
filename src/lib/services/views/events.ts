import { writeAuditEvent, writeListPageViewed } from '../../audit';
import { anchorSignatureValid, type AnchorKeys } from '../../audit-chain/signing';
import type { Anchor } from '../../audit-chain/verifier';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { inOrgWithConnection, withOrg, type BulkDatabase } from '../../database/with-org';
import type { ExportFormat } from '../../export-format';
import type { Page } from '../../pagination';
import { findChainHead, findLatestAnchor } from '../../repositories/audit-chain';
import { exportEventLines, searchEvents, type AuditEventRow } from '../../repositories/events';
import { listJobs } from '../../repositories/jobs';
import type { RequestScope } from '../../scope';
import { verifyAuditChain, type VerifyReport } from '../audit-chain';
import type { EventFilters } from '../../validation/events';

/** A page of the audit log; writes `audit.viewed` with the filters and how many were shown. */
export async function viewAuditLog(
  db: Database,
  scope: RequestScope,
  query: EventFilters & { limit: number; cursor?: string },
): Promise<Page<AuditEventRow>> {
  requirePermission(scope, 'audit.read');
  return withOrg(db, scope, async (tx) => {
    const page = await searchEvents(tx, scope, query);
    await writeListPageViewed(tx, scope, 'audit.viewed', query, page.items.length);
    return page;
  });
}

/**
 * Every matching event, newest first, as a lazy stream (one batch in memory at a time). The export is
 * recorded before it starts: whoever took a copy, and of what, is in the log even if the download
 * breaks off.
 */
export async function exportAuditLog(
  database: BulkDatabase,
  scope: RequestScope,
  input: { format: ExportFormat; order?: 'newest' | 'chain'; filters: EventFilters },
): Promise<AsyncGenerator<string | Uint8Array>> {
  requirePermission(scope, 'audit.read');
  await withOrg(database.db, scope, (tx) =>
    writeAuditEvent(tx, scope, {
      type: 'audit.exported',
      targetType: 'org',
      targetId: scope.orgId,
      metadata: { format: input.format, order: input.order ?? 'newest', filters: input.filters },
    }),
  );
  return exportEventLines(
    inOrgWithConnection(database, scope),
    scope,
    input.filters,
    input.format,
    input.order,
  );
}

/** Walks the org's whole audit chain (streaming) and records that it was checked, and the outcome. */
export async function verifyAuditLog(
  db: Database,
  scope: RequestScope,
  keys: AnchorKeys | null,
): Promise<VerifyReport> {
  requirePermission(scope, 'audit.read');
  const report = await verifyAuditChain(db, scope, keys);
  await withOrg(db, scope, (tx) =>
    writeAuditEvent(tx, scope, {
      type: 'audit.verified',
      targetType: 'org',
      targetId: scope.orgId,
      metadata: {
        status: report.status,
        eventsChecked: report.eventsChecked,
        brokenAt: report.firstBroken?.seq ?? null,
        anchoredSeq: report.lastAnchor?.seq ?? null,
      },
    }),
  );
  return report;
}

export interface AuditChainStatus {
  /** The chain's last linked event. */
  head: { seq: number } | null;
  /** The latest anchor, and whether its signature verifies with the configured key. */
  lastAnchor: (Anchor & { signatureValid: boolean }) | null;
  /** What the latest anchoring run found, when it found the chain broken. */
  brokenAt: { seq: number | null; problem: string; detail: string; foundAt: string } | null;
  keyId: string | null;
}

/**
 * The audit page's chain status from what is stored (no walk of the chain): the head, the latest
 * anchor and whether the latest anchoring run found a break. A full verification is the API's.
 */
export async function viewAuditChainStatus(
  db: Database,
  scope: RequestScope,
  keys: AnchorKeys | null,
): Promise<AuditChainStatus> {
  requirePermission(scope, 'audit.read');
  const [head, anchor, [job]] = await withOrg(
    db,
    scope,
    async (tx) =>
      [
        await findChainHead(tx, scope),
        await findLatestAnchor(tx, scope),
        await listJobs(tx, scope, { kind: 'audit_anchor', status: 'succeeded', limit: 1 }),
      ] as const,
  );
  const broken = job?.result?.broken as { seq: number | null; problem: string; detail: string } | undefined;
  return {
    head: head ? { seq: head.seq } : null,
    lastAnchor: anchor
      ? { ...anchor, signatureValid: keys !== null && anchorSignatureValid(keys.publicKey, anchor) }
      : null,
    brokenAt: broken ? { ...broken, foundAt: job!.finishedAt ?? job!.createdAt } : null,
    keyId: keys?.keyId ?? null,
  };
}
