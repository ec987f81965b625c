import { sql } from 'drizzle-orm';
import type { CsrInput } from '../atlas/csr';
import { UuidColumnBuilder, type UuidColumn } from '../atlas/uuid-column';
import { queryRows } from '../db';
import { keysetPages } from './keyset';
import type { InOrg } from '../database/with-org';
import { INFERRED_RELATIONSHIP_SOURCES, LIFECYCLE_STAGES, SYSTEM_PARTICIPANT_ROLE } from '../domain';
import type { OrgScope } from '../scope';

// The org's whole graph for Atlas, read into typed arrays for `buildCsr`. An org can hold 1M
// participants and 5M relationships, so rows are read in keyset batches ordered by id (each a bounded
// set-based query that an index serves, never OFFSET, never one query per row) and copied at once into
// columns, so only one batch of row objects is alive at a time. No transaction is held: on the embedded
// database that would block every request for the whole read. The controls operators set (suppressed
// recommendations, review flags) come in the same batches through a left join on their primary keys.

export interface OrgGraph {
  /** Participant ids by dense id: participant `participantIds[i]` is node i (ascending id order). */
  participantIds: string[];
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

const STAGE_INDEX = new Map<string, number>(LIFECYCLE_STAGES.map((stage, i) => [stage, i]));

const INFERRED = new Set<string>(INFERRED_RELATIONSHIP_SOURCES);

interface ParticipantRow {
  id: string;
  lastActivityMs: number | null;
  createdMs: number;
  stage: string;
  role: string;
  suppressed: boolean;
}

interface RelationshipRow {
  id: string;
  fromId: string;
  toId: string;
  confidence: number;
  source: string;
  flagged: boolean;
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

/** Rows handled between two calls of the loader's `giveWay`: a few milliseconds of work. */
const ROWS_PER_TURN = 1_000;

async function loadNodes(
  inOrg: InOrg,
  scope: OrgScope,
  batchSize: number,
  now: Date,
  giveWay: () => Promise<void>,
) {
  const participantIds: string[] = [];
  const activity = new Columns(float64(1024), float64);
  const created = new Columns(float64(1024), float64);
  const stage = new Columns(uint8(1024), uint8);
  const isSystem = new Columns(uint8(1024), uint8);
  const suppressed = new Columns(uint8(1024), uint8);
  const pages = keysetPages<ParticipantRow>(batchSize, 'p.id', (after, limit) =>
    inOrg((tx) =>
      queryRows<ParticipantRow>(
        tx,
        sql`SELECT p.id, (extract(epoch FROM p.last_activity_at) * 1000)::float8 AS "lastActivityMs",
                 (extract(epoch FROM p.created_at) * 1000)::float8 AS "createdMs",
                 p.lifecycle_stage AS stage, p.role,
                 coalesce(c.recommendations_suppressed AND (c.recommendations_suppressed_until IS NULL
                   OR c.recommendations_suppressed_until > ${now.toISOString()}::timestamptz), false) AS suppressed
          FROM participants p
          LEFT JOIN participant_controls c ON c.org_id = p.org_id AND c.participant_id = p.id
          WHERE p.org_id = ${scope.orgId} ${after} ORDER BY p.id LIMIT ${limit}`,
      ),
    ),
  );
  const all = [activity, created, stage, isSystem, suppressed];
  for await (const rows of pages) {
    for (const columns of all) columns.ensure(rows.length);
    for (const row of rows) {
      if (participantIds.length % ROWS_PER_TURN === 0) await giveWay();
      const i = participantIds.length;
      participantIds.push(row.id);
      activity.data[i] = row.lastActivityMs === null ? NaN : Number(row.lastActivityMs);
      created.data[i] = Number(row.createdMs);
      stage.data[i] = STAGE_INDEX.get(row.stage)!;
      isSystem.data[i] = row.role === SYSTEM_PARTICIPANT_ROLE ? 1 : 0;
      suppressed.data[i] = row.suppressed ? 1 : 0;
    }
    for (const columns of all) columns.length = participantIds.length;
  }
  return {
    participantIds,
    lastActivityAt: activity.trimmed(),
    createdAt: created.trimmed(),
    stage: stage.trimmed(),
    isSystem: isSystem.trimmed(),
    suppressed: suppressed.trimmed(),
  };
}

async function loadEdges(
  inOrg: InOrg,
  scope: OrgScope,
  participantIds: string[],
  batchSize: number,
  giveWay: () => Promise<void>,
) {
  // A Map rather than a binary search over the sorted ids: 5M edges × 2 endpoints × ~20 string
  // comparisons each would dominate the load.
  const denseId = new Map<string, number>();
  for (let i = 0; i < participantIds.length; i++) {
    if (i % (10 * ROWS_PER_TURN) === 0) await giveWay();
    denseId.set(participantIds[i]!, i);
  }
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
  const pages = keysetPages<RelationshipRow>(batchSize, 'r.id', (after, limit) =>
    inOrg((tx) =>
      queryRows<RelationshipRow>(
        tx,
        sql`SELECT r.id, r.from_participant_id AS "fromId", r.to_participant_id AS "toId",
                 r.confidence_score AS confidence, r.source, coalesce(rc.flagged_for_review, false) AS flagged
          FROM relationships r
          LEFT JOIN relationship_controls rc ON rc.org_id = r.org_id AND rc.relationship_id = r.id
          WHERE r.org_id = ${scope.orgId} ${after} ORDER BY r.id LIMIT ${limit}`,
      ),
    ),
  );
  const all = [from, to, weight, confidence, inferred, flagged, sourceIndex];
  let handled = 0;
  for await (const rows of pages) {
    for (const columns of all) columns.ensure(rows.length);
    for (const row of rows) {
      if (handled++ % ROWS_PER_TURN === 0) await giveWay();
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
      confidence.data[e] = Number(row.confidence);
      inferred.data[e] = INFERRED.has(row.source) ? 1 : 0;
      flagged.data[e] = row.flagged ? 1 : 0;
      let source = sourceIds.get(row.source);
      if (source === undefined) {
        source = sourceNames.push(row.source) - 1;
        sourceIds.set(row.source, source);
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
  const edges = await loadEdges(inOrg, scope, nodes.participantIds, batchSize, giveWay);
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
