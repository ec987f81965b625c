import { sql, type SQL } from 'drizzle-orm';
import type { CsrInput } from '../atlas/csr';
import { queryRows, type Database } from '../db';
import { LIFECYCLE_STAGES, SYSTEM_PARTICIPANT_ROLE } from '../domain';
import type { OrgScope } from '../scope';

// The org's whole graph for Atlas, read into typed arrays for `buildCsr`. An org can hold 1M
// participants and 5M relationships, so rows are read in keyset batches ordered by id (each a bounded
// set-based query that an index serves, never OFFSET, never one query per row) and copied at once into
// columns, so only one batch of row objects is alive at a time. No transaction is held: on the embedded
// database that would block every request for the whole read.

export interface OrgGraph {
  /** Participant ids by dense id: participant `participantIds[i]` is node i (ascending id order). */
  participantIds: string[];
  /** Edges as dense ids, weighted by confidence; edge e is relationship `relationshipIds[e]`. */
  csrInput: Required<CsrInput>;
  relationshipIds: string[];
  /** Last activity per node in epoch milliseconds, NaN when the participant has none. */
  lastActivityAt: Float64Array;
  /** Lifecycle stage per node, as an index into LIFECYCLE_STAGES. */
  stage: Uint8Array;
  /** 1 for automated accounts (the system participant role), 0 otherwise. */
  isSystem: Uint8Array;
  /** Relationships left out because an endpoint was added after the participants were read. */
  skippedRelationships: number;
}

export const ATLAS_GRAPH_BATCH_SIZE = 50_000;

/**
 * `buildCsr` refuses non-positive weights, but a relationship with confidence 0 still exists: it keeps
 * a negligible weight so degrees and evidence see it while weighted scores all but ignore it.
 */
export const MIN_EDGE_WEIGHT = 1e-6;

const STAGE_INDEX = new Map<string, number>(LIFECYCLE_STAGES.map((stage, i) => [stage, i]));

interface ParticipantRow {
  id: string;
  lastActivityMs: number | null;
  stage: string;
  role: string;
}

interface RelationshipRow {
  id: string;
  fromId: string;
  toId: string;
  confidence: number;
}

/** Keyset pages of `query(after)` until a short page: each page starts after the previous last id. */
async function* keysetPages<T extends { id: string }>(
  batchSize: number,
  query: (after: SQL, limit: number) => Promise<T[]>,
): AsyncGenerator<T[]> {
  let after: string | undefined;
  for (;;) {
    const rows = await query(after === undefined ? sql`` : sql`AND id > ${after}`, batchSize);
    if (rows.length) yield rows;
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!.id;
  }
}

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

async function loadNodes(db: Database, scope: OrgScope, batchSize: number) {
  const participantIds: string[] = [];
  const activity = new Columns(float64(1024), float64);
  const stage = new Columns(uint8(1024), uint8);
  const isSystem = new Columns(uint8(1024), uint8);
  const pages = keysetPages<ParticipantRow>(batchSize, (after, limit) =>
    queryRows<ParticipantRow>(
      db,
      sql`SELECT id, (extract(epoch FROM last_activity_at) * 1000)::float8 AS "lastActivityMs",
                 lifecycle_stage AS stage, role
          FROM participants WHERE org_id = ${scope.orgId} ${after} ORDER BY id LIMIT ${limit}`,
    ),
  );
  for await (const rows of pages) {
    for (const columns of [activity, stage, isSystem]) columns.ensure(rows.length);
    for (const row of rows) {
      const i = participantIds.length;
      participantIds.push(row.id);
      activity.data[i] = row.lastActivityMs === null ? NaN : Number(row.lastActivityMs);
      stage.data[i] = STAGE_INDEX.get(row.stage)!;
      isSystem.data[i] = row.role === SYSTEM_PARTICIPANT_ROLE ? 1 : 0;
    }
    activity.length = stage.length = isSystem.length = participantIds.length;
  }
  return {
    participantIds,
    lastActivityAt: activity.trimmed(),
    stage: stage.trimmed(),
    isSystem: isSystem.trimmed(),
  };
}

async function loadEdges(db: Database, scope: OrgScope, participantIds: string[], batchSize: number) {
  // A Map rather than a binary search over the sorted ids: 5M edges × 2 endpoints × ~20 string
  // comparisons each would dominate the load.
  const denseId = new Map<string, number>();
  participantIds.forEach((id, i) => denseId.set(id, i));
  const relationshipIds: string[] = [];
  const from = new Columns(int32(1024), int32);
  const to = new Columns(int32(1024), int32);
  const weight = new Columns(float32(1024), float32);
  let skippedRelationships = 0;
  const pages = keysetPages<RelationshipRow>(batchSize, (after, limit) =>
    queryRows<RelationshipRow>(
      db,
      sql`SELECT id, from_participant_id AS "fromId", to_participant_id AS "toId", confidence_score AS confidence
          FROM relationships WHERE org_id = ${scope.orgId} ${after} ORDER BY id LIMIT ${limit}`,
    ),
  );
  for await (const rows of pages) {
    for (const columns of [from, to, weight]) columns.ensure(rows.length);
    for (const row of rows) {
      const u = denseId.get(row.fromId);
      const v = denseId.get(row.toId);
      if (u === undefined || v === undefined) {
        skippedRelationships++;
        continue;
      }
      const e = relationshipIds.length;
      relationshipIds.push(row.id);
      from.data[e] = u;
      to.data[e] = v;
      weight.data[e] = Math.max(Number(row.confidence), MIN_EDGE_WEIGHT);
    }
    from.length = to.length = weight.length = relationshipIds.length;
  }
  return {
    relationshipIds,
    from: from.trimmed(),
    to: to.trimmed(),
    weight: weight.trimmed(),
    skippedRelationships,
  };
}

/**
 * Reads the org's participants, then its relationships, into dense typed arrays ready for `buildCsr`.
 * Participants are read first, so a relationship whose endpoint appeared in between is counted in
 * `skippedRelationships` rather than pointing at a node that does not exist.
 */
export async function loadOrgGraph(
  db: Database,
  scope: OrgScope,
  options: { batchSize?: number } = {},
): Promise<OrgGraph> {
  const batchSize = options.batchSize ?? ATLAS_GRAPH_BATCH_SIZE;
  const nodes = await loadNodes(db, scope, batchSize);
  const edges = await loadEdges(db, scope, nodes.participantIds, batchSize);
  return {
    participantIds: nodes.participantIds,
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
    skippedRelationships: edges.skippedRelationships,
  };
}
