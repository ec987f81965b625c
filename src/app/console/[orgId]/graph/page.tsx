import type { Metadata } from 'next';
import { can } from '../../../../lib/permissions';
import { graphExplorerSize } from '../../../../lib/services/views/graph';
import { EXPLORER_WHOLE_GRAPH_NODES, OVERVIEW_GRAPH_NODES } from '../../../../lib/validation/graph';
import { requireOrgPage } from '../../page-guard';
import { GraphExplorer } from './graph-explorer.client';

export const metadata: Metadata = { title: 'Graph' };

// The page knows only the org's size; the explorer loads the graph itself through the org API, which
// writes graph.viewed for each view (whole, overview, a community or a neighbourhood) as it is drawn.
export default async function GraphPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { db, scope } = await requireOrgPage({ params, permission: 'graph.read' });
  const { participants } = await graphExplorerSize(db, scope);
  return (
    <GraphExplorer
      orgId={scope.orgId}
      participants={participants}
      wholeLimit={EXPLORER_WHOLE_GRAPH_NODES}
      overviewSize={OVERVIEW_GRAPH_NODES}
      canIntervene={can(scope.role, 'interventions.write')}
      canRunAtlas={can(scope.role, 'atlas.run')}
    />
  );
}
