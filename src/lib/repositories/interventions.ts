import { and, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { OrgDb } from '../database/with-org';
import { interventions } from '../database/schema';
import type { InterventionScope, InterventionType, MembershipRole, SegmentKey } from '../domain';
import { decodeCursor, toPage, type Page } from '../pagination';
import type { RequestScope } from '../scope';
import type { InterventionStates, ListInterventionsQuery, TargetResult } from '../validation/interventions';
import { isoMicros, olderThan, timeKeyCursorSchema } from './keyset';

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
  tx: OrgDb,
  scope: RequestScope,
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
  tx: OrgDb,
  scope: RequestScope,
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
  tx: OrgDb,
  scope: RequestScope,
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

/** One intervention of the org, without locking it; undefined when there is none. */
export async function findIntervention(
  db: OrgDb,
  scope: RequestScope,
  id: string,
): Promise<InterventionRow | undefined> {
  const [row] = await db
    .select(columns)
    .from(interventions)
    .where(and(eq(interventions.orgId, scope.orgId), eq(interventions.id, id)));
  return row && asRow(row);
}

export type InterventionFilters = Omit<ListInterventionsQuery, 'limit' | 'cursor'>;

function conditions(scope: RequestScope, filters: InterventionFilters) {
  return [
    eq(interventions.orgId, scope.orgId),
    filters.type ? eq(interventions.type, filters.type) : undefined,
    filters.operatorUserId ? eq(interventions.operatorUserId, filters.operatorUserId) : undefined,
    // Compared as timestamptz in SQL: a JavaScript Date would round the bound to milliseconds.
    filters.from ? sql`${interventions.createdAt} >= ${filters.from}::timestamptz` : undefined,
    filters.to ? sql`${interventions.createdAt} < ${filters.to}::timestamptz` : undefined,
    filters.targetId ? sql`${interventions.targetIds} @> ARRAY[${filters.targetId}]::uuid[]` : undefined,
    filters.reversed === 'true' ? isNotNull(interventions.reversedAt) : undefined,
    filters.reversed === 'false' ? isNull(interventions.reversedAt) : undefined,
  ];
}

/** Newest first, filtered by type, operator, creation time, target and reversal. */
export async function listInterventions(
  db: OrgDb,
  scope: RequestScope,
  query: ListInterventionsQuery,
): Promise<Page<InterventionRow>> {
  const { limit, cursor, ...filters } = query;
  const after = cursor ? decodeCursor(cursor, timeKeyCursorSchema) : undefined;
  const rows = await db
    .select(columns)
    .from(interventions)
    .where(
      and(
        ...conditions(scope, filters),
        after ? olderThan(interventions.createdAt, interventions.id, after) : undefined,
      ),
    )
    .orderBy(desc(interventions.createdAt), desc(interventions.id))
    .limit(limit + 1);
  return toPage(rows.map(asRow), limit, (l) => ({ at: l.createdAt, id: l.id }));
}
