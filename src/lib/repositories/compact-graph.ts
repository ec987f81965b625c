import { sql, type SQL } from 'drizzle-orm';
import { UuidIndex } from '../atlas/uuid-column';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import type { OrgScope } from '../scope';
import type { GraphQuery } from '../validation/graph';
import { filtersParticipants, GraphTooLargeError, nodeColumns, nodeFilter } from './graph';
import { confidenceAtLeast } from './relationships';
import { getSegmentSettings } from './segments';

// The whole (filtered) graph in the compact form, its JSON written by PostgreSQL a column at a time
// (docs/decisions/041): one statement for the participants and one per 25,000 relationships, each
// returning every column as one text of JSON values. The app only turns relationship ends, sent as
// bytes, into node indexes.
// Reading rows into objects and serialising them cost 8× a `\copy` of the same columns.

/** The compact form's JSON text in pieces, and what it holds (for the audit event). */
export interface CompactGraphText {
  pieces: string[];
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

/**
 * Every participant matching the filters (at most `maxNodes`, else GraphTooLargeError) and the
 * relationships among them (at most `maxEdges`), as the compact form's JSON: nodes in id order, edges
 * as pairs of indexes into them. The statements are separate reads: a relationship to a participant
 * added meanwhile is left out (its participant is not among the nodes), as the paged read did. `pause`
 * is awaited between them, giving light requests their turn (docs/decisions/031).
 */
export async function loadCompactGraph(
  db: OrgDb,
  scope: OrgScope,
  q: GraphQuery,
  limits: { maxNodes: number; maxEdges: number; edgePage?: number },
  pause: () => Promise<void> = async () => undefined,
): Promise<CompactGraphText> {
  const settings = await getSegmentSettings(db, scope);
  const filter = nodeFilter(scope, q, settings);
  const [{ n: matching } = { n: 0 }] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM participants p WHERE ${filter}`,
  );
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
        FROM (SELECT ${nodeColumns(scope, settings)} FROM participants p WHERE ${filter}
              ORDER BY p.id LIMIT ${limits.maxNodes + 1}) page`,
  );
  if (nodes!.n > limits.maxNodes) throw new GraphTooLargeError(nodes!.n);
  const count = nodes!.n;
  const index = new UuidIndex({ length: count, bytes: nodes!.idBytes ?? new Uint8Array(0) });
  const edges = await readEdges(db, scope, q, filter, index, limits, pause);
  if (edges === undefined) throw new GraphTooLargeError(count);
  return {
    nodes: count,
    edges: edges.count,
    pieces: [
      '{"format":"compact","nodes":{',
      ...jsonArrays([
        ['id', count ? `"${nodes!.ids!.replaceAll(',', '","')}"` : ''],
        ['label', nodes!.label ?? ''],
        ['role', nodes!.role ?? ''],
        ['lifecycleStage', nodes!.stage ?? ''],
        ['lastActivityAt', nodes!.lastActivityAt ?? ''],
        ['degree', nodes!.degree ?? ''],
        ['segment', nodes!.segment ?? ''],
      ]),
      '},"edges":{',
      ...jsonArrays([
        ['source', edges.source.join(',')],
        ['target', edges.target.join(',')],
        ['type', edges.type.join(',')],
        ['confidence', edges.confidence.join(',')],
      ]),
      '},"truncated":[]}',
    ],
  };
}

/** Object members `"name":[values]`, each array's values already JSON text joined by commas. */
const jsonArrays = (members: [name: string, values: string][]) =>
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
  { maxEdges, edgePage = EDGE_PAGE }: { maxEdges: number; edgePage?: number },
  pause: () => Promise<void>,
) {
  const among = sql`(SELECT p.id FROM participants p WHERE ${filter})`;
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
                  WHERE r.org_id = ${scope.orgId} ${after === null ? sql`` : sql`AND r.id > ${after}`}
                    ${confidenceAtLeast(q.minConfidence)}
                    ${filtersParticipants(q) ? sql`AND r.from_participant_id IN ${among} AND r.to_participant_id IN ${among}` : sql``}
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
