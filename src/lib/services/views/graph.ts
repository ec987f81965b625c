import { writeAuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { withOrg, withOrgConnection, type BulkDatabase, type OrgDb } from '../../database/with-org';
import { AppError } from '../../errors';
import {
  findCommunityGraph,
  findLatestAtlasRun,
  findLatestOverview,
  type StoredOverview,
} from '../../repositories/atlas-results-queries';
import {
  countParticipants,
  filtersParticipants,
  GraphTooLargeError,
  loadNeighbourhood,
  loadOverview,
  loadWholeGraph,
  type Graph,
  type NeighbourhoodText,
} from '../../repositories/graph';
import { readCompactGraph } from '../../repositories/compact-graph';
import type { AnswerPiece } from '../../http/gzip-pieces';
import type { RequestScope } from '../../scope';
import {
  COMMUNITY_GRAPH_EDGES,
  COMMUNITY_GRAPH_NODES,
  MAX_COMPACT_GRAPH_EDGES,
  MAX_COMPACT_GRAPH_NODES,
  MAX_JSON_GRAPH_NODES,
  OVERVIEW_COMMUNITIES,
  OVERVIEW_GRAPH_NODES,
  OVERVIEW_LINKS,
  type CommunityOverview,
  type GraphQuery,
} from '../../validation/graph';

/**
 * How many participants the org has, so the explorer page knows whether to draw the org whole or open
 * on the overview. Not audited: it shows no participant; the graph request that follows is.
 */
export async function graphExplorerSize(
  db: Database,
  scope: RequestScope,
): Promise<{ participants: number }> {
  requirePermission(scope, 'graph.read');
  return { participants: await withOrg(db, scope, (tx) => countParticipants(tx, scope)) };
}

const hasFilters = (q: GraphQuery) => filtersParticipants(q) || q.minConfidence !== undefined;

/** A community of the latest Atlas run; 404 saying whether there is no run or no such community. */
async function loadCommunity(db: OrgDb, scope: RequestScope, query: GraphQuery, community: number) {
  const graph = await findCommunityGraph(db, scope, community, query, {
    maxNodes: COMMUNITY_GRAPH_NODES,
    maxEdges: COMMUNITY_GRAPH_EDGES,
  });
  if (graph) return graph;
  const run = await findLatestAtlasRun(db, scope);
  throw new AppError(
    'not_found',
    run
      ? `The latest Atlas run (finished ${run.finishedAt}) found no community ${community}.`
      : 'Atlas has not run for this org yet, so it has no communities to open.',
  );
}

/** 422 for a graph over the limits of its form, saying what to do instead. */
function tooLarge(error: GraphTooLargeError, compact: boolean): AppError {
  return new AppError(
    'unprocessable',
    `The graph has ${error.nodes} participants with these filters: too many to ${compact ? 'send' : 'draw whole'}. ` +
      (compact
        ? 'Filter it, or focus on a participant.'
        : 'Filter it, focus on a participant, or ask for format=compact.'),
  );
}

/** The focus's neighbourhood as JSON text; 404 when the focus is not a participant of this org. */
async function findNeighbourhood(
  db: OrgDb,
  scope: RequestScope,
  query: GraphQuery & { focus: string },
): Promise<NeighbourhoodText> {
  const text = await loadNeighbourhood(db, scope, query);
  if (!text) throw new AppError('not_found', 'The focus participant is not in this org.');
  return text;
}

/** A neighbourhood's text as the Graph it writes (for the compact form). */
const parseNeighbourhood = (text: NeighbourhoodText): Graph => JSON.parse(text.pieces.join('')) as Graph;

async function loadGraph(
  db: OrgDb,
  scope: RequestScope,
  query: GraphQuery,
  pause?: () => Promise<void>,
): Promise<Graph> {
  const compact = query.format === 'compact';
  if (query.community !== undefined) return loadCommunity(db, scope, query, query.community);
  let graph: Graph;
  try {
    graph = query.focus
      ? parseNeighbourhood(await findNeighbourhood(db, scope, { ...query, focus: query.focus }))
      : query.view === 'overview'
        ? await loadOverview(
            db,
            scope,
            query,
            OVERVIEW_GRAPH_NODES,
            (await findLatestAtlasRun(db, scope)) ? 'filters' : 'no_atlas_run',
            pause,
          )
        : await loadWholeGraph(
            db,
            scope,
            query,
            {
              maxNodes: compact ? MAX_COMPACT_GRAPH_NODES : MAX_JSON_GRAPH_NODES,
              maxEdges: compact ? MAX_COMPACT_GRAPH_EDGES : MAX_JSON_GRAPH_NODES * 20,
            },
            pause,
          );
  } catch (error) {
    throw error instanceof GraphTooLargeError ? tooLarge(error, compact) : error;
  }
  return graph;
}

/**
 * The whole (filtered) graph, the neighbourhood of `focus`, a community of the latest Atlas run, or —
 * for view=overview — the most connected participants (see viewGraphOverview for the stored
 * communities); writes `graph.viewed` with what was drawn. Too large for the form asked: 422; a focus
 * outside the org or an unknown community: 404. The caller chooses the wire form (`toCompact` for
 * format=compact). A whole org is read a page at a time, awaiting `pause` between pages.
 */
export async function viewGraph(
  db: Database,
  scope: RequestScope,
  query: GraphQuery,
  pause?: () => Promise<void>,
): Promise<Graph> {
  requirePermission(scope, 'graph.read');
  return withOrg(db, scope, (tx) => loadAndAudit(tx, scope, query, pause));
}

async function loadAndAudit(
  tx: OrgDb,
  scope: RequestScope,
  query: GraphQuery,
  pause?: () => Promise<void>,
): Promise<Graph> {
  const graph = await loadGraph(tx, scope, query, pause);
  await auditGraphViewed(tx, scope, query, {
    nodes: graph.nodes.length,
    edges: graph.edges.length,
    truncated: graph.truncated,
    overview: graph.overview,
    jobId: graph.community?.run.jobId,
  });
  return graph;
}

/** `graph.viewed`: what was asked for and how much of it was sent. */
async function auditGraphViewed(
  tx: OrgDb,
  scope: RequestScope,
  query: GraphQuery,
  drawn: {
    nodes: number;
    edges: number;
    truncated: Graph['truncated'];
    overview?: Graph['overview'];
    jobId?: string;
  },
) {
  const { format, perHop, view, community, ...filters } = query;
  await writeAuditEvent(tx, scope, {
    type: 'graph.viewed',
    targetType: query.focus ? 'participant' : 'org',
    targetId: query.focus ?? scope.orgId,
    metadata: {
      filters,
      format,
      ...(view === 'overview' ? { view } : {}),
      ...(community !== undefined ? { community, jobId: drawn.jobId } : {}),
      ...(query.focus ? { perHop } : {}),
      nodes: drawn.nodes,
      edges: drawn.edges,
      truncated: drawn.truncated,
      ...(drawn.overview ? { overview: drawn.overview } : {}),
    },
  });
}

/**
 * The whole (filtered) org in the compact form, its JSON text written from PostgreSQL's rows
 * (docs/decisions/041, 062), on a connection of its own (COPY needs it), in one snapshot: the
 * participants, then the relationships among them. Through COPY each column is deflated as it is
 * written and only that is kept (docs/decisions/069): send the pieces with gzipPieces or
 * inflatedPieces. Over MAX_COMPACT_GRAPH_NODES participants or MAX_COMPACT_GRAPH_EDGES relationships:
 * 422. `graph.viewed` is written as viewGraph does, once the read is over and before anything is sent.
 */
export async function viewCompactGraph(
  database: BulkDatabase,
  scope: RequestScope,
  query: GraphQuery,
  { pause }: { pause?: () => Promise<void> } = {},
): Promise<Iterable<AnswerPiece>> {
  requirePermission(scope, 'graph.read');
  const options = { maxNodes: MAX_COMPACT_GRAPH_NODES, maxEdges: MAX_COMPACT_GRAPH_EDGES };
  const graph = await withOrgConnection(
    database,
    scope,
    (tx, connection) => readCompactGraph(tx, scope, query, options, pause, connection),
    { snapshot: true },
  ).catch((error: unknown) => {
    throw error instanceof GraphTooLargeError ? tooLarge(error, true) : error;
  });
  // A snapshot cannot write the event (the audit chain's head is read as of the commit): it is written
  // in a transaction of its own, the read's connection given back first (a request never holds two).
  await withOrg(database.db, scope, (tx) =>
    auditGraphViewed(tx, scope, query, { nodes: graph.nodes, edges: graph.edges, truncated: [] }),
  );
  // Each piece let go of once it is sent: what the answer holds is what is still to be sent.
  return handedOver(graph.pieces);
}

/** The pieces one at a time, each taken out of the array as it is handed over. */
function* handedOver(pieces: AnswerPiece[]) {
  for (let piece = pieces.shift(); piece !== undefined; piece = pieces.shift()) yield piece;
}

/**
 * The neighbourhood of `focus` in the JSON form, its text written by PostgreSQL (docs/decisions/057);
 * writes `graph.viewed` as viewGraph does. A focus outside the org: 404.
 */
export async function viewNeighbourhood(
  db: Database,
  scope: RequestScope,
  query: GraphQuery & { focus: string },
): Promise<NeighbourhoodText> {
  requirePermission(scope, 'graph.read');
  return withOrg(db, scope, async (tx) => {
    const text = await findNeighbourhood(tx, scope, query);
    await auditGraphViewed(tx, scope, query, text);
    return text;
  });
}

export type GraphOverview =
  { kind: 'communities'; overview: StoredOverview } | { kind: 'participants'; graph: Graph };

/**
 * view=overview: the communities of the org's latest succeeded Atlas run, as it stored them — or,
 * before the first run or with filters (the stored overview describes the whole org), the most
 * connected participants, saying why. Writes `graph.viewed` with the view and the run.
 */
export async function viewGraphOverview(
  db: Database,
  scope: RequestScope,
  query: GraphQuery,
  pause?: () => Promise<void>,
): Promise<GraphOverview> {
  requirePermission(scope, 'graph.read');
  return withOrg(db, scope, (tx) => loadOverviewAndAudit(tx, scope, query, pause));
}

async function loadOverviewAndAudit(
  tx: OrgDb,
  scope: RequestScope,
  query: GraphQuery,
  pause?: () => Promise<void>,
): Promise<GraphOverview> {
  const stored = hasFilters(query) ? undefined : await findStoredOverview(tx, scope);
  if (!stored)
    return {
      kind: 'participants',
      graph: await loadAndAudit(tx, scope, { ...query, view: 'overview' }, pause),
    };
  await auditStoredOverview(tx, scope, stored);
  return { kind: 'communities', overview: stored };
}

const findStoredOverview = (tx: OrgDb, scope: RequestScope) =>
  findLatestOverview(tx, scope, { communities: OVERVIEW_COMMUNITIES, links: OVERVIEW_LINKS });

/** `graph.viewed` for the stored communities of a run. */
async function auditStoredOverview(tx: OrgDb, scope: RequestScope, stored: StoredOverview) {
  await writeAuditEvent(tx, scope, {
    type: 'graph.viewed',
    targetType: 'org',
    targetId: scope.orgId,
    metadata: {
      view: 'overview',
      jobId: stored.run.jobId,
      communities: stored.communities.length,
      links: stored.links.length,
      leftOut: stored.leftOut,
    },
  });
}

/**
 * The communities of the org's latest succeeded Atlas run as `GET …/graph?view=overview` answers them
 * (whatever the format), audited alike — or undefined, writing nothing, before the first run. The
 * graph page reads a large org's first view with it while it renders, rather than the explorer asking
 * for it once loaded (docs/decisions/060). Only the stored rows: the fallback before a run reads the
 * org's most connected participants, a heavy read left to the API and its queue for heavy requests.
 */
export async function viewStoredCommunities(
  db: Database,
  scope: RequestScope,
): Promise<CommunityOverview | undefined> {
  requirePermission(scope, 'graph.read');
  return withOrg(db, scope, async (tx) => {
    const stored = await findStoredOverview(tx, scope);
    if (!stored) return undefined;
    await auditStoredOverview(tx, scope, stored);
    return { view: 'communities', ...stored };
  });
}
