import { sql, type SQL } from 'drizzle-orm';
import type { PoolClient } from 'pg';
import { UuidIndex } from '../atlas/uuid-column';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import type { OrgScope } from '../scope';
import type { GraphQuery } from '../validation/graph';
import { filtersParticipants, GraphTooLargeError, nodeColumns, nodeFilter } from './graph';
import { confidenceAtLeast } from './relationships';
import { getSegmentSettings } from './segments';
import {
  copyRowsGivingWay,
  EDGE_COLUMNS,
  EdgeColumnsCopy,
  NODE_COLUMNS,
  NodeColumnsCopy,
} from './compact-graph-copy';

// The whole (filtered) graph in the compact form, written a column at a time: on PostgreSQL from the
// rows of two COPYs as they arrive (docs/decisions/062), on the embedded database as one aggregate per
// column (docs/decisions/041). Either way the JSON values are PostgreSQL's text; the app only turns
// relationship ends, sent as bytes, into node indexes.
// Reading rows into objects and serialising them cost 8× a `\copy` of the same columns.

/** The compact form's JSON text in pieces, and what it holds (for the audit event). */
export interface CompactGraphText {
  pieces: (string | Uint8Array)[];
  nodes: number;
  edges: number;
}

interface NodeColumns {
  n: number;
  ids: string | null;
  /** The ids' 16 bytes each, in the same order (for finding relationship ends by their bytes). */
  idBytes: Uint8Array | null;
  label: string | null;
  role: string | null;
  stage: string | null;
  lastActivityAt: string | null;
  degree: string | null;
  segment: string | null;
}

interface EdgeColumns {
  m: number;
  last: string | null;
  /** Each relationship's two ends, 16 bytes each (decision 055). */
  ends: Uint8Array | null;
  types: string | null;
  confidences: string | null;
}

/** A column's values as JSON text joined by commas, by the compact form's member name. */
type Columns = [name: string, values: string | Uint8Array][];

/** The compact form's two objects of columns, and how many nodes and edges they hold. */
interface CompactColumns {
  nodes: Columns;
  edges: Columns;
  nodeCount: number;
  edgeCount: number;
}

interface Limits {
  maxNodes: number;
  maxEdges: number;
  /** Rows read between two pauses through COPY; relationships per statement through aggregates. */
  edgePage?: number;
}

/**
 * Every participant matching the filters (at most `maxNodes`, else GraphTooLargeError) and the
 * relationships among them (at most `maxEdges`), as the compact form's JSON: nodes in id order, edges
 * as pairs of indexes into them. The statements are separate reads: a relationship to a participant
 * added meanwhile is left out (its participant is not among the nodes), as the paged read did. `pause`
 * is awaited between them, giving light requests their turn (docs/decisions/031). Given the
 * transaction's connection (PostgreSQL), the rows come through COPY (docs/decisions/062); else (the
 * embedded database) each column comes as one aggregate (docs/decisions/041). Both write the same bytes.
 */
export async function loadCompactGraph(
  db: OrgDb,
  scope: OrgScope,
  q: GraphQuery,
  limits: Limits,
  pause: () => Promise<void> = async () => undefined,
  connection?: PoolClient,
): Promise<CompactGraphText> {
  const settings = await getSegmentSettings(db, scope);
  const filter = nodeFilter(scope, q, settings);
  const page = sql`SELECT ${nodeColumns(scope, settings)} FROM participants p WHERE ${filter}
                   ORDER BY p.id LIMIT ${limits.maxNodes + 1}`;
  const columns = connection
    ? await copiedColumns(db, connection, scope, q, filter, page, limits, pause)
    : await aggregatedColumns(db, scope, q, filter, page, limits, pause);
  return {
    nodes: columns.nodeCount,
    edges: columns.edgeCount,
    pieces: [
      '{"format":"compact","nodes":{',
      ...jsonArrays(columns.nodes),
      '},"edges":{',
      ...jsonArrays(columns.edges),
      '},"truncated":[]}',
    ],
  };
}

/** How many participants match the filters (for the refusal's message). */
async function countMatching(db: OrgDb, filter: SQL): Promise<number> {
  const [{ n } = { n: 0 }] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM participants p WHERE ${filter}`,
  );
  return n;
}

/** The relationships the compact form reads (before their ends are checked against the nodes). */
const edgeCondition = (scope: OrgScope, q: GraphQuery, filter: SQL) => {
  const among = sql`(SELECT p.id FROM participants p WHERE ${filter})`;
  return sql`r.org_id = ${scope.orgId} ${confidenceAtLeast(q.minConfidence)}
             ${filtersParticipants(q) ? sql`AND r.from_participant_id IN ${among} AND r.to_participant_id IN ${among}` : sql``}`;
};

/**
 * On PostgreSQL: the participants, then the relationships, each one `COPY … (FORMAT binary)` whose
 * rows are written into the columns as they arrive. At most `maxNodes + 1` participants and
 * `maxEdges + 1` relationships are read: one more than the limit is enough to refuse.
 */
async function copiedColumns(
  db: OrgDb,
  connection: PoolClient,
  scope: OrgScope,
  q: GraphQuery,
  filter: SQL,
  page: SQL,
  { maxNodes, maxEdges, edgePage = EDGE_PAGE }: Limits,
  pause: () => Promise<void>,
): Promise<CompactColumns> {
  await pause();
  const nodes = new NodeColumnsCopy();
  await copyRowsGivingWay(
    connection,
    sql`SELECT page.id, to_json(page.label)::text, to_json(page.role)::text,
               to_json(page."lifecycleStage")::text, to_json(page."lastActivityAt")::text,
               page.degree::text, to_json(page.segment)::text
        FROM (${page}) page`,
    'compact-graph.copyNodes',
    nodes,
    pause,
    edgePage,
  );
  if (nodes.rowsRead > maxNodes) throw new GraphTooLargeError(await countMatching(db, filter));
  const index = nodes.index();
  await pause();
  const edges = new EdgeColumnsCopy(index);
  await copyRowsGivingWay(
    connection,
    sql`SELECT r.from_participant_id, r.to_participant_id, to_json(r.type)::text, r.confidence_score::text
        FROM relationships r WHERE ${edgeCondition(scope, q, filter)}
        ORDER BY r.id LIMIT ${maxEdges + 1}`,
    'compact-graph.copyEdges',
    edges,
    pause,
    edgePage,
  );
  edges.finished();
  if (edges.rowsRead > maxEdges) throw new GraphTooLargeError(nodes.rowsRead);
  const written = (columns: { out: { written(): Buffer } }[], names: string[]): Columns =>
    columns.map((column, i) => [names[i]!, column.out.written()]);
  return {
    nodes: written(nodes.columns, NODE_COLUMNS),
    edges: written(edges.columns, EDGE_COLUMNS),
    nodeCount: nodes.rowsRead,
    edgeCount: edges.kept,
  };
}

/** On the embedded database: each column as one aggregate (docs/decisions/041). */
async function aggregatedColumns(
  db: OrgDb,
  scope: OrgScope,
  q: GraphQuery,
  filter: SQL,
  page: SQL,
  limits: Limits,
  pause: () => Promise<void>,
): Promise<CompactColumns> {
  const matching = await countMatching(db, filter);
  if (matching > limits.maxNodes) throw new GraphTooLargeError(matching);
  await pause();
  // One aggregate per column over the same rows: the columns line up whatever order the rows come in;
  // the sorted subquery makes it the same order every time.
  const [nodes] = await queryRows<NodeColumns>(
    db,
    sql`SELECT count(*)::int AS n, string_agg(page.id::text, ',') AS ids,
               string_agg(uuid_send(page.id), ''::bytea) AS "idBytes",
               string_agg(to_json(page.label)::text, ',') AS label,
               string_agg(to_json(page.role)::text, ',') AS role,
               string_agg(to_json(page."lifecycleStage")::text, ',') AS stage,
               string_agg(coalesce(to_json(page."lastActivityAt")::text, 'null'), ',') AS "lastActivityAt",
               string_agg(page.degree::text, ',') AS degree,
               string_agg(to_json(page.segment)::text, ',') AS segment
        FROM (${page}) page`,
  );
  if (nodes!.n > limits.maxNodes) throw new GraphTooLargeError(nodes!.n);
  const count = nodes!.n;
  const index = new UuidIndex({ length: count, bytes: nodes!.idBytes ?? new Uint8Array(0) });
  const edges = await readEdges(db, scope, q, filter, index, limits, pause);
  if (edges === undefined) throw new GraphTooLargeError(count);
  return {
    nodes: [
      ['id', count ? `"${nodes!.ids!.replaceAll(',', '","')}"` : ''],
      ['label', nodes!.label ?? ''],
      ['role', nodes!.role ?? ''],
      ['lifecycleStage', nodes!.stage ?? ''],
      ['lastActivityAt', nodes!.lastActivityAt ?? ''],
      ['degree', nodes!.degree ?? ''],
      ['segment', nodes!.segment ?? ''],
    ],
    edges: [
      ['source', edges.source.join(',')],
      ['target', edges.target.join(',')],
      ['type', edges.type.join(',')],
      ['confidence', edges.confidence.join(',')],
    ],
    nodeCount: count,
    edgeCount: edges.count,
  };
}

/** Object members `"name":[values]`, each array's values already JSON text joined by commas. */
const jsonArrays = (members: Columns) =>
  members.flatMap(([name, values], i) => [`${i ? ',' : ''}"${name}":[`, values, ']']);

/** How many relationships a statement reads unless told: a page's text stays a few megabytes. */
const EDGE_PAGE = 25_000;

/**
 * The relationships among the nodes (`index`: their positions), in id order, a keyset page at a time with
 * `pause` before each: the ends as node indexes, the types and confidences as JSON text (a page's, or
 * each relationship's once one was left out). Undefined past `maxEdges`. The next page is asked for
 * before this one is turned into indexes: PostgreSQL reads it on one core while the app works on the
 * other (decision 053).
 */
async function readEdges(
  db: OrgDb,
  scope: OrgScope,
  q: GraphQuery,
  filter: SQL,
  index: UuidIndex,
  { maxEdges, edgePage = EDGE_PAGE }: Limits,
  pause: () => Promise<void>,
) {
  const out = {
    count: 0,
    source: [] as number[],
    target: [] as number[],
    type: [] as string[],
    confidence: [] as string[],
  };
  // Sent at once (then() now, not at the caller's next await), so that it is on its way before the
  // page in hand is worked on.
  const startPage = (after: string | null): Promise<EdgeColumns | undefined> =>
    db
      .execute(
        // Types are JSON strings, which never hold a raw line break: a newline separates them safely.
        sql`SELECT count(*)::int AS m, max(r.id::text COLLATE "C") AS last,
                   string_agg(uuid_send(r.from_participant_id) || uuid_send(r.to_participant_id), ''::bytea) AS ends,
                   string_agg(to_json(r.type)::text, E'\n') AS types,
                   string_agg(r.confidence_score::text, ',') AS confidences
            FROM (SELECT r.id, r.from_participant_id, r.to_participant_id, r.type, r.confidence_score
                  FROM relationships r
                  WHERE ${edgeCondition(scope, q, filter)} ${after === null ? sql`` : sql`AND r.id > ${after}`}
                  ORDER BY r.id LIMIT ${edgePage}) r`,
      )
      .then((result) => (result as unknown as { rows: EdgeColumns[] }).rows[0]);
  await pause();
  for (let page = await startPage(null); ;) {
    if (!page || page.m === 0) return out;
    let next: Promise<EdgeColumns | undefined> | undefined;
    if (page.m === edgePage) {
      await pause();
      next = startPage(page.last);
    }
    addEdges(out, index, page);
    if (out.count > maxEdges) {
      // The page already asked for ends before the transaction does (its failure is no longer news).
      await next?.catch(() => undefined);
      return undefined;
    }
    if (!next) return out;
    page = await next;
  }
}

/** A page's relationships into the columns, leaving out any whose end is not among the nodes. */
function addEdges(
  out: { count: number; source: number[]; target: number[]; type: string[]; confidence: string[] },
  index: UuidIndex,
  page: EdgeColumns,
) {
  const ends = page.ends!;
  const view = new DataView(ends.buffer, ends.byteOffset, ends.byteLength);
  const kept: number[] = [];
  for (let i = 0; i < page.m; i++) {
    const s = index.find(view, 32 * i);
    const t = index.find(view, 32 * i + 16);
    if (s < 0 || t < 0) continue;
    out.source.push(s);
    out.target.push(t);
    kept.push(i);
  }
  out.count += kept.length;
  if (kept.length === 0) return;
  if (kept.length === page.m) {
    out.type.push(page.types!.replaceAll('\n', ','));
    out.confidence.push(page.confidences!);
    return;
  }
  const types = page.types!.split('\n');
  const confidences = page.confidences!.split(',');
  out.type.push(kept.map((i) => types[i]).join(','));
  out.confidence.push(kept.map((i) => confidences[i]).join(','));
}
