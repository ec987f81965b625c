import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import { LIFECYCLE_STAGES, SYSTEM_PARTICIPANT_ROLE, type LifecycleStage } from '../domain';
import { ENGAGEMENT_ORDER, type EngagementReason, type EngagementRules } from '../engagement-state';
import { actorMetadata, auditActor, type OrgScope } from '../scope';

// The engagement state engine (src/lib/engagement-state.ts) as set-based SQL, one statement per batch
// of participants (docs/decisions/022). The SQL mirrors `decideEngagementStage` step by step, on local
// calendar days as integers: a day is the one `orgDayCounting` gives (the latest local midnight at or
// before the instant, as PostgreSQL itself resolves a midnight that DST skips or repeats), so that
// `instant >= startOfDay(today - n)`, the segments' bound, is `day >= today - n`.

export interface StageBatchOptions {
  rules: EngagementRules;
  /** One instant for the whole run, so every batch decides on the same local day. */
  now: Date;
  /** The keyset: participants with an id above this one (null: from the first). */
  after: string | null;
  limit: number;
}

export interface StageTransitionCount {
  from: LifecycleStage;
  to: LifecycleStage;
  count: number;
}

const SYSTEM = sql.raw(`'${SYSTEM_PARTICIPANT_ROLE}'`);

/** A stage's place in ENGAGEMENT_ORDER, for comparing up and down. */
const order = (stage: SQL) =>
  sql`(CASE ${stage} ${sql.raw(LIFECYCLE_STAGES.map((s) => `WHEN '${s}' THEN ${ENGAGEMENT_ORDER[s]}`).join(' '))} END)`;

/** orgDayCounting: the local day of the latest local midnight at or before `instant` (null stays null). */
const countingDay = (instant: SQL, tz: SQL) => sql`(CASE
  WHEN ${instant} >= ((${instant} AT TIME ZONE ${tz})::date::timestamp AT TIME ZONE ${tz})
  THEN (${instant} AT TIME ZONE ${tz})::date
  ELSE (${instant} AT TIME ZONE ${tz})::date - 1 END)`;

/**
 * stageDueOn: the segments' CASE (activityStageOf) on local day `day`, for the facts row `f` and the
 * rules row `r`.
 */
const dueOn = (day: SQL) => sql`(CASE
  WHEN f.created_day >= ${day} - r.new_days THEN 'new'
  WHEN f.last_day IS NULL THEN 'dormant'
  WHEN f.last_day >= ${day} - r.active_days THEN 'active'
  WHEN f.last_day >= ${day} - r.dormant_days THEN 'at_risk'
  ELSE 'dormant' END)`;

/**
 * The CTEs up to `decided`: per participant of the batch, its stored stage, the stage due today, the
 * first day of the run of lower days (lowerDueSince, when one is due) and the engine's reason.
 */
function decisions(scope: OrgScope, options: StageBatchOptions): SQL {
  const { rules, now, after, limit } = options;
  const { thresholds } = rules;
  return sql`
    rules AS (
      SELECT ${rules.timeZone}::text AS tz,
             (${now.toISOString()}::timestamptz AT TIME ZONE ${rules.timeZone})::date AS today,
             ${thresholds.newDays}::int AS new_days, ${thresholds.activeDays}::int AS active_days,
             ${thresholds.dormantDays}::int AS dormant_days, ${rules.graceDays}::int AS grace
    ),
    batch AS (
      SELECT p.id, p.lifecycle_stage AS stage, p.created_at, p.last_activity_at
      FROM participants p
      WHERE p.org_id = ${scope.orgId} AND p.role <> ${SYSTEM}
        ${after === null ? sql`` : sql`AND p.id > ${after}::uuid`}
      ORDER BY p.id
      LIMIT ${limit}
    ),
    -- operatorSetAt: the latest set_lifecycle_stage intervention still standing that names the
    -- participant. Only one made on or after day today - grace + 1 can hold (today - its day < grace),
    -- so older ones are not read: the answer is the same, and the index on (org_id, created_at) serves it.
    operator_set AS (
      SELECT t.id, max(i.created_at) AS at
      FROM rules r
      JOIN interventions i ON i.org_id = ${scope.orgId}
        AND i.type = 'set_lifecycle_stage' AND i.reversed_at IS NULL
        AND i.created_at >= ((r.today - r.grace + 1)::timestamp AT TIME ZONE r.tz)
      CROSS JOIN LATERAL unnest(i.target_ids) AS t(id)
      WHERE t.id IN (SELECT b.id FROM batch b)
      GROUP BY t.id
    ),
    facts AS (
      SELECT b.id, b.stage,
             ${countingDay(sql`b.created_at`, sql`r.tz`)} AS created_day,
             ${countingDay(sql`b.last_activity_at`, sql`r.tz`)} AS last_day,
             ${countingDay(sql`o.at`, sql`r.tz`)} AS operator_day
      FROM batch b CROSS JOIN rules r LEFT JOIN operator_set o ON o.id = b.id
    ),
    due AS (
      SELECT f.*, ${dueOn(sql`r.today`)} AS due
      FROM facts f CROSS JOIN rules r
    ),
    -- lowerDueSinceDay: the due stage only changes on creation and on the days after a threshold is
    -- crossed; walking those candidates from the latest down, the run of lower days starts at the
    -- earliest candidate above the latest one whose due stage is not lower (today when there is none).
    since AS (
      SELECT d.id, coalesce(min(c.day) FILTER (WHERE c.stop IS NULL OR c.day > c.stop), r.today) AS since
      FROM due d CROSS JOIN rules r
      CROSS JOIN LATERAL (
        SELECT v.day,
               max(v.day) FILTER (WHERE ${order(sql`v.due`)} >= ${order(sql`d.stage`)}) OVER () AS stop
        FROM (
          SELECT w.day, ${dueOn(sql`w.day`)} AS due
          FROM (SELECT d.created_day AS created_day, d.last_day AS last_day) f,
               (VALUES (d.created_day), (d.created_day + r.new_days + 1),
                       (d.last_day + r.active_days + 1), (d.last_day + r.dormant_days + 1)) AS w(day)
          WHERE w.day IS NOT NULL AND w.day >= d.created_day
            AND w.day <= greatest(r.today, d.created_day)
        ) v
      ) c
      WHERE ${order(sql`d.due`)} < ${order(sql`d.stage`)}
      GROUP BY d.id, r.today
    ),
    decided AS (
      SELECT d.id, d.stage, d.due, s.since,
             CASE
               WHEN d.due = d.stage THEN 'unchanged'
               WHEN d.operator_day IS NOT NULL AND r.today - d.operator_day < r.grace THEN 'held_operator_set'
               WHEN ${order(sql`d.due`)} > ${order(sql`d.stage`)} THEN 'promoted'
               WHEN r.today - s.since < r.grace THEN 'held_by_grace'
               ELSE 'demoted'
             END AS reason
      FROM due d CROSS JOIN rules r LEFT JOIN since s ON s.id = d.id
    )`;
}

export interface StageDecisionRow {
  id: string;
  stage: LifecycleStage;
  dueStage: LifecycleStage;
  /** The first local day (YYYY-MM-DD) of the run of lower days, when a lower stage is due. */
  lowerDueSince: string | null;
  reason: EngagementReason;
}

/**
 * What the engine would decide for one batch, without writing: the stored stage, the due stage, the
 * run of lower days and the reason. Explains a run; the tests hold it against decideEngagementStage.
 */
export async function previewStageBatch(
  db: OrgDb,
  scope: OrgScope,
  options: StageBatchOptions,
): Promise<StageDecisionRow[]> {
  return queryRows<StageDecisionRow>(
    db,
    sql`WITH ${decisions(scope, options)}
        SELECT id, stage, due AS "dueStage", to_char(since, 'YYYY-MM-DD') AS "lowerDueSince", reason
        FROM decided ORDER BY id`,
  );
}

export interface StageBatchResult {
  /** The last participant of the batch (the next batch starts after it); null when it was empty. */
  lastId: string | null;
  scanned: number;
  changes: StageTransitionCount[];
}

/**
 * Applies the engine to one batch in one statement: moves the participants whose stage changes, writes
 * a participant.stage_changed event for each (as the scope's actor, cause `engine`, with the reason),
 * and adds the moves to the day's stage_transitions. A participant whose stage changed since the batch
 * was read (an operator, at the same moment) is left alone: the update rechecks the stage it read.
 */
export async function applyStageBatch(
  db: OrgDb,
  scope: OrgScope,
  options: StageBatchOptions & { jobId: string | null },
): Promise<StageBatchResult> {
  const actor = auditActor(scope);
  const [row] = await queryRows<{ lastId: string | null; scanned: number; changes: StageTransitionCount[] }>(
    db,
    sql`WITH ${decisions(scope, options)},
        updated AS (
          UPDATE participants p SET lifecycle_stage = d.due
          FROM decided d
          WHERE p.org_id = ${scope.orgId} AND p.id = d.id AND d.reason IN ('promoted', 'demoted')
            AND p.lifecycle_stage = d.stage
          RETURNING p.id, d.stage AS from_stage, d.due AS to_stage, d.reason
        ),
        -- Data-modifying CTEs run to completion whether or not the final SELECT reads them.
        logged AS (
          INSERT INTO events (org_id, actor_user_id, actor_role, event_type, target_type, target_id, metadata)
          SELECT ${scope.orgId}, ${actor.userId}::uuid, ${actor.role}, 'participant.stage_changed',
                 'participant', u.id::text,
                 jsonb_build_object('from', u.from_stage, 'to', u.to_stage, 'interventionId', NULL,
                                    'reversal', false, 'cause', 'engine', 'reason', u.reason,
                                    'jobId', ${options.jobId}::text)
                 || ${JSON.stringify(actorMetadata(scope))}::jsonb
          FROM updated u
        ),
        moves AS (
          SELECT u.from_stage, u.to_stage, count(*)::int AS n FROM updated u GROUP BY u.from_stage, u.to_stage
        ),
        counted AS (
          INSERT INTO stage_transitions AS st (org_id, day, from_stage, to_stage, cause, count)
          SELECT ${scope.orgId}, r.today, m.from_stage, m.to_stage, 'engine', m.n FROM moves m CROSS JOIN rules r
          ON CONFLICT (org_id, day, from_stage, to_stage, cause) DO UPDATE SET count = st.count + excluded.count
        )
        SELECT (SELECT b.id FROM batch b ORDER BY b.id DESC LIMIT 1) AS "lastId",
               (SELECT count(*)::int FROM batch) AS scanned,
               coalesce((SELECT json_agg(json_build_object('from', m.from_stage, 'to', m.to_stage, 'count', m.n)
                                         ORDER BY m.from_stage, m.to_stage)
                         FROM moves m),
                        '[]'::json) AS changes`,
  );
  return row!;
}

/** The participants the engine decides for (system accounts aside): the denominator of its progress. */
export async function countStageParticipants(db: OrgDb, scope: OrgScope): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM participants p WHERE p.org_id = ${scope.orgId} AND p.role <> ${SYSTEM}`,
  );
  return row!.n;
}

export interface StageDailyCounts {
  /** The org-local day counted, YYYY-MM-DD. */
  day: string;
  counts: Record<LifecycleStage, number>;
}

/**
 * Records how many participants (system accounts aside) hold each stage on the org-local day of
 * `now`, from the stored stages; a later run on the same day replaces that day's counts.
 */
export async function recordStageDailyCounts(
  db: OrgDb,
  scope: OrgScope,
  options: { now: Date; timeZone: string },
): Promise<StageDailyCounts> {
  const stages = sql.join(
    LIFECYCLE_STAGES.map((s) => sql`${s}`),
    sql`, `,
  );
  const rows = await queryRows<{ day: string; stage: LifecycleStage; count: number }>(
    db,
    sql`INSERT INTO stage_daily_counts AS c (org_id, day, stage, count)
        SELECT ${scope.orgId}, (${options.now.toISOString()}::timestamptz AT TIME ZONE ${options.timeZone})::date,
               s.stage, count(p.id)::int
        FROM unnest(ARRAY[${stages}]::text[]) AS s(stage)
        LEFT JOIN participants p
          ON p.org_id = ${scope.orgId} AND p.lifecycle_stage = s.stage AND p.role <> ${SYSTEM}
        GROUP BY s.stage
        ON CONFLICT (org_id, day, stage) DO UPDATE SET count = excluded.count
        RETURNING to_char(c.day, 'YYYY-MM-DD') AS day, c.stage, c.count`,
  );
  const counts = Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, 0])) as Record<LifecycleStage, number>;
  for (const row of rows) counts[row.stage] = row.count;
  return { day: rows[0]!.day, counts };
}
