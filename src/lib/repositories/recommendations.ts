import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { OrgDb } from '../database/with-org';
import { events, orgMemberships, recommendations, users } from '../database/schema';
import {
  ATLAS_DETECTORS,
  type AtlasDetector,
  type DismissalReason,
  type RecommendationStatus,
  type RecommendationTargetType,
} from '../domain';
import { decodeCursor, toPage, type Page } from '../pagination';
import type { OrgScope } from '../scope';
import { isoMicros, olderThan, timeKeyCursorSchema } from './keyset';

export interface RecommendationRow {
  id: string;
  targetType: RecommendationTargetType;
  targetId: string;
  suggestedAction: string;
  reason: string;
  confidence: number;
  status: RecommendationStatus;
  /** The Atlas detector that made it; null for recommendations made otherwise (the seed's). */
  detector: AtlasDetector | null;
  /** What the reason rests on, as Atlas stored it; null when not recorded. */
  evidence: RecommendationEvidence | null;
  decidedAt: string | null;
  dismissalReason: DismissalReason | null;
  snoozedUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RecommendationEvidence {
  participantIds: string[];
  relationshipIds: string[];
  figures: Record<string, unknown>;
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
  // A detector name this code no longer knows reads as none, like the seed's.
  detector: sql<AtlasDetector | null>`CASE WHEN ${recommendations.detector} = ANY(${sql.param([...ATLAS_DETECTORS])}::text[])
    THEN ${recommendations.detector} END`,
  evidence: sql<RecommendationEvidence | null>`${recommendations.metadata}`.mapWith(toEvidence),
  decidedAt: isoMicros(recommendations.decidedAt),
  dismissalReason: sql<DismissalReason | null>`${recommendations.dismissalReason}`,
  snoozedUntil: isoMicros(recommendations.snoozedUntil),
  createdAt: isoMicros(recommendations.createdAt),
  updatedAt: isoMicros(recommendations.updatedAt),
};

/** The evidence in a recommendation's metadata, when it has the shape Atlas writes; else null. */
function toEvidence(value: unknown): RecommendationEvidence | null {
  const json = (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown> | null;
  const ids = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (!json || !ids(json.participantIds) || !ids(json.relationshipIds)) return null;
  const figures = json.figures && typeof json.figures === 'object' ? json.figures : {};
  return {
    participantIds: json.participantIds as string[],
    relationshipIds: json.relationshipIds as string[],
    figures: figures as Record<string, unknown>,
  };
}

const filterConditions = (scope: OrgScope, f: RecommendationFilters) => [
  eq(recommendations.orgId, scope.orgId),
  f.status ? eq(recommendations.status, f.status) : undefined,
  f.suggestedAction ? eq(recommendations.suggestedAction, f.suggestedAction) : undefined,
  f.targetType ? eq(recommendations.targetType, f.targetType) : undefined,
];

/** Newest first, optionally of one status, suggested action and target type; keyset-paginated. */
export async function listRecommendations(
  db: OrgDb,
  scope: OrgScope,
  query: RecommendationFilters & { limit: number; cursor?: string },
): Promise<Page<RecommendationRow>> {
  const after = query.cursor ? decodeCursor(query.cursor, timeKeyCursorSchema) : undefined;
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
export async function countRecommendationFacets(db: OrgDb, scope: OrgScope): Promise<RecommendationFacet[]> {
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
  tx: OrgDb,
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

export type RecommendationDecisionFields =
  | { status: 'accepted' }
  | { status: 'dismissed'; dismissalReason: DismissalReason; snoozedUntil: Date | null };

/** Records a decision: the status, when (decided_at), and for a dismissal its reason code and snooze. */
export async function setRecommendationDecision(
  tx: OrgDb,
  scope: OrgScope,
  id: string,
  decision: RecommendationDecisionFields,
): Promise<RecommendationRow> {
  const [row] = await tx
    .update(recommendations)
    .set({
      status: decision.status,
      decidedAt: sql`now()`,
      updatedAt: sql`now()`,
      ...(decision.status === 'dismissed'
        ? { dismissalReason: decision.dismissalReason, snoozedUntil: decision.snoozedUntil }
        : {}),
    })
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
  db: OrgDb,
  scope: OrgScope,
  ids: string[],
): Promise<Map<string, RecommendationDecision>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: events.targetId, email: users.email, metadata: events.metadata, personal: events.personal })
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
      // The reason is the decider's words: the event's personal part (null once erased).
      const personal = (r.personal ?? {}) as Record<string, unknown>;
      return [
        r.id!,
        { decidedBy: r.email, reason: text(personal.reason), interventionId: text(metadata.interventionId) },
      ];
    }),
  );
}
