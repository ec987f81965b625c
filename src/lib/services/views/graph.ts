import { writeAuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { AppError } from '../../errors';
import {
  countParticipants,
  GraphTooLargeError,
  loadNeighbourhood,
  loadOverview,
  loadWholeGraph,
  type Graph,
} from '../../repositories/graph';
import type { MemberScope } from '../../scope';
import {
  MAX_COMPACT_GRAPH_EDGES,
  MAX_COMPACT_GRAPH_NODES,
  MAX_JSON_GRAPH_NODES,
  OVERVIEW_GRAPH_NODES,
  type GraphQuery,
} from '../../validation/graph';

/**
 * How many participants the org has, so the explorer page knows whether to draw the org whole or open
 * on the overview. Not audited: it shows no participant; the graph request that follows is.
 */
export async function graphExplorerSize(db: Database, scope: MemberScope): Promise<{ participants: number }> {
  requirePermission(scope, 'graph.read');
  return { participants: await countParticipants(db, scope) };
}

async function loadGraph(db: Database, scope: MemberScope, query: GraphQuery): Promise<Graph> {
  const compact = query.format === 'compact';
  let graph: Graph | undefined;
  try {
    graph = query.focus
      ? await loadNeighbourhood(db, scope, { ...query, focus: query.focus })
      : query.view === 'overview'
        ? await loadOverview(db, scope, query, OVERVIEW_GRAPH_NODES)
        : await loadWholeGraph(db, scope, query, {
            maxNodes: compact ? MAX_COMPACT_GRAPH_NODES : MAX_JSON_GRAPH_NODES,
            maxEdges: compact ? MAX_COMPACT_GRAPH_EDGES : MAX_JSON_GRAPH_NODES * 20,
          });
  } catch (error) {
    if (!(error instanceof GraphTooLargeError)) throw error;
    throw new AppError(
      'unprocessable',
      `The graph has ${error.nodes} participants with these filters: too many to ${compact ? 'send' : 'draw whole'}. ` +
        (compact
          ? 'Filter it, or focus on a participant.'
          : 'Filter it, focus on a participant, or ask for format=compact.'),
    );
  }
  if (!graph) throw new AppError('not_found', 'The focus participant is not in this org.');
  return graph;
}

/**
 * The whole (filtered) graph, or the neighbourhood of `focus`; writes `graph.viewed` with what was
 * drawn. Too large for the form asked: 422; a focus outside the org: 404. The caller chooses the wire
 * form (`toCompact` for format=compact).
 */
export async function viewGraph(db: Database, scope: MemberScope, query: GraphQuery): Promise<Graph> {
  requirePermission(scope, 'graph.read');
  const graph = await loadGraph(db, scope, query);
  const { format, perHop, view, ...filters } = query;
  await writeAuditEvent(db, scope, {
    type: 'graph.viewed',
    targetType: query.focus ? 'participant' : 'org',
    targetId: query.focus ?? scope.orgId,
    metadata: {
      filters,
      format,
      ...(view === 'overview' ? { view } : {}),
      ...(query.focus ? { perHop } : {}),
      nodes: graph.nodes.length,
      edges: graph.edges.length,
      truncated: graph.truncated,
      ...(graph.overview ? { overview: graph.overview } : {}),
    },
  });
  return graph;
}
