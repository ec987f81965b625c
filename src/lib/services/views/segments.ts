import { writeAuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import type { SegmentSettings } from '../../domain';
import { countSegments, getSegmentSettings, type SegmentCount } from '../../repositories/segments';
import type { MemberScope } from '../../scope';

async function auditedCounts(db: Database, scope: MemberScope): Promise<SegmentCount[]> {
  requirePermission(scope, 'segments.read');
  const segments = await countSegments(db, scope);
  await writeAuditEvent(db, scope, {
    type: 'segments.viewed',
    targetType: 'org',
    targetId: scope.orgId,
    metadata: { counts: Object.fromEntries(segments.map((s) => [s.key, s.count])) },
  });
  return segments;
}

/** Every segment with its size; writes `segments.viewed` with the counts the viewer saw. */
export async function viewSegments(db: Database, scope: MemberScope): Promise<{ segments: SegmentCount[] }> {
  return { segments: await auditedCounts(db, scope) };
}

/** The same, with the thresholds the rules use (the segments page states them); the same event. */
export async function viewSegmentsWithThresholds(
  db: Database,
  scope: MemberScope,
): Promise<{ segments: SegmentCount[]; thresholds: SegmentSettings }> {
  const segments = await auditedCounts(db, scope);
  return { segments, thresholds: await getSegmentSettings(db, scope) };
}
