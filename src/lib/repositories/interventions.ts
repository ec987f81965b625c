import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { interventions } from '../database/schema';
import type { InterventionScope, InterventionType, MembershipRole, SegmentKey } from '../domain';
import { decodeCursor, toPage, type Page } from '../pagination';
import type { OrgScope } from '../scope';
import type { InterventionStates, TargetResult } from '../validation/interventions';
import { isoMicros, olderThan, TIME_KEY_FIELDS } from './keyset';

/** The per-target record of an intervention of type T (docs/decisions/011). */
export interface InterventionStateRecord<T extends InterventionType> {
  previousState: { targets: Record<string, InterventionStates[T]> };
  newState: {
    targets: Record<string, InterventionStates[T]>;
    results: Record<string, TargetResult>;
    segment?: SegmentKey;
    note?: string;
  };
}

export interface InterventionOf<T extends InterventionType> extends InterventionStateRecord<T> {
  id: string;
  type: T;
  scope: InterventionScope;
  targetIds: string[];
  reason: string;
  operatorUserId: string | null;
  operatorRole: string;
  createdAt: string;
  reversedAt: string | null;
  reversedByUserId: string | null;
  reversalReason: string | null;
}

/** An intervention, discriminated by its type: narrowing on `type` gives the shape of its states. */
export type InterventionRow = { [T in InterventionType]: InterventionOf<T> }[InterventionType];

export interface NewIntervention<T extends InterventionType> extends InterventionStateRecord<T> {
  id: string;
  type: T;
  scope: InterventionScope;
  targetIds: string[];
  reason: string;
}

const columns = {
  id: interventions.id,
  type: sql<InterventionType>`${interventions.type}`,
  scope: sql<InterventionScope>`${interventions.scope}`,
  targetIds: interventions.targetIds,
  reason: interventions.reason,
  operatorUserId: interventions.operatorUserId,
  operatorRole: interventions.operatorRole,
  previousState: interventions.previousState,
  newState: interventions.newState,
  createdAt: isoMicros(interventions.createdAt),
  reversedAt: sql<
    string | null
  >`CASE WHEN ${interventions.reversedAt} IS NULL THEN NULL ELSE ${isoMicros(interventions.reversedAt)} END`,
  reversedByUserId: interventions.reversedByUserId,
  reversalReason: interventions.reversalReason,
};

type StoredRow = Omit<InterventionRow, 'previousState' | 'newState'> & {
  previousState: unknown;
  newState: unknown;
};

// The only places where stored JSON becomes typed states: insertIntervention is the one writer of
// these columns and takes the same types, and a check constraint closes the type column.
const asRow = (row: StoredRow) => row as InterventionRow;
const asRowOf = <T extends InterventionType>(row: StoredRow) => row as InterventionOf<T>;

export async function insertIntervention<T extends InterventionType>(
  tx: Database,
  scope: OrgScope,
  input: NewIntervention<T>,
): Promise<InterventionOf<T>> {
  const [row] = await tx
    .insert(interventions)
    .values({
      ...input,
      orgId: scope.orgId,
      operatorUserId: scope.userId,
      operatorRole: scope.role satisfies MembershipRole,
    })
    .returning(columns);
  return asRowOf<T>(row!);
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
  return row && asRow(row);
}

export async function markReversed<T extends InterventionType>(
  tx: Database,
  scope: OrgScope,
  intervention: InterventionOf<T>,
  reason: string,
): Promise<InterventionOf<T>> {
  const [row] = await tx
    .update(interventions)
    .set({ reversedAt: sql`now()`, reversedByUserId: scope.userId, reversalReason: reason })
    .where(and(eq(interventions.orgId, scope.orgId), eq(interventions.id, intervention.id)))
    .returning(columns);
  return asRowOf<T>(row!);
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
  return toPage(rows.map(asRow), query.limit, (l) => ({ at: l.createdAt, id: l.id }));
}
