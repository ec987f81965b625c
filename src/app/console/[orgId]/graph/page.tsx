import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { can } from '../../../../lib/permissions';
import { graphExplorerSize, viewStoredCommunities } from '../../../../lib/services/views/graph';
import { EXPLORER_WHOLE_GRAPH_NODES, OVERVIEW_GRAPH_NODES } from '../../../../lib/validation/graph';
import { requireOrgPage } from '../../page-guard';
import { GraphExplorer } from './graph-explorer.client';
import { hasNodeFilters, loadGraphSearchParams, toGraphApiQuery } from './graph-params';

export const metadata: Metadata = { title: 'Graph' };

// The page knows the org's size; the explorer loads the graph itself through the org API, which writes
// graph.viewed for each view (whole, overview, a community or a neighbourhood) as it is drawn. A large
// org's first view, the communities of its latest Atlas run, is read here instead, through the view
// service and audited alike: the explorer draws it as soon as it is on the page (decision 060).
export default async function GraphPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { db, scope } = await requireOrgPage({ params, permission: 'graph.read' });
  const { participants } = await graphExplorerSize(db, scope);
  const state = await loadGraphSearchParams(searchParams);
  const query = toGraphApiQuery(state, { participants, wholeLimit: EXPLORER_WHOLE_GRAPH_NODES });
  // With filters the overview is of participants, not of the stored communities.
  const unfiltered = !hasNodeFilters(state) && state.minConfidence === 0;
  const communities =
    query.view === 'overview' && unfiltered ? await viewStoredCommunities(db, scope) : undefined;
  const initial = communities ? { key: JSON.stringify(query), response: communities } : undefined;
  return (
    <GraphExplorer
      orgId={scope.orgId}
      participants={participants}
      wholeLimit={EXPLORER_WHOLE_GRAPH_NODES}
      overviewSize={OVERVIEW_GRAPH_NODES}
      initial={initial}
      canIntervene={can(scope.role, 'interventions.write')}
      canRunAtlas={can(scope.role, 'atlas.run')}
    />
  );
}
