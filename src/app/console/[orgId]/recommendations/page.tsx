import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { can } from '../../../../lib/permissions';
import { viewAtlasRuns } from '../../../../lib/services/views/atlas-runs';
import { viewRecommendationStats } from '../../../../lib/services/views/recommendation-stats';
import { viewRecommendationInbox } from '../../../../lib/services/views/recommendations';
import { requireOrgPage } from '../../page-guard';
import { AtlasPanel } from './atlas-panel';
import { RecommendationsInbox } from './recommendations-inbox.client';
import { loadRecommendationSearchParams, toListFilters } from './recommendations-params';
import { requestNow } from '../../request-now';

export const metadata: Metadata = { title: 'Recommendations' };

const FIRST_PAGE = 25;

export default async function RecommendationsPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { db, scope } = await requireOrgPage({ params, permission: 'recommendations.read' });
  const filters = toListFilters(await loadRecommendationSearchParams(searchParams));
  const [{ page, facets }, runs, stats] = await Promise.all([
    viewRecommendationInbox(db, scope, { ...filters, limit: FIRST_PAGE }),
    viewAtlasRuns(db, scope),
    viewRecommendationStats(db, scope),
  ]);
  return (
    <RecommendationsInbox
      // A run that succeeded since the inbox was read brings a new first page: start the list over.
      key={runs.lastSucceeded?.id ?? 'no run'}
      orgId={scope.orgId}
      // The server's "now" travels with the page: the browser's render of the cards then matches it.
      now={requestNow()}
      canDecide={can(scope.role, 'recommendations.decide')}
      filters={filters}
      initialPage={page}
      facets={facets}
      atlas={
        <AtlasPanel
          orgId={scope.orgId}
          canRun={can(scope.role, 'atlas.run')}
          now={requestNow()}
          timezone={scope.timezone}
          latest={runs.latest}
          lastSucceeded={runs.lastSucceeded}
          stats={stats}
        />
      }
    />
  );
}
