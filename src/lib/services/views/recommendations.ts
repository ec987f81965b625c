import { writeAuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { withOrg, type OrgDb } from '../../database/with-org';
import type { InterventionType } from '../../domain';
import type { Page } from '../../pagination';
import {
  findRecommendationTargets,
  type RecommendationTarget,
} from '../../repositories/recommendation-targets';
import {
  countRecommendationFacets,
  findRecommendationDecisions,
  listRecommendations,
  type RecommendationDecision,
  type RecommendationFacet,
  type RecommendationFilters,
  type RecommendationRow,
} from '../../repositories/recommendations';
import type { RequestScope } from '../../scope';
import { matchingIntervention } from '../recommendations';

export type RecommendationListQuery = RecommendationFilters & { limit: number; cursor?: string };

export type RecommendationWithTarget = RecommendationRow & {
  /** What accepting with `intervene` applies, if anything. */
  intervention: InterventionType | null;
  target: RecommendationTarget | null;
  /** Who decided, why, and the intervention it applied; null while pending. */
  decision: RecommendationDecision | null;
};

/**
 * A page of recommendations, each with its target as it is now (one query for the page's targets);
 * writes `recommendations.viewed` with the filters asked and the count.
 */
export async function viewRecommendations(
  db: Database,
  scope: RequestScope,
  query: RecommendationListQuery,
): Promise<Page<RecommendationWithTarget>> {
  requirePermission(scope, 'recommendations.read');
  return withOrg(db, scope, (tx) => loadRecommendations(tx, scope, query));
}

async function loadRecommendations(
  db: OrgDb,
  scope: RequestScope,
  query: RecommendationListQuery,
): Promise<Page<RecommendationWithTarget>> {
  const page = await listRecommendations(db, scope, query);
  const targets = await findRecommendationTargets(db, scope, page.items);
  const decided = page.items.filter((r) => r.status !== 'pending').map((r) => r.id);
  const decisions = await findRecommendationDecisions(db, scope, decided);
  await writeAuditEvent(db, scope, {
    type: 'recommendations.viewed',
    targetType: 'org',
    targetId: scope.orgId,
    metadata: {
      status: query.status ?? null,
      suggestedAction: query.suggestedAction ?? null,
      targetType: query.targetType ?? null,
      count: page.items.length,
      page: query.cursor ? 'next' : 'first',
    },
  });
  return {
    items: page.items.map((r) => ({
      ...r,
      intervention: matchingIntervention(r) ?? null,
      target: targets.get(`${r.targetType}:${r.targetId}`) ?? null,
      decision: decisions.get(r.id) ?? null,
    })),
    nextCursor: page.nextCursor,
  };
}

/**
 * The inbox page: the first page of the list as `viewRecommendations` (and its one audit event), plus
 * how many recommendations there are per status, action and target type, for the tabs and filters.
 */
export async function viewRecommendationInbox(
  db: Database,
  scope: RequestScope,
  query: RecommendationListQuery,
): Promise<{ page: Page<RecommendationWithTarget>; facets: RecommendationFacet[] }> {
  return withOrg(db, scope, async (tx) => {
    const page = await viewRecommendations(tx, scope, query);
    return { page, facets: await countRecommendationFacets(tx, scope) };
  });
}
