import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Database } from '../db';
import { events, orgMemberships, recommendations, users } from '../database/schema';
import {
  describeSegment,
  type LifecycleStage,
  type RecommendationStatus,
  type RecommendationTargetType,
  SEGMENT_KEYS,
  type SegmentKey,
  SYSTEM_PARTICIPANT_ROLE,
} from '../domain';
import { decodeCursor, toPage, type Page } from '../pagination';
import type { OrgScope } from '../scope';
import { isoMicros, olderThan, TIME_KEY_FIELDS } from './keyset';
import { getSegmentSettings, segmentCondition } from './segments';

export interface RecommendationRow {
  id: string;
  targetType: RecommendationTargetType;
  targetId: string;
  suggestedAction: string;
  reason: string;
  confidence: number;
  status: RecommendationStatus;
  createdAt: string;
  updatedAt: string;
}

export interface RecommendationFilters {
  status?: RecommendationStatus;
  suggestedAction?: string;
  targetType?: RecommendationTargetType;
}

const columns = {
  id: recommendations.id,
  targetType: sql<RecommendationTargetType>`${recommendations.targetType}`,
  targetId: recommendations.targetId,
  suggestedAction: recommendations.suggestedAction,
  reason: recommendations.reason,
  confidence: recommendations.confidence,
  status: sql<RecommendationStatus>`${recommendations.status}`,
  createdAt: isoMicros(recommendations.createdAt),
  updatedAt: isoMicros(recommendations.updatedAt),
};

const filterConditions = (scope: OrgScope, f: RecommendationFilters) => [
  eq(recommendations.orgId, scope.orgId),
  f.status ? eq(recommendations.status, f.status) : undefined,
  f.suggestedAction ? eq(recommendations.suggestedAction, f.suggestedAction) : undefined,
  f.targetType ? eq(recommendations.targetType, f.targetType) : undefined,
];

/** Newest first, optionally of one status, suggested action and target type; keyset-paginated. */
export async function listRecommendations(
  db: Database,
  scope: OrgScope,
  query: RecommendationFilters & { limit: number; cursor?: string },
): Promise<Page<RecommendationRow>> {
  const after = query.cursor ? decodeCursor(query.cursor, TIME_KEY_FIELDS) : undefined;
  const rows = await db
    .select(columns)
    .from(recommendations)
    .where(
      and(
        ...filterConditions(scope, query),
        after ? olderThan(recommendations.createdAt, recommendations.id, after) : undefined,
      ),
    )
    .orderBy(desc(recommendations.createdAt), desc(recommendations.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (l) => ({ at: l.createdAt, id: l.id }));
}

export interface RecommendationFacet {
  status: RecommendationStatus;
  suggestedAction: string;
  targetType: RecommendationTargetType;
  count: number;
}

/** How many recommendations the org has per status, suggested action and target type (tabs, filters). */
export async function countRecommendationFacets(
  db: Database,
  scope: OrgScope,
): Promise<RecommendationFacet[]> {
  return db
    .select({
      status: columns.status,
      suggestedAction: recommendations.suggestedAction,
      targetType: columns.targetType,
      count: sql<number>`count(*)::int`,
    })
    .from(recommendations)
    .where(eq(recommendations.orgId, scope.orgId))
    .groupBy(recommendations.status, recommendations.suggestedAction, recommendations.targetType)
    .orderBy(recommendations.suggestedAction, recommendations.targetType, recommendations.status);
}

/** The recommendation, locked until the transaction ends so that two decisions cannot both win. */
export async function lockRecommendation(
  tx: Database,
  scope: OrgScope,
  id: string,
): Promise<RecommendationRow | undefined> {
  const [row] = await tx
    .select(columns)
    .from(recommendations)
    .where(and(eq(recommendations.orgId, scope.orgId), eq(recommendations.id, id)))
    .for('update');
  return row;
}

export async function setRecommendationStatus(
  tx: Database,
  scope: OrgScope,
  id: string,
  status: RecommendationStatus,
): Promise<RecommendationRow> {
  const [row] = await tx
    .update(recommendations)
    .set({ status, updatedAt: sql`now()` })
    .where(and(eq(recommendations.orgId, scope.orgId), eq(recommendations.id, id)))
    .returning(columns);
  return row!;
}

export interface RecommendationDecision {
  /** The email of who decided, while they are a member of this org. */
  decidedBy: string | null;
  reason: string | null;
  interventionId: string | null;
}

/**
 * How each of `ids` was decided, from its `recommendation.accepted` / `.dismissed` event (a decision is
 * made once, so there is one), keyed by recommendation id. One query for a page.
 */
export async function findRecommendationDecisions(
  db: Database,
  scope: OrgScope,
  ids: string[],
): Promise<Map<string, RecommendationDecision>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: events.targetId, email: users.email, metadata: events.metadata })
    .from(events)
    // Through this org's memberships, as the audit log does: no email of a non-member reaches the page.
    .leftJoin(
      orgMemberships,
      and(eq(orgMemberships.orgId, events.orgId), eq(orgMemberships.userId, events.actorUserId)),
    )
    .leftJoin(users, eq(users.id, orgMemberships.userId))
    .where(
      and(
        eq(events.orgId, scope.orgId),
        inArray(events.eventType, ['recommendation.accepted', 'recommendation.dismissed']),
        eq(events.targetType, 'recommendation'),
        inArray(events.targetId, ids),
      ),
    );
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return new Map(
    rows.map((r) => {
      const metadata = (r.metadata ?? {}) as Record<string, unknown>;
      return [
        r.id!,
        { decidedBy: r.email, reason: text(metadata.reason), interventionId: text(metadata.interventionId) },
      ];
    }),
  );
}

// ---------------------------------------------------------------------------------------------------
// Target summaries: what a card shows about the participant, relationship or segment a recommendation
// is about, and the current figures its reason cites. One query for a whole page of cards.

export interface ParticipantSummary {
  id: string;
  displayName: string;
  role: string;
  lifecycleStage: LifecycleStage;
  lastActivityAt: string | null;
  degree: number;
}

export type RecommendationTarget =
  | {
      type: 'participant';
      participant: ParticipantSummary & {
        /** The stage the participant's activity points to now (the org's segment thresholds). */
        activityStage: LifecycleStage;
        createdAt: string;
        flaggedForReview: boolean;
        outreachPaused: boolean;
        recommendationsSuppressed: boolean;
        /** Distinct people (not system accounts) it is related to, either direction, by lifecycle stage. */
        neighbours: Record<LifecycleStage, number>;
      };
    }
  | {
      type: 'relationship';
      relationship: {
        id: string;
        type: string;
        source: string;
        confidence: number;
        createdAt: string;
        flaggedForReview: boolean;
        from: ParticipantSummary;
        to: ParticipantSummary;
      };
    }
  | { type: 'segment'; segment: { key: SegmentKey; label: string; description: string; count: number } };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A participants row (aliased `alias`) as the JSON of a ParticipantSummary. */
const summaryJson = (alias: string) => {
  const a = sql.raw(alias);
  return sql`jsonb_build_object('id', ${a}.id, 'displayName', ${a}.display_name, 'role', ${a}.role,
    'lifecycleStage', ${a}.lifecycle_stage, 'lastActivityAt', ${a}.last_activity_at,
    'degree', ${a}.out_degree + ${a}.in_degree)`;
};

/**
 * The current summary of each target of `recs`, keyed `type:id`; a target that no longer exists (or an
 * id that cannot name one) has no entry. All targets of a page in one UNION ALL query, whatever mix of
 * participants, relationships and segments it holds (plus the org's segment thresholds).
 */
export async function findRecommendationTargets(
  db: Database,
  scope: OrgScope,
  recs: Pick<RecommendationRow, 'targetType' | 'targetId'>[],
): Promise<Map<string, RecommendationTarget>> {
  const idsOf = (type: RecommendationTargetType) => [
    ...new Set(recs.filter((r) => r.targetType === type).map((r) => r.targetId)),
  ];
  const participantIds = idsOf('participant').filter((id) => UUID.test(id));
  const relationshipIds = idsOf('relationship').filter((id) => UUID.test(id));
  const segmentKeys = idsOf('segment').filter((k): k is SegmentKey =>
    (SEGMENT_KEYS as readonly string[]).includes(k),
  );
  const found = new Map<string, RecommendationTarget>();
  if (participantIds.length + relationshipIds.length + segmentKeys.length === 0) return found;

  const settings = await getSegmentSettings(db, scope);
  const branches: SQL[] = [];
  if (participantIds.length > 0) {
    // segmentCondition is written against the participants row aliased `p`.
    const stage = sql`CASE WHEN ${segmentCondition('new', scope, settings)} THEN 'new'
      WHEN ${segmentCondition('active', scope, settings)} THEN 'active'
      WHEN ${segmentCondition('at_risk', scope, settings)} THEN 'at_risk' ELSE 'dormant' END`;
    branches.push(sql`
      SELECT 'participant' AS target_type, p.id::text AS target_id,
        ${summaryJson('p')} || jsonb_build_object(
          'activityStage', ${stage}, 'createdAt', p.created_at,
          'flaggedForReview', coalesce(c.flagged_for_review, false),
          'outreachPaused', coalesce(c.outreach_paused, false),
          'recommendationsSuppressed', coalesce(c.recommendations_suppressed, false),
          'neighbours', (
            SELECT jsonb_build_object(
              'new', count(*) FILTER (WHERE n.lifecycle_stage = 'new'),
              'active', count(*) FILTER (WHERE n.lifecycle_stage = 'active'),
              'at_risk', count(*) FILTER (WHERE n.lifecycle_stage = 'at_risk'),
              'dormant', count(*) FILTER (WHERE n.lifecycle_stage = 'dormant'))
            FROM participants n
            WHERE n.org_id = p.org_id AND n.role <> ${SYSTEM_PARTICIPANT_ROLE} AND n.id IN (
              SELECT r.to_participant_id FROM relationships r WHERE r.org_id = p.org_id AND r.from_participant_id = p.id
              UNION
              SELECT r.from_participant_id FROM relationships r WHERE r.org_id = p.org_id AND r.to_participant_id = p.id))
        ) AS summary
      FROM participants p
      LEFT JOIN participant_controls c ON c.org_id = p.org_id AND c.participant_id = p.id
      WHERE p.org_id = ${scope.orgId} AND p.id = ANY(${sql.param(participantIds)}::uuid[])`);
  }
  if (relationshipIds.length > 0) {
    branches.push(sql`
      SELECT 'relationship' AS target_type, r.id::text AS target_id,
        jsonb_build_object('id', r.id, 'type', r.type, 'source', r.source, 'confidence', r.confidence_score,
          'createdAt', r.created_at, 'flaggedForReview', coalesce(rc.flagged_for_review, false),
          'from', ${summaryJson('a')}, 'to', ${summaryJson('b')}) AS summary
      FROM relationships r
      JOIN participants a ON a.org_id = r.org_id AND a.id = r.from_participant_id
      JOIN participants b ON b.org_id = r.org_id AND b.id = r.to_participant_id
      LEFT JOIN relationship_controls rc ON rc.org_id = r.org_id AND rc.relationship_id = r.id
      WHERE r.org_id = ${scope.orgId} AND r.id = ANY(${sql.param(relationshipIds)}::uuid[])`);
  }
  for (const key of segmentKeys) {
    branches.push(sql`
      SELECT 'segment' AS target_type, ${key}::text AS target_id, jsonb_build_object('count', count(*)) AS summary
      FROM participants p WHERE p.org_id = ${scope.orgId} AND ${segmentCondition(key, scope, settings)}`);
  }

  const rows = await queryRows<{
    target_type: Exclude<RecommendationTargetType, 'community'>;
    target_id: string;
    summary: unknown;
  }>(db, sql.join(branches, sql` UNION ALL `));
  for (const row of rows) {
    const summary = (typeof row.summary === 'string' ? JSON.parse(row.summary) : row.summary) as Record<
      string,
      unknown
    >;
    found.set(
      `${row.target_type}:${row.target_id}`,
      toTarget(row.target_type, row.target_id, summary, settings),
    );
  }
  return found;
}

const iso = (value: unknown) => (value == null ? null : new Date(value as string).toISOString());

const toParticipantSummary = (json: Record<string, unknown>): ParticipantSummary => ({
  id: json.id as string,
  displayName: json.displayName as string,
  role: json.role as string,
  lifecycleStage: json.lifecycleStage as LifecycleStage,
  lastActivityAt: iso(json.lastActivityAt),
  degree: Number(json.degree),
});

function toTarget(
  type: Exclude<RecommendationTargetType, 'community'>,
  id: string,
  json: Record<string, unknown>,
  settings: Awaited<ReturnType<typeof getSegmentSettings>>,
): RecommendationTarget {
  if (type === 'segment') {
    const key = id as SegmentKey;
    return { type, segment: { key, ...describeSegment(key, settings), count: Number(json.count) } };
  }
  if (type === 'relationship') {
    return {
      type,
      relationship: {
        id: json.id as string,
        type: json.type as string,
        source: json.source as string,
        confidence: Number(json.confidence),
        createdAt: iso(json.createdAt)!,
        flaggedForReview: json.flaggedForReview === true,
        from: toParticipantSummary(json.from as Record<string, unknown>),
        to: toParticipantSummary(json.to as Record<string, unknown>),
      },
    };
  }
  const neighbours = json.neighbours as Record<LifecycleStage, number>;
  return {
    type,
    participant: {
      ...toParticipantSummary(json),
      activityStage: json.activityStage as LifecycleStage,
      createdAt: iso(json.createdAt)!,
      flaggedForReview: json.flaggedForReview === true,
      outreachPaused: json.outreachPaused === true,
      recommendationsSuppressed: json.recommendationsSuppressed === true,
      neighbours: {
        new: Number(neighbours.new),
        active: Number(neighbours.active),
        at_risk: Number(neighbours.at_risk),
        dormant: Number(neighbours.dormant),
      },
    },
  };
}
