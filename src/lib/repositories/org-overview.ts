import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db';
import type { OrgScope } from '../scope';

export interface OrgOverview {
  participants: number;
  relationships: number;
  pendingRecommendations: number;
  members: number;
}

/** The headline numbers of an org, each an index-backed count filtered by its org. */
export async function countOrgOverview(db: Database, scope: OrgScope): Promise<OrgOverview> {
  const [row] = await queryRows<OrgOverview>(
    db,
    sql`SELECT
          (SELECT count(*)::int FROM participants WHERE org_id = ${scope.orgId}) AS "participants",
          (SELECT count(*)::int FROM relationships WHERE org_id = ${scope.orgId}) AS "relationships",
          (SELECT count(*)::int FROM recommendations WHERE org_id = ${scope.orgId} AND status = 'pending') AS "pendingRecommendations",
          (SELECT count(*)::int FROM org_memberships WHERE org_id = ${scope.orgId}) AS "members"`,
  );
  return row!;
}
