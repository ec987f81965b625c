import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { withOrg } from '../../database/with-org';
import type { Page } from '../../pagination';
import { listMembers, type Member } from '../../repositories/memberships';
import type { RequestScope } from '../../scope';

/**
 * A page of the org's members. Writes no event, as the API never has: membership changes are each
 * audited (`member.*`), and the list holds no participant data (docs/decisions/013-view-services.md).
 */
export async function viewMembers(
  db: Database,
  scope: RequestScope,
  query: { limit: number; cursor?: string },
): Promise<Page<Member>> {
  requirePermission(scope, 'members.manage');
  return withOrg(db, scope, (tx) => listMembers(tx, scope, query));
}
