import { writeAuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { countOrgOverview, type OrgOverview } from '../../repositories/org-overview';
import type { OrgScope } from '../../scope';

/** The org's headline numbers; writes `overview.viewed` with the numbers shown. */
export async function viewOverview(db: Database, scope: OrgScope): Promise<OrgOverview> {
  requirePermission(scope, 'org.read');
  const overview = await countOrgOverview(db, scope);
  await writeAuditEvent(db, scope, {
    type: 'overview.viewed',
    targetType: 'org',
    targetId: scope.orgId,
    metadata: { ...overview },
  });
  return overview;
}
