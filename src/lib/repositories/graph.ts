import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import { type LifecycleStage, type SegmentKey, type SegmentSettings } from '../domain';
import type { OrgScope } from '../scope';
import type { GraphQuery } from '../validation/graph';
import { keysetPages } from './keyset';
import {
  confidenceAtLeast,
  edgesAmongText,
  listEdgesAmong,
  orgEdgePages,
  type GraphEdge,
} from './relationships';
import { getSegmentSettings, segmentCondition } from './segments';

// The graph, always assembled in SQL: whole (filtered) orgs for drawing, or the neighbourhood of one
// participant hop by hop, keeping the most connected at each hop so that a hub cannot flood the view.

export interface GraphNode {
  id: string;
  label: string;
  role: string;
  lifecycleStage: LifecycleStage;
  lastActivityAt: string | null;
  degree: number;
  /** The first segment the participant belongs to, in PRIMARY_SEGMENT_ORDER (for colouring). */
  segment: SegmentKey;
  /** A community's members: the position stored by the Atlas run. */
  x?: number;
  y?: number;
}

export type { GraphEdge } from './relationships';

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  truncated: { hop: number; kept: number; leftOut: number }[];
  /**
   * view=overview answered with participants: how many matched the filters, of which `nodes` are the
   * most connected, and why it is not the stored community overview.
   */
  overview?: { total: number; shown: number; reason: OverviewFallbackReason };
  /** community=<n>: the community drawn (its most central members matching the filters). */
  community?: GraphCommunity;
}

/** Why view=overview draws participants: no Atlas run has succeeded yet, or filters were given. */
export type OverviewFallbackReason = 'no_atlas_run' | 'filters';

export interface GraphCommunity {
  community: number;
  label: string;
  size: number;
  /** Members matching the filters (the drawn ones are the most central of them). */
  matched: number;
  edgesTruncated: boolean;
  /** The Atlas run (job) the community and the positions come from. */
  run: { jobId: string; finishedAt: string };
}

export class GraphTooLargeError extends Error {
  constructor(readonly nodes: number) {
    super(`graph of ${nodes} nodes`);
  }
}

const degreeOf = sql`(p.out_degree + p.in_degree)`;

/**
 * Segments overlap (an active participant can be highly connected); a node is coloured by the first it
 * belongs to in this order: automated accounts, then the structural segments, then activity.
 */
export const PRIMARY_SEGMENT_ORDER = [
  'system',
  'isolated',
  'highly_connected',
  'new',
  'active',
  'at_risk',
  'dormant',
] as const satisfies readonly SegmentKey[];

function primarySegment(scope: OrgScope, settings: SegmentSettings): SQL {
  const cases = PRIMARY_SEGMENT_ORDER.slice(0, -1).map(
    (key) => sql`WHEN ${segmentCondition(key, scope, settings, { perRow: true })} THEN ${key}`,
  );
  return sql`CASE ${sql.join(cases, sql` `)} ELSE 'dormant' END`;
}

/** A GraphNode's columns from `participants` aliased p. */
export const nodeColumns = (
  scope: OrgScope,
  settings: SegmentSettings,
) => sql`p.id, p.display_name AS label, p.role,
  p.lifecycle_stage AS "lifecycleStage",
  to_char(p.last_activity_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "lastActivityAt",
  ${degreeOf} AS degree, ${primarySegment(scope, settings)} AS segment`;

/**
 * nodeColumns' values in their own types, unwritten (texts, the last activity as a timestamp, the
 * degree as an int4): for the compact graph's COPY, whose reader writes their JSON (decision 063).
 */
export const rawNodeColumns = (scope: OrgScope, settings: SegmentSettings) =>
  sql`p.id, p.display_name, p.role, p.lifecycle_stage, p.last_activity_at, ${degreeOf}::int,
      ${primarySegment(scope, settings)}`;

/** Whether the query filters participants (stage, role or segment), not only relationships. */
export const filtersParticipants = (q: Pick<GraphQuery, 'stage' | 'role' | 'segment'>): boolean =>
  Boolean(q.stage || q.role || q.segment);

/** The stage, role and segment filters on `participants` aliased p, the org first. */
export function nodeFilter(
  scope: OrgScope,
  q: Pick<GraphQuery, 'stage' | 'role' | 'segment'>,
  settings: SegmentSettings,
): SQL {
  const parts: SQL[] = [sql`p.org_id = ${scope.orgId}`];
  if (q.stage) parts.push(sql`p.lifecycle_stage = ${q.stage}`);
  if (q.role) parts.push(sql`p.role = ${q.role}`);
  if (q.segment) parts.push(segmentCondition(q.segment, scope, settings));
  return sql.join(parts, sql` AND `);
}

export async function countParticipants(db: OrgDb, scope: OrgScope): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM participants p WHERE p.org_id = ${scope.orgId}`,
  );
  return row?.n ?? 0;
}

/**
 * The edges of `pages` whose two ends are among `nodes` (stopping once there are `atMost`). The pages
 * are separate statements from the nodes' read: a participant added or changed meanwhile may bring
 * edges to a node the read did not keep. Such an edge waits for the next read, as its participant does.
 */
async function edgesBetween(
  nodes: GraphNode[],
  pages: AsyncIterable<GraphEdge[]>,
  atMost = Infinity,
): Promise<GraphEdge[]> {
  const known = new Set(nodes.map((node) => node.id));
  const edges: GraphEdge[] = [];
  for await (const page of pages) {
    for (const edge of page) if (known.has(edge.source) && known.has(edge.target)) edges.push(edge);
    if (edges.length >= atMost) break;
  }
  return edges;
}

/** How many rows a whole graph's read takes per query (docs/decisions/031). */
const WHOLE_GRAPH_PAGE = 2500;

/**
 * Every participant matching the filters (at most `maxNodes`, else GraphTooLargeError), and the edges
 * among them, read in keyset pages: with `pause` (a request's heavy read) each page waits for light
 * requests to have their turn, so neither the database nor this process works through a whole org's
 * 100,000 edges in one go (docs/decisions/031).
 */
export async function loadWholeGraph(
  db: OrgDb,
  scope: OrgScope,
  q: GraphQuery,
  limits: { maxNodes: number; maxEdges: number },
  pause?: () => Promise<void>,
): Promise<Graph> {
  const settings = await getSegmentSettings(db, scope);
  const filter = nodeFilter(scope, q, settings);
  const [{ n } = { n: 0 }] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM participants p WHERE ${filter}`,
  );
  if (n > limits.maxNodes) throw new GraphTooLargeError(n);
  const nodes: GraphNode[] = [];
  const nodePages = keysetPages<GraphNode>(
    WHOLE_GRAPH_PAGE,
    'p.id',
    (after, limit) =>
      queryRows<GraphNode>(
        db,
        sql`SELECT ${nodeColumns(scope, settings)} FROM participants p WHERE ${filter} ${after} ORDER BY p.id LIMIT ${limit}`,
      ),
    pause,
  );
  for await (const page of nodePages) for (const node of page) nodes.push(node);
  let edges: GraphEdge[];
  if (!filtersParticipants(q)) {
    const pages = orgEdgePages(
      db,
      scope,
      { minConfidence: q.minConfidence, pageSize: WHOLE_GRAPH_PAGE },
      pause,
    );
    edges = await edgesBetween(nodes, pages, limits.maxEdges + 1);
  } else {
    edges = await listEdgesAmong(
      db,
      scope,
      nodes.map((node) => node.id),
      q.minConfidence,
      limits.maxEdges + 1,
    );
  }
  if (edges.length > limits.maxEdges) throw new GraphTooLargeError(nodes.length);
  return { nodes, edges, truncated: [] };
}

/**
 * A neighbourhood's answer: the Graph's JSON text, written by PostgreSQL a node and the edges at a time
 * (docs/decisions/057), and how much it holds (for the audit event).
 */
export interface NeighbourhoodText {
  pieces: string[];
  nodes: number;
  edges: number;
  truncated: Graph['truncated'];
}

/** A node of a neighbourhood: its id and degree for the walk, its JSON (a GraphNode) for the answer. */
interface NodeText {
  id: string;
  degree: number;
  json: string;
}

/** A node's id and degree, and its GraphNode as JSON text, from `participants` aliased p. */
const nodeText = (scope: OrgScope, settings: SegmentSettings) =>
  sql`p.id, ${degreeOf} AS degree,
      (SELECT row_to_json(node)::text FROM (SELECT ${nodeColumns(scope, settings)}) node) AS json`;

/**
 * The focus participant and its neighbours up to `depth` hops (either direction), keeping at each hop
 * the `perHop` most connected new neighbours (degree, then id, both descending) and counting the rest;
 * then the relationships among them. Undefined when the focus is not a participant of this org.
 */
export async function loadNeighbourhood(
  db: OrgDb,
  scope: OrgScope,
  q: GraphQuery & { focus: string },
): Promise<NeighbourhoodText | undefined> {
  const settings = await getSegmentSettings(db, scope);
  const filter = nodeFilter(scope, q, settings);
  const [focus] = await queryRows<NodeText>(
    db,
    sql`SELECT ${nodeText(scope, settings)} FROM participants p WHERE p.org_id = ${scope.orgId} AND p.id = ${q.focus}`,
  );
  if (!focus) return undefined;
  const nodes: NodeText[] = [focus];
  const seen = new Set([focus.id]);
  const truncated: Graph['truncated'] = [];
  const planner = new MergeJoinSwitch(db);
  let frontier = [focus];
  for (let hop = 1; hop <= (q.depth ?? 1) && frontier.length; hop++) {
    const step = { frontier: frontier.map((node) => node.id), seen: [...seen] };
    const { kept, total } = await nextHop(db, scope, q, settings, filter, step, sumOf(frontier), planner);
    if (total > kept.length) truncated.push({ hop, kept: kept.length, leftOut: total - kept.length });
    frontier = kept;
    for (const node of kept) {
      nodes.push(node);
      seen.add(node.id);
    }
  }
  await planner.allow(true);
  const edges = await edgesAmongText(db, scope, [...seen], q.minConfidence);
  return {
    nodes: nodes.length,
    edges: edges.count,
    truncated,
    pieces: [
      '{"nodes":[',
      nodes.map((node) => node.json).join(','),
      '],"edges":[',
      edges.json,
      `],"truncated":${JSON.stringify(truncated)}}`,
    ],
  };
}

/**
 * The planner's merge joins, turned off for the walks of a hub's hops (see nextHop) and back on only
 * before a statement planned with the default: a hub's two walks in a row cost one SET LOCAL, not two
 * pairs.
 */
class MergeJoinSwitch {
  private allowed = true;
  constructor(private readonly db: OrgDb) {}

  async allow(allowed: boolean): Promise<void> {
    if (allowed === this.allowed) return;
    await this.db.execute(
      allowed ? sql`SET LOCAL enable_mergejoin TO DEFAULT` : sql`SET LOCAL enable_mergejoin = off`,
    );
    this.allowed = allowed;
  }
}

const sumOf = (nodes: NodeText[]) => nodes.reduce((sum, node) => sum + node.degree, 0);

/** How far down the most connected participants a hop looks for its neighbours, per participant kept. */
const WALK_PER_KEPT = 20;

/**
 * One hop: the `perHop` most connected participants next to the frontier that pass the filters and are
 * not yet drawn, and how many there are. A frontier with few relationships joins its neighbours to
 * their participants. One with many (a hub: 50,000 at L, 230,000 for its 200 best-connected neighbours)
 * walks the org's participants from the most connected down, a window of WALK_PER_KEPT × perHop read
 * from the degree index, and keeps those among the neighbours: the cap applied while walking, so that
 * only the participants kept are looked up (decision 043). When the window held fewer than perHop of
 * them, the join answers instead. Without filters, the rest are counted from the neighbours' ids alone.
 */
async function nextHop(
  db: OrgDb,
  scope: OrgScope,
  q: GraphQuery,
  settings: SegmentSettings,
  filter: SQL,
  step: { frontier: string[]; seen: string[] },
  frontierDegree: number,
  planner: MergeJoinSwitch,
): Promise<{ kept: NodeText[]; total: number }> {
  const confidence = confidenceAtLeast(q.minConfidence);
  const neighbours = sql`neighbours AS MATERIALIZED (
      SELECT r.to_participant_id AS id FROM relationships r
      WHERE r.org_id = ${scope.orgId} AND r.from_participant_id = ANY(${sql.param(step.frontier)}::uuid[]) ${confidence}
      UNION
      SELECT r.from_participant_id FROM relationships r
      WHERE r.org_id = ${scope.orgId} AND r.to_participant_id = ANY(${sql.param(step.frontier)}::uuid[]) ${confidence}
    )`;
  const unseen = (id: SQL) => sql`NOT (${id} = ANY(${sql.param(step.seen)}::uuid[]))`;
  const candidates = sql`candidates AS (
      SELECT p.id, ${degreeOf} AS degree
      FROM neighbours n JOIN participants p ON p.org_id = ${scope.orgId} AND p.id = n.id
      WHERE ${filter} AND ${unseen(sql`p.id`)}
    )`;
  // Only the kept few are made into nodes.
  const asNodes = (total: SQL) => sql`SELECT ${nodeText(scope, settings)}, ${total} AS total, k.walked
      FROM kept k JOIN participants p ON p.org_id = ${scope.orgId} AND p.id = k.id
      ORDER BY k.degree DESC, k.id DESC`;
  const joined = async () => {
    await planner.allow(true);
    return queryRows<NodeText & { total: number }>(
      db,
      sql`WITH ${neighbours}, ${candidates}, kept AS (
            SELECT c.id, c.degree, 0 AS walked FROM candidates c ORDER BY c.degree DESC, c.id DESC LIMIT ${q.perHop}
          )
          ${asNodes(sql`(SELECT count(*)::int FROM candidates)`)}`,
    );
  };
  const window = q.perHop * WALK_PER_KEPT;
  let rows: (NodeText & { total: number; walked?: number })[];
  if (frontierDegree <= window) {
    rows = await joined();
  } else {
    const filtered = filtersParticipants(q);
    // The window's few thousand are to be hashed and the neighbours streamed past them; misjudging the
    // neighbours of hubs, the planner sorts both for a merge join instead (80 ms of 240 at L).
    await planner.allow(false);
    rows = await queryRows<NodeText & { total: number; walked: number }>(
      db,
      sql`WITH ${neighbours}, ${filtered ? sql`${candidates},` : sql``} walked AS (
            SELECT p.id, ${degreeOf} AS degree FROM participants p WHERE ${filter}
            ORDER BY ${degreeOf} DESC, p.id DESC LIMIT ${window}
          ), kept AS (
            SELECT w.id, w.degree, (SELECT count(*)::int FROM walked) AS walked
            FROM walked w JOIN neighbours n ON n.id = w.id
            WHERE ${unseen(sql`w.id`)} ORDER BY w.degree DESC, w.id DESC LIMIT ${q.perHop}
          )
          ${asNodes(
            filtered
              ? sql`(SELECT count(*)::int FROM candidates)`
              : sql`(SELECT count(*)::int FROM neighbours n WHERE ${unseen(sql`n.id`)})`,
          )}`,
    );
    // Fewer than perHop found in a full window: the rest may lie further down.
    if (rows.length < q.perHop && (rows.length === 0 || rows[0]!.walked === window)) rows = await joined();
  }
  return {
    total: rows[0]?.total ?? 0,
    kept: rows.map(({ id, degree, json }) => ({ id, degree, json })),
  };
}

/**
 * The `limit` most connected participants matching the filters (degree, then id) and the relationships
 * among them, with how many matched: the opening view of an org too large to draw whole. One statement,
 * so the nodes, the edges and the total come from one snapshot.
 */
export async function loadOverview(
  db: OrgDb,
  scope: OrgScope,
  q: GraphQuery,
  limit: number,
  reason: OverviewFallbackReason,
  pause?: () => Promise<void>,
): Promise<Graph> {
  const settings = await getSegmentSettings(db, scope);
  const filter = nodeFilter(scope, q, settings);
  const mostConnected = (columns: SQL) =>
    sql`SELECT ${columns} FROM participants p WHERE ${filter}
        ORDER BY (p.out_degree + p.in_degree) DESC, p.id LIMIT ${limit}`;
  const [{ total } = { total: 0 }] = await queryRows<{ total: number }>(
    db,
    sql`SELECT count(*)::int AS total FROM participants p WHERE ${filter}`,
  );
  await pause?.();
  const nodes = await queryRows<GraphNode>(db, mostConnected(nodeColumns(scope, settings)));
  // Each page of edges finds the same most connected participants again (an index scan) rather than
  // sending their ids along.
  const pages = orgEdgePages(
    db,
    scope,
    { minConfidence: q.minConfidence, among: mostConnected(sql`p.id`), pageSize: WHOLE_GRAPH_PAGE },
    pause,
  );
  const edges = await edgesBetween(nodes, pages);
  return { nodes, edges, truncated: [], overview: { total, shown: nodes.length, reason } };
}

/**
 * The columnar form: each field an array, edges as pairs of indexes into the node arrays; stored
 * positions (a community) and the community's description come along when the graph has them. Built
 * a slice at a time with `pause` awaited between slices: a whole org's 100,000 edges would otherwise
 * hold the event loop for most of a tenth of a second (docs/decisions/031).
 */
export async function toCompact(graph: Graph, pause: () => Promise<void> = async () => undefined) {
  const index = new Map<string, number>();
  for (let i = 0; i < graph.nodes.length; i++) {
    if (i % COMPACT_SLICE === 0) await pause();
    index.set(graph.nodes[i]!.id, i);
  }
  const column = async <T, V>(rows: T[], value: (row: T) => V): Promise<V[]> => {
    const out = new Array<V>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      if (i % COMPACT_SLICE === 0) await pause();
      out[i] = value(rows[i]!);
    }
    return out;
  };
  const positioned = graph.nodes.length > 0 && graph.nodes.every((n) => n.x !== undefined);
  return {
    format: 'compact' as const,
    nodes: {
      id: await column(graph.nodes, (n) => n.id),
      label: await column(graph.nodes, (n) => n.label),
      role: await column(graph.nodes, (n) => n.role),
      lifecycleStage: await column(graph.nodes, (n) => n.lifecycleStage),
      lastActivityAt: await column(graph.nodes, (n) => n.lastActivityAt),
      degree: await column(graph.nodes, (n) => n.degree),
      segment: await column(graph.nodes, (n) => n.segment),
      ...(positioned
        ? { x: await column(graph.nodes, (n) => n.x!), y: await column(graph.nodes, (n) => n.y!) }
        : {}),
    },
    edges: {
      source: await column(graph.edges, (e) => index.get(e.source)!),
      target: await column(graph.edges, (e) => index.get(e.target)!),
      type: await column(graph.edges, (e) => e.type),
      confidence: await column(graph.edges, (e) => e.confidence),
    },
    truncated: graph.truncated,
    ...(graph.overview ? { overview: graph.overview } : {}),
    ...(graph.community ? { community: graph.community } : {}),
  };
}

const COMPACT_SLICE = 5000;
