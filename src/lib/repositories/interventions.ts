import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { interventions } from '../database/schema';
import type { InterventionScope, InterventionType, MembershipRole } from '../domain';
import { decodeCursor, toPage, type Page } from '../pagination';
import type { OrgScope } from '../scope';
import { isoMicros, olderThan, TIME_KEY_FIELDS } from './keyset';

export interface InterventionRow {
  id: string;
  type: InterventionType;
  scope: InterventionScope;
  targetIds: string[];
  reason: string;
  operatorUserId: string | null;
  operatorRole: string;
  previousState: Record<string, unknown>;
  newState: Record<string, unknown>;
  createdAt: string;
  reversedAt: string | null;
  reversedByUserId: string | null;
  reversalReason: string | null;
}

const columns = {
  id: interventions.id,
  type: sql<InterventionType>`${interventions.type}`,
  scope: sql<InterventionScope>`${interventions.scope}`,
  targetIds: interventions.targetIds,
  reason: interventions.reason,
  operatorUserId: interventions.operatorUserId,
  operatorRole: interventions.operatorRole,
  previousState: sql<Record<string, unknown>>`${interventions.previousState}`,
  newState: sql<Record<string, unknown>>`${interventions.newState}`,
  createdAt: isoMicros(interventions.createdAt),
  reversedAt: sql<
    string | null
  >`CASE WHEN ${interventions.reversedAt} IS NULL THEN NULL ELSE ${isoMicros(interventions.reversedAt)} END`,
  reversedByUserId: interventions.reversedByUserId,
  reversalReason: interventions.reversalReason,
};

export async function insertIntervention(
  tx: Database,
  scope: OrgScope,
  input: {
    id: string;
    type: InterventionType;
    scope: InterventionScope;
    targetIds: string[];
    reason: string;
    previousState: Record<string, unknown>;
    newState: Record<string, unknown>;
  },
): Promise<InterventionRow> {
  const [row] = await tx
    .insert(interventions)
    .values({
      ...input,
      orgId: scope.orgId,
      operatorUserId: scope.userId,
      operatorRole: scope.role satisfies MembershipRole,
    })
    .returning(columns);
  return row!;
}

export async function lockIntervention(
  tx: Database,
  scope: OrgScope,
  id: string,
): Promise<InterventionRow | undefined> {
  const [row] = await tx
    .select(columns)
    .from(interventions)
    .where(and(eq(interventions.orgId, scope.orgId), eq(interventions.id, id)))
    .for('update');
  return row;
}

export async function markReversed(
  tx: Database,
  scope: OrgScope,
  id: string,
  reason: string,
): Promise<InterventionRow> {
  const [row] = await tx
    .update(interventions)
    .set({ reversedAt: sql`now()`, reversedByUserId: scope.userId, reversalReason: reason })
    .where(and(eq(interventions.orgId, scope.orgId), eq(interventions.id, id)))
    .returning(columns);
  return row!;
}

/** Newest first; optionally those touching one target, or only (not) reversed ones. */
export async function listInterventions(
  db: Database,
  scope: OrgScope,
  query: { targetId?: string; reversed?: 'true' | 'false'; limit: number; cursor?: string },
): Promise<Page<InterventionRow>> {
  const after = query.cursor ? decodeCursor(query.cursor, TIME_KEY_FIELDS) : undefined;
  const rows = await db
    .select(columns)
    .from(interventions)
    .where(
      and(
        eq(interventions.orgId, scope.orgId),
        query.targetId ? sql`${interventions.targetIds} @> ARRAY[${query.targetId}]::uuid[]` : undefined,
        query.reversed === 'true' ? sql`${interventions.reversedAt} IS NOT NULL` : undefined,
        query.reversed === 'false' ? sql`${interventions.reversedAt} IS NULL` : undefined,
        after ? olderThan(interventions.createdAt, interventions.id, after) : undefined,
      ),
    )
    .orderBy(desc(interventions.createdAt), desc(interventions.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (l) => ({ at: l.createdAt, id: l.id }));
}
