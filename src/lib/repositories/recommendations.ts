import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { recommendations } from '../database/schema';
import type { RecommendationStatus, RecommendationTargetType } from '../domain';
import { decodeCursor, toPage, type Page } from '../pagination';
import type { OrgScope } from '../scope';
import { isoMicros, olderThan, TIME_KEY_FIELDS } from './keyset';

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

/** Newest first, optionally of one status; keyset-paginated. */
export async function listRecommendations(
  db: Database,
  scope: OrgScope,
  query: { status?: RecommendationStatus; limit: number; cursor?: string },
): Promise<Page<RecommendationRow>> {
  const after = query.cursor ? decodeCursor(query.cursor, TIME_KEY_FIELDS) : undefined;
  const rows = await db
    .select(columns)
    .from(recommendations)
    .where(
      and(
        eq(recommendations.orgId, scope.orgId),
        query.status ? eq(recommendations.status, query.status) : undefined,
        after ? olderThan(recommendations.createdAt, recommendations.id, after) : undefined,
      ),
    )
    .orderBy(desc(recommendations.createdAt), desc(recommendations.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (l) => ({ at: l.createdAt, id: l.id }));
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
