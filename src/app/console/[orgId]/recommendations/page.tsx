import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { cache } from 'react';
import { can } from '../../../../lib/permissions';
import { viewRecommendationInbox } from '../../../../lib/services/views/recommendations';
import { requireOrgPage } from '../../page-guard';
import { RecommendationsInbox } from './recommendations-inbox.client';
import { loadRecommendationSearchParams, toListFilters } from './recommendations-params';

export const metadata: Metadata = { title: 'Recommendations' };

const FIRST_PAGE = 25;

/** One instant per request, so that relative times ("41 days ago") read the same wherever rendered. */
const requestNow = cache(() => Date.now());

export default async function RecommendationsPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { db, scope } = await requireOrgPage({ params, permission: 'recommendations.read' });
  const filters = toListFilters(await loadRecommendationSearchParams(searchParams));
  const { page, facets } = await viewRecommendationInbox(db, scope, { ...filters, limit: FIRST_PAGE });
  return (
    <RecommendationsInbox
      orgId={scope.orgId}
      // The server's "now" travels with the page: the browser's render of the cards then matches it.
      now={requestNow()}
      canDecide={can(scope.role, 'recommendations.decide')}
      filters={filters}
      initialPage={page}
      facets={facets}
    />
  );
}
