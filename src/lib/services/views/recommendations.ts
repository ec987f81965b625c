import { writeAuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import type { RecommendationStatus } from '../../domain';
import type { Page } from '../../pagination';
import { listRecommendations, type RecommendationRow } from '../../repositories/recommendations';
import type { OrgScope } from '../../scope';

export interface RecommendationListQuery {
  status?: RecommendationStatus;
  limit: number;
  cursor?: string;
}

/** A page of recommendations; writes `recommendations.viewed` with the status asked and the count. */
export async function viewRecommendations(
  db: Database,
  scope: OrgScope,
  query: RecommendationListQuery,
): Promise<Page<RecommendationRow>> {
  requirePermission(scope, 'recommendations.read');
  const page = await listRecommendations(db, scope, query);
  await writeAuditEvent(db, scope, {
    type: 'recommendations.viewed',
    targetType: 'org',
    targetId: scope.orgId,
    metadata: {
      status: query.status ?? null,
      count: page.items.length,
      page: query.cursor ? 'next' : 'first',
    },
  });
  return page;
}
