import { writeAuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { countSegments, type SegmentCount } from '../../repositories/segments';
import type { OrgScope } from '../../scope';

/** Every segment with its size; writes `segments.viewed` with the counts the viewer saw. */
export async function viewSegments(db: Database, scope: OrgScope): Promise<{ segments: SegmentCount[] }> {
  requirePermission(scope, 'segments.read');
  const segments = await countSegments(db, scope);
  await writeAuditEvent(db, scope, {
    type: 'segments.viewed',
    targetType: 'org',
    targetId: scope.orgId,
    metadata: { counts: Object.fromEntries(segments.map((s) => [s.key, s.count])) },
  });
  return { segments };
}
