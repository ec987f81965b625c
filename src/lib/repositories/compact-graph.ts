import { sql, type SQL } from 'drizzle-orm';
import type { PoolClient } from 'pg';
import { UuidIndex } from '../atlas/uuid-column';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import type { OrgScope } from '../scope';
import type { GraphQuery } from '../validation/graph';
import { filtersParticipants, GraphTooLargeError, nodeColumns, nodeFilter, rawNodeColumns } from './graph';
import { confidenceAtLeast } from './relationships';
import { getSegmentSettings } from './segments';
import type { AnswerPiece } from '../http/gzip-pieces';
import {
  copyRowsGivingWay,
  EDGE_COLUMNS,
  EdgeColumnsCopy,
  NODE_COLUMNS,
  NodeColumnsCopy,
} from './compact-graph-copy';

// The whole (filtered) graph in the compact form, written a column at a time: on PostgreSQL from the
// rows of COPYs as they arrive, the values written by the app as PostgreSQL would and deflated as they
// are written (docs/decisions/062, 063, 069); on the embedded database as one aggregate per column,
// PostgreSQL's text (docs/decisions/041). Both write each value the same (the rows in other orders).
// Reading rows into objects and serialising them cost 8× a `\copy` of the same columns.

/** Pieces of the compact form's JSON text. */
export type JsonPieces = AnswerPiece[];

/** The compact form's text, and what it holds (for the audit event). */
export interface CompactGraphRead {
  nodes: number;
  edges: number;
  pieces: JsonPieces;
}

/** A column's values as JSON text joined by commas, by the compact form's member name. */
type Columns = [name: string, values: AnswerPiece][];

interface ReadOptions {
  maxNodes: number;
  maxEdges: number;
  /** Rows read between two pauses through COPY; relationships per statement through aggregates. */
  edgePage?: number;
}

/** How the compact form reads its two parts, through COPY or through aggregates. */
interface CompactReader {
  /** The participants (at most `maxNodes + 1`): their ids, at their places in their columns. */
  nodes(): Promise<{ ids: UuidIndex; columns: Columns }>;
  /** The relationships among `nodes`, as the compact form's columns; undefined past `maxEdges`. */
  edges(nodes: UuidIndex): Promise<{ count: number; columns: Columns } | undefined>;
}

/**
 * Every participant matching the filters (at most `maxNodes`, else GraphTooLargeError) and the
 * relationships among them (at most `maxEdges`, else the same), as the compact form's JSON: edges as
 * pairs of indexes into the nodes. Two statements: the participants, then the relationships, their
 * ends matched against the participants' ids. The order of either carries no meaning: through
 * aggregates both come in id order; through COPY, as they are stored (docs/decisions/069). The
 * transaction should read one snapshot (REPEATABLE READ): a relationship to a participant added after
 * the first statement is otherwise left out. `pause` is awaited before each statement and between
 * pages, giving light requests their turn (docs/decisions/031). Given the transaction's connection
 * (PostgreSQL), the rows come through COPY and the columns are deflated as they are written
 * (docs/decisions/062, 069: send them with gzipPieces or inflatedPieces); else (the embedded database)
 * each column comes as one aggregate (docs/decisions/041). Both write each value the same.
 */
export async function readCompactGraph(
  db: OrgDb,
  scope: OrgScope,
  q: GraphQuery,
  options: ReadOptions,
  pause: () => Promise<void> = async () => undefined,
  connection?: PoolClient,
): Promise<CompactGraphRead> {
  const settings = await getSegmentSettings(db, scope);
  const filter = nodeFilter(scope, q, settings);
  const participants = (columns: SQL, order: SQL) =>
    sql`SELECT ${columns} FROM participants p WHERE ${filter} ${order} LIMIT ${options.maxNodes + 1}`;
  const reader = connection
    ? copyReader(
        connection,
        // As they are stored: in id order, an index scan over rows stored in another order was most
        // of the statement (docs/decisions/069).
        participants(rawNodeColumns(scope, settings), sql``),
        edgeCondition(scope, q, filter),
        options,
        pause,
      )
    : aggregateReader(
        db,
        scope,
        q,
        filter,
        participants(nodeColumns(scope, settings), sql`ORDER BY p.id`),
        options,
        pause,
      );
  await pause();
  const nodes = await reader.nodes();
  if (nodes.ids.length > options.maxNodes) throw new GraphTooLargeError(await countMatching(db, filter));
  await pause();
  const edges = await reader.edges(nodes.ids);
  if (edges === undefined) throw new GraphTooLargeError(nodes.ids.length);
  return {
    nodes: nodes.ids.length,
    edges: edges.count,
    pieces: [
      '{"format":"compact","edges":{',
      ...jsonArrays(edges.columns),
      '},"nodes":{',
      ...jsonArrays(nodes.columns),
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
 * On PostgreSQL: each part one `COPY … (FORMAT binary)` whose rows are written into the columns as
 * they arrive. At most one more row than a limit is read: enough to refuse.
 */
function copyReader(
  connection: PoolClient,
  participants: SQL,
  edgeWhere: SQL,
  { maxEdges, edgePage = EDGE_PAGE }: ReadOptions,
  pause: () => Promise<void>,
): CompactReader {
  const copy = (select: SQL, label: string, rows: Parameters<typeof copyRowsGivingWay>[3]) =>
    copyRowsGivingWay(connection, select, label, rows, pause, edgePage);
  return {
    async nodes() {
      const read = new NodeColumnsCopy();
      await copy(participants, 'compact-graph.copyNodes', read);
      return { ids: read.read(), columns: read.pieces(NODE_COLUMNS) };
    },
    async edges(nodes) {
      const read = new EdgeColumnsCopy(nodes);
      // In the order they are stored: sorting them by id was a tenth of the statement's time.
      await copy(
        sql`SELECT r.from_participant_id, r.to_participant_id, r.type, r.confidence_score
            FROM relationships r WHERE ${edgeWhere} LIMIT ${maxEdges + 1}`,
        'compact-graph.copyEdges',
        read,
      );
      read.finished();
      if (read.rowsRead > maxEdges) return undefined;
      return { count: read.kept, columns: read.pieces(EDGE_COLUMNS) };
    },
  };
}

/** On the embedded database: each column as one aggregate (docs/decisions/041). */
function aggregateReader(
  db: OrgDb,
  scope: OrgScope,
  q: GraphQuery,
  filter: SQL,
  participants: SQL,
  options: ReadOptions,
  pause: () => Promise<void>,
): CompactReader {
  return {
    async nodes() {
      // One aggregate per column over the same rows: the columns line up whatever order the rows come
      // in; the sorted subquery makes it the ids' order.
      const [nodes] = await queryRows<
        { n: number; bytes: Uint8Array | null } & Record<string, string | null>
      >(
        db,
        sql`SELECT count(*)::int AS n,
                   string_agg(uuid_send(page.id), ''::bytea) AS bytes,
                   string_agg(to_json(page.id)::text, ',') AS id,
                   string_agg(to_json(page.label)::text, ',') AS label,
                   string_agg(to_json(page.role)::text, ',') AS role,
                   string_agg(to_json(page."lifecycleStage")::text, ',') AS "lifecycleStage",
                   string_agg(coalesce(to_json(page."lastActivityAt")::text, 'null'), ',') AS "lastActivityAt",
                   string_agg(page.degree::text, ',') AS degree,
                   string_agg(to_json(page.segment)::text, ',') AS segment
            FROM (${participants}) page`,
      );
      return {
        ids: new UuidIndex({ length: nodes!.n, bytes: nodes!.bytes ?? new Uint8Array(0) }),
        columns: NODE_COLUMNS.map((name) => [name, nodes![name] ?? '']),
      };
    },
    async edges(nodes) {
      const edges = await readEdges(db, scope, q, filter, nodes, options, pause);
      if (edges === undefined) return undefined;
      return {
        count: edges.count,
        columns: [
          ['source', edges.source.join(',')],
          ['target', edges.target.join(',')],
          ['type', edges.type.join(',')],
          ['confidence', edges.confidence.join(',')],
        ],
      };
    },
  };
}

/** Object members `"name":[values]`, each array's values already JSON text joined by commas. */
const jsonArrays = (members: Columns) =>
  members.flatMap(([name, values], i) => [`${i ? ',' : ''}"${name}":[`, values, ']']);

/** How many relationships a statement reads unless told: a page's text stays a few megabytes. */
const EDGE_PAGE = 25_000;

/** A page of relationships as aggregates: how many, the last id, the ends' bytes, types and confidences. */
interface EdgeColumns {
  m: number;
  last: string | null;
  /** Each relationship's two ends, 16 bytes each (decision 055). */
  ends: Uint8Array | null;
  types: string | null;
  confidences: string | null;
}

/**
 * The relationships among the nodes (`index`: their positions), in id order, a keyset page at a time with
 * `pause` before each but the first (the caller's): the ends as node indexes, the types and confidences as JSON text (a page's, or
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
  { maxEdges, edgePage = EDGE_PAGE }: ReadOptions,
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
