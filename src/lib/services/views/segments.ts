import { writeAuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { withOrg, type OrgDb } from '../../database/with-org';
import type { SegmentSettings } from '../../domain';
import { countSegments, getSegmentSettings, type SegmentCount } from '../../repositories/segments';
import type { RequestScope } from '../../scope';

async function auditedCounts(tx: OrgDb, scope: RequestScope): Promise<SegmentCount[]> {
  const segments = await countSegments(tx, scope);
  await writeAuditEvent(tx, scope, {
    type: 'segments.viewed',
    targetType: 'org',
    targetId: scope.orgId,
    metadata: { counts: Object.fromEntries(segments.map((s) => [s.key, s.count])) },
  });
  return segments;
}

/** Every segment with its size; writes `segments.viewed` with the counts the viewer saw. */
export async function viewSegments(db: Database, scope: RequestScope): Promise<{ segments: SegmentCount[] }> {
  requirePermission(scope, 'segments.read');
  return { segments: await withOrg(db, scope, (tx) => auditedCounts(tx, scope)) };
}

/** The same, with the thresholds the rules use (the segments page states them); the same event. */
export async function viewSegmentsWithThresholds(
  db: Database,
  scope: RequestScope,
): Promise<{ segments: SegmentCount[]; thresholds: SegmentSettings }> {
  requirePermission(scope, 'segments.read');
  return withOrg(db, scope, async (tx) => {
    const segments = await auditedCounts(tx, scope);
    return { segments, thresholds: await getSegmentSettings(tx, scope) };
  });
}
