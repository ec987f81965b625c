import { sql } from 'drizzle-orm';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import type { LifecycleStage } from '../domain';
import type { OrgScope } from '../scope';

// The small tables behind the Overview's stage flows: moves between stages per org-local day and cause
// (`stage_transitions`), and the count per stage on each day the stage engine ran (`stage_daily_counts`).
// The engine writes both from its own statements (stage-engine.ts); operators' moves come through here.

export type StageTransitionCause = 'engine' | 'operator';

/**
 * Adds moves to today's transitions (the org-local day of the transaction's time), in the caller's
 * transaction: an intervention and its reversal record theirs beside their events.
 */
export async function recordStageTransitions(
  tx: OrgDb,
  scope: OrgScope,
  cause: StageTransitionCause,
  moves: readonly { from: LifecycleStage; to: LifecycleStage }[],
): Promise<void> {
  const counts = new Map<string, { from: LifecycleStage; to: LifecycleStage; count: number }>();
  for (const move of moves) {
    if (move.from === move.to) continue;
    const key = `${move.from}->${move.to}`;
    const entry = counts.get(key) ?? { ...move, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  if (counts.size === 0) return;
  const values = sql.join(
    [...counts.values()].map((m) => sql`(${m.from}, ${m.to}, ${m.count}::int)`),
    sql`, `,
  );
  await tx.execute(sql`
    INSERT INTO stage_transitions AS st (org_id, day, from_stage, to_stage, cause, count)
    SELECT ${scope.orgId}, (now() AT TIME ZONE ${scope.timezone})::date, m.from_stage, m.to_stage, ${cause}, m.n
    FROM (VALUES ${values}) AS m(from_stage, to_stage, n)
    ON CONFLICT (org_id, day, from_stage, to_stage, cause) DO UPDATE SET count = st.count + excluded.count`);
}

export interface StageFlowRow {
  /** The org-local day, YYYY-MM-DD. */
  day: string;
  from: LifecycleStage;
  to: LifecycleStage;
  cause: StageTransitionCause;
  count: number;
}

/** The moves of the last `days` org-local days (today included), oldest first. */
export function listStageTransitions(db: OrgDb, scope: OrgScope, days: number): Promise<StageFlowRow[]> {
  return queryRows<StageFlowRow>(
    db,
    sql`SELECT to_char(t.day, 'YYYY-MM-DD') AS day, t.from_stage AS "from", t.to_stage AS "to", t.cause, t.count
        FROM stage_transitions t
        WHERE t.org_id = ${scope.orgId}
          AND t.day > (now() AT TIME ZONE ${scope.timezone})::date - ${days}::int
        ORDER BY t.day, t.from_stage, t.to_stage, t.cause`,
  );
}

export interface StageDayCount {
  day: string;
  stage: LifecycleStage;
  count: number;
}

/** The recorded stage counts of the last `days` org-local days, oldest first (days without a run absent). */
export function listStageDailyCounts(db: OrgDb, scope: OrgScope, days: number): Promise<StageDayCount[]> {
  return queryRows<StageDayCount>(
    db,
    sql`SELECT to_char(c.day, 'YYYY-MM-DD') AS day, c.stage, c.count
        FROM stage_daily_counts c
        WHERE c.org_id = ${scope.orgId}
          AND c.day > (now() AT TIME ZONE ${scope.timezone})::date - ${days}::int
        ORDER BY c.day, c.stage`,
  );
}

/** The latest org-local day a stage update recorded its counts, or null when none has run. */
export async function findLastStageCountDay(db: OrgDb, scope: OrgScope): Promise<string | null> {
  const [row] = await queryRows<{ day: string | null }>(
    db,
    sql`SELECT to_char(max(c.day), 'YYYY-MM-DD') AS day FROM stage_daily_counts c WHERE c.org_id = ${scope.orgId}`,
  );
  return row?.day ?? null;
}
