import { sql, type SQL } from 'drizzle-orm';
import type { CsrInput } from '../atlas/csr';
import { UuidColumnBuilder, UuidIndex, type UuidColumn } from '../atlas/uuid-column';
import { queryRows } from '../db';
import { aggregatedKeysetPages, type AggregatedPage } from './keyset';
import type { InOrg } from '../database/with-org';
import { INFERRED_RELATIONSHIP_SOURCES, LIFECYCLE_STAGES, SYSTEM_PARTICIPANT_ROLE } from '../domain';
import type { OrgScope } from '../scope';

// The org's whole graph for Atlas, read into typed arrays for `buildCsr`. An org can hold 1M
// participants and 5M relationships, so rows are read in keyset batches ordered by id (each a bounded
// set-based query that an index serves, never OFFSET, never one query per row), each batch answered
// as one buffer of binary records copied at once into columns (decision 055). No transaction is held:
// on the embedded database that would block every request for the whole read. The controls operators
// set (suppressed recommendations, review flags) come in the same batches through a left join on their
// primary keys.

export interface OrgGraph {
  /** Participant ids by dense id: participant `participantIds[i]` is node i (ascending id order). */
  participantIds: string[];
  /** The same ids as bytes: what crosses to the computing thread instead of a million strings. */
  participantIdColumn: UuidColumn;
  /** Edges as dense ids, weighted by confidence; edge e is relationship `uuidAt(relationshipIds, e)`. */
  csrInput: Required<CsrInput>;
  relationshipIds: UuidColumn;
  /** Last activity per node in epoch milliseconds, NaN when the participant has none. */
  lastActivityAt: Float64Array;
  /** Lifecycle stage per node, as an index into LIFECYCLE_STAGES. */
  stage: Uint8Array;
  /** 1 for automated accounts (the system participant role), 0 otherwise. */
  isSystem: Uint8Array;
  /** When each node joined (created_at), in epoch milliseconds. */
  createdAt: Float64Array;
  /**
   * 1 while an operator's suppress_recommendations holds for the node (no end, or an end after the
   * loader's `now`): Atlas recommends nothing about it.
   */
  suppressed: Uint8Array;
  /** Per relationship (index-aligned with relationshipIds): its confidence as stored, 0..1, unclamped. */
  confidence: Float32Array;
  /** Per relationship: 1 when its source is machine-derived (INFERRED_RELATIONSHIP_SOURCES). */
  inferred: Uint8Array;
  /** Per relationship: 1 when an operator has flagged it for review already. */
  flagged: Uint8Array;
  /** Per relationship: its source, as an index into `sourceNames`. */
  sourceIndex: Int32Array;
  /** The distinct relationship sources, in the order first met. */
  sourceNames: string[];
  /** Relationships left out because an endpoint was added after the participants were read. */
  skippedRelationships: number;
}

export const ATLAS_GRAPH_BATCH_SIZE = 10_000;

/**
 * `buildCsr` refuses non-positive weights, but a relationship with confidence 0 still exists: it keeps
 * a negligible weight so degrees and evidence see it while weighted scores all but ignore it.
 */
export const MIN_EDGE_WEIGHT = 1e-6;

const INFERRED = new Set<string>(INFERRED_RELATIONSHIP_SOURCES);

/**
 * A page of rows as one row of aggregates (decision 055): PostgreSQL packs each row's fields into a
 * fixed-size binary record, so this process reads a page as one buffer instead of parsing thousands of
 * row objects and strings. Within a page, records are in id order.
 */
interface RecordPage extends AggregatedPage {
  records: Uint8Array;
}

/**
 * A participant's record: id, last activity and creation (PostgreSQL's binary timestamps), stage,
 * system, suppressed, whether it has a last activity.
 */
const PARTICIPANT_RECORD = 16 + 8 + 8 + 4;

/** Microseconds between the Unix epoch and PostgreSQL's (2000-01-01). */
const POSTGRES_EPOCH_MICROS = 946_684_800_000_000;

/**
 * A binary timestamptz (microseconds since 2000-01-01, big-endian; ±infinity at the int64 ends) as
 * epoch milliseconds: the value `(extract(epoch FROM t) * 1000)::float8` gives, rounded once.
 */
function epochMs(view: DataView, at: number): number {
  const high = view.getInt32(at);
  const low = view.getUint32(at + 4);
  if (high === 0x7fffffff && low === 0xffffffff) return Infinity;
  if (high === -0x80000000 && low === 0) return -Infinity;
  return (high * 2 ** 32 + low + POSTGRES_EPOCH_MICROS) / 1000;
}

/** A relationship's record: id, both ends, confidence (float8), flagged. */
const RELATIONSHIP_RECORD = 16 + 16 + 16 + 8 + 1;

const asDataView = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Typed arrays that grow by doubling, so no count query (racing with writers) has to size them. */
class Columns<A extends Float64Array | Int32Array | Float32Array | Uint8Array> {
  length = 0;
  constructor(
    public data: A,
    private readonly make: (capacity: number) => A,
  ) {}
  ensure(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const grown = this.make(Math.max(2 * this.data.length, this.length + extra));
    grown.set(this.data.subarray(0, this.length) as never);
    this.data = grown;
  }
  trimmed(): A {
    return this.data.slice(0, this.length) as A;
  }
}

const float64 = (n: number) => new Float64Array(n);
const int32 = (n: number) => new Int32Array(n);
const float32 = (n: number) => new Float32Array(n);
const uint8 = (n: number) => new Uint8Array(n);

/** Rows handled between two calls of the loader's `giveWay`: a few milliseconds of work. */
const ROWS_PER_TURN = 1_000;

/** A byte of a record: 1 when the condition holds, else 0. */
const flagByte = (condition: SQL) => sql`CASE WHEN ${condition} THEN '\\x01'::bytea ELSE '\\x00'::bytea END`;

/** A batch of participants: their ids as text too, and how many relationships start at them. */
type NodePage = RecordPage & { ids: string; relationships: number };

async function loadNodes(
  inOrg: InOrg,
  scope: OrgScope,
  batchSize: number,
  now: Date,
  giveWay: () => Promise<void>,
) {
  const participantIds: string[] = [];
  const idBytes = new UuidColumnBuilder();
  const activity = new Columns(float64(1024), float64);
  const created = new Columns(float64(1024), float64);
  const stage = new Columns(uint8(1024), uint8);
  const isSystem = new Columns(uint8(1024), uint8);
  const suppressed = new Columns(uint8(1024), uint8);
  const pages = aggregatedKeysetPages<NodePage>(batchSize, 'p.id', (after, limit) =>
    inOrg(async (tx) => {
      const [page] = await queryRows<Omit<NodePage, 'last' | 'ids'> & { ids: string | null }>(
        tx,
        sql`SELECT count(*)::int AS n, string_agg(p.id::text, ',') AS ids,
                 coalesce(sum(p.out_degree), 0)::int AS relationships,
                 string_agg(uuid_send(p.id)
                   || coalesce(timestamptz_send(p.last_activity_at), '\\x0000000000000000'::bytea)
                   || timestamptz_send(p.created_at)
                   || set_byte('\\x00'::bytea, 0, coalesce(array_position(${sql.param(LIFECYCLE_STAGES)}::text[], p.lifecycle_stage) - 1, 0))
                   || ${flagByte(sql`p.role = ${SYSTEM_PARTICIPANT_ROLE}`)}
                   || ${flagByte(sql`p.suppressed`)}
                   || ${flagByte(sql`p.last_activity_at IS NOT NULL`)}, ''::bytea) AS records
          FROM (SELECT p.id, p.last_activity_at, p.created_at, p.lifecycle_stage, p.role, p.out_degree,
                       coalesce(c.recommendations_suppressed AND (c.recommendations_suppressed_until IS NULL
                         OR c.recommendations_suppressed_until > ${now.toISOString()}::timestamptz), false) AS suppressed
                FROM participants p
                LEFT JOIN participant_controls c ON c.org_id = p.org_id AND c.participant_id = p.id
                WHERE p.org_id = ${scope.orgId} ${after} ORDER BY p.id LIMIT ${limit}) p`,
      );
      // The ids are in order (below): the last is the greatest.
      return page && { ...page, ids: page.ids ?? '', last: page.ids?.slice(-36) ?? null };
    }),
  );
  const all = [activity, created, stage, isSystem, suppressed];
  let relationships = 0;
  for await (const page of pages) {
    relationships += page.relationships;
    for (const columns of all) columns.ensure(page.n);
    const view = asDataView(page.records);
    const ids = page.ids.split(',');
    for (let k = 0; k < page.n; k++) {
      if (participantIds.length % ROWS_PER_TURN === 0) await giveWay();
      const i = participantIds.length;
      const at = k * PARTICIPANT_RECORD;
      // Dense ids follow id order, which the page's ordered subquery gives its aggregates.
      if (i > 0 && !(ids[k]! > participantIds[i - 1]!)) throw new Error('participants read out of id order');
      participantIds.push(ids[k]!);
      idBytes.pushBytes(page.records, at);
      activity.data[i] = page.records[at + 35] ? epochMs(view, at + 16) : NaN;
      created.data[i] = epochMs(view, at + 24);
      stage.data[i] = page.records[at + 32]!;
      isSystem.data[i] = page.records[at + 33]!;
      suppressed.data[i] = page.records[at + 34]!;
    }
    for (const columns of all) columns.length = participantIds.length;
  }
  const participantIdColumn = idBytes.build();
  return {
    participantIds,
    participantIdColumn,
    relationships,
    index: new UuidIndex(participantIdColumn),
    lastActivityAt: activity.trimmed(),
    createdAt: created.trimmed(),
    stage: stage.trimmed(),
    isSystem: isSystem.trimmed(),
    suppressed: suppressed.trimmed(),
  };
}

type EdgeColumns = Awaited<ReturnType<typeof loadEdgeRange>>;

/** The relationships whose ids lie in `range` (a condition on r.id), in id order. */
async function loadEdgeRange(
  inOrg: InOrg,
  scope: OrgScope,
  participants: UuidIndex,
  batchSize: number,
  giveWay: () => Promise<void>,
  range: SQL,
) {
  const relationshipIds = new UuidColumnBuilder();
  const from = new Columns(int32(1024), int32);
  const to = new Columns(int32(1024), int32);
  const weight = new Columns(float32(1024), float32);
  const confidence = new Columns(float32(1024), float32);
  const inferred = new Columns(uint8(1024), uint8);
  const flagged = new Columns(uint8(1024), uint8);
  const sourceIndex = new Columns(int32(1024), int32);
  const sourceNames: string[] = [];
  const sourceIds = new Map<string, number>();
  let skippedRelationships = 0;
  // A source is free text: the page's sources come as a JSON array beside the records.
  const pages = aggregatedKeysetPages<RecordPage & { sources: string[] }>(batchSize, 'r.id', (after, limit) =>
    inOrg(async (tx) => {
      const [page] = await queryRows<RecordPage & { sources: string[] }>(
        tx,
        sql`SELECT count(*)::int AS n, max(r.id::text COLLATE "C") AS last,
                 json_agg(r.source) AS sources,
                 string_agg(uuid_send(r.id) || uuid_send(r.from_participant_id) || uuid_send(r.to_participant_id)
                   || float8send(r.confidence_score) || ${flagByte(sql`r.flagged`)}, ''::bytea) AS records
          FROM (SELECT r.id, r.from_participant_id, r.to_participant_id, r.confidence_score, r.source,
                       coalesce(rc.flagged_for_review, false) AS flagged
                FROM relationships r
                LEFT JOIN relationship_controls rc ON rc.org_id = r.org_id AND rc.relationship_id = r.id
                WHERE r.org_id = ${scope.orgId} ${range} ${after} ORDER BY r.id LIMIT ${limit}) r`,
      );
      return page;
    }),
  );
  const all = [from, to, weight, confidence, inferred, flagged, sourceIndex];
  let handled = 0;
  for await (const page of pages) {
    for (const columns of all) columns.ensure(page.n);
    const view = asDataView(page.records);
    for (let k = 0; k < page.n; k++) {
      if (handled++ % ROWS_PER_TURN === 0) await giveWay();
      const at = k * RELATIONSHIP_RECORD;
      const u = participants.find(view, at + 16);
      const v = participants.find(view, at + 32);
      if (u < 0 || v < 0) {
        skippedRelationships++;
        continue;
      }
      const e = relationshipIds.length;
      relationshipIds.pushBytes(page.records, at);
      from.data[e] = u;
      to.data[e] = v;
      const score = view.getFloat64(at + 48);
      weight.data[e] = Math.max(score, MIN_EDGE_WEIGHT);
      confidence.data[e] = score;
      flagged.data[e] = page.records[at + 56]!;
      const name = page.sources[k]!;
      inferred.data[e] = INFERRED.has(name) ? 1 : 0;
      let source = sourceIds.get(name);
      if (source === undefined) {
        source = sourceNames.push(name) - 1;
        sourceIds.set(name, source);
      }
      sourceIndex.data[e] = source;
    }
    for (const columns of all) columns.length = relationshipIds.length;
  }
  return {
    relationshipIds: relationshipIds.build(),
    from: from.trimmed(),
    to: to.trimmed(),
    weight: weight.trimmed(),
    confidence: confidence.trimmed(),
    inferred: inferred.trimmed(),
    flagged: flagged.trimmed(),
    sourceIndex: sourceIndex.trimmed(),
    sourceNames,
    skippedRelationships,
  };
}

/** Relationships from which the read goes two ways at once. */
const TWO_WAY_READ_MIN = 4;

/**
 * The org's relationships in id order. With at least TWO_WAY_READ_MIN batches of them, the first and
 * the second half of the ids are read at once on two connections: the read is bound by PostgreSQL,
 * which then works on both cores (decision 055). The halves meet at the middle relationship, found in
 * the primary key; they come together in id order, as one read would give them.
 */
async function loadEdges(
  inOrg: InOrg,
  scope: OrgScope,
  participants: UuidIndex,
  relationships: number,
  batchSize: number,
  giveWay: () => Promise<void>,
): Promise<EdgeColumns> {
  const read = (range: SQL) => loadEdgeRange(inOrg, scope, participants, batchSize, giveWay, range);
  if (relationships < TWO_WAY_READ_MIN * batchSize) return read(sql``);
  const [middle] = await inOrg((tx) =>
    queryRows<{ id: string }>(
      tx,
      sql`SELECT r.id FROM relationships r WHERE r.org_id = ${scope.orgId}
          ORDER BY r.id OFFSET ${Math.floor(relationships / 2)} LIMIT 1`,
    ),
  );
  if (!middle) return read(sql``);
  // Both are settled before either's failure goes up: none is left running unwatched.
  const [first, second] = await Promise.allSettled([
    read(sql`AND r.id < ${middle.id}`),
    read(sql`AND r.id >= ${middle.id}`),
  ]);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  return joinEdges(first.value, second.value);
}

function joined<A extends Int32Array | Float32Array | Uint8Array>(a: A, b: A): A {
  const out = new (a.constructor as new (length: number) => A)(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The second half's columns after the first's; its sources renumbered into the first's list. */
function joinEdges(a: EdgeColumns, b: EdgeColumns): EdgeColumns {
  const sourceNames = [...a.sourceNames];
  const renumbered = b.sourceNames.map((name) => {
    const known = sourceNames.indexOf(name);
    return known >= 0 ? known : sourceNames.push(name) - 1;
  });
  return {
    relationshipIds: {
      length: a.relationshipIds.length + b.relationshipIds.length,
      bytes: joined(a.relationshipIds.bytes, b.relationshipIds.bytes),
    },
    from: joined(a.from, b.from),
    to: joined(a.to, b.to),
    weight: joined(a.weight, b.weight),
    confidence: joined(a.confidence, b.confidence),
    inferred: joined(a.inferred, b.inferred),
    flagged: joined(a.flagged, b.flagged),
    sourceIndex: joined(
      a.sourceIndex,
      b.sourceIndex.map((source) => renumbered[source]!),
    ),
    sourceNames,
    skippedRelationships: a.skippedRelationships + b.skippedRelationships,
  };
}

/**
 * Reads the org's participants, then its relationships, into dense typed arrays ready for `buildCsr`.
 * Participants are read first, so a relationship whose endpoint appeared in between is counted in
 * `skippedRelationships` rather than pointing at a node that does not exist. `now` (default: the
 * clock) decides which suppressions still hold. `giveWay` is awaited every ROWS_PER_TURN rows: a
 * batch's rows take hundreds of milliseconds to handle, which the requests of the same process
 * would otherwise wait out (a job's JobContext.giveWay).
 */
export async function loadOrgGraph(
  inOrg: InOrg,
  scope: OrgScope,
  options: { batchSize?: number; now?: Date; giveWay?: () => Promise<void> } = {},
): Promise<OrgGraph> {
  const batchSize = options.batchSize ?? ATLAS_GRAPH_BATCH_SIZE;
  const giveWay = options.giveWay ?? (async () => undefined);
  const nodes = await loadNodes(inOrg, scope, batchSize, options.now ?? new Date(), giveWay);
  const edges = await loadEdges(inOrg, scope, nodes.index, nodes.relationships, batchSize, giveWay);
  return {
    participantIds: nodes.participantIds,
    participantIdColumn: nodes.participantIdColumn,
    csrInput: {
      nodeCount: nodes.participantIds.length,
      from: edges.from,
      to: edges.to,
      weight: edges.weight,
    },
    relationshipIds: edges.relationshipIds,
    lastActivityAt: nodes.lastActivityAt,
    stage: nodes.stage,
    isSystem: nodes.isSystem,
    createdAt: nodes.createdAt,
    suppressed: nodes.suppressed,
    confidence: edges.confidence,
    inferred: edges.inferred,
    flagged: edges.flagged,
    sourceIndex: edges.sourceIndex,
    sourceNames: edges.sourceNames,
    skippedRelationships: edges.skippedRelationships,
  };
}
