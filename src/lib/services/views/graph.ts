import { writeAuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { AppError } from '../../errors';
import { GraphTooLargeError, loadNeighbourhood, loadWholeGraph, type Graph } from '../../repositories/graph';
import type { OrgScope } from '../../scope';
import {
  MAX_COMPACT_GRAPH_EDGES,
  MAX_COMPACT_GRAPH_NODES,
  MAX_JSON_GRAPH_NODES,
  type GraphQuery,
} from '../../validation/graph';

async function loadGraph(db: Database, scope: OrgScope, query: GraphQuery): Promise<Graph> {
  const compact = query.format === 'compact';
  let graph: Graph | undefined;
  try {
    graph = query.focus
      ? await loadNeighbourhood(db, scope, { ...query, focus: query.focus })
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
export async function viewGraph(db: Database, scope: OrgScope, query: GraphQuery): Promise<Graph> {
  requirePermission(scope, 'graph.read');
  const graph = await loadGraph(db, scope, query);
  const { format, perHop, ...filters } = query;
  await writeAuditEvent(db, scope, {
    type: 'graph.viewed',
    targetType: query.focus ? 'participant' : 'org',
    targetId: query.focus ?? scope.orgId,
    metadata: {
      filters,
      format,
      ...(query.focus ? { perHop } : {}),
      nodes: graph.nodes.length,
      edges: graph.edges.length,
      truncated: graph.truncated,
    },
  });
  return graph;
}
