import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import { SYSTEM_PARTICIPANT_ROLE, type InterventionScope, type InterventionType } from '../domain';
import type { OrgScope } from '../scope';

export interface OrgOverview {
  participants: number;
  relationships: number;
  pendingRecommendations: number;
  members: number;
}

/** The headline numbers of an org, each an index-backed count filtered by its org. */
export async function countOrgOverview(db: OrgDb, scope: OrgScope): Promise<OrgOverview> {
  const [row] = await queryRows<OrgOverview>(
    db,
    sql`SELECT
          (SELECT count(*)::int FROM participants WHERE org_id = ${scope.orgId}) AS "participants",
          (SELECT count(*)::int FROM relationships WHERE org_id = ${scope.orgId}) AS "relationships",
          (SELECT count(*)::int FROM recommendations WHERE org_id = ${scope.orgId} AND status = 'pending') AS "pendingRecommendations",
          (SELECT count(*)::int FROM org_memberships WHERE org_id = ${scope.orgId}) AS "members"`,
  );
  return row!;
}

// The charts count calendar days in the org's time zone: a day runs from local midnight to local
// midnight, whatever the server's zone, and days without anything are rows of zero (generate_series),
// so a chart's x-axis never skips a day.

export interface DayCount {
  /** The local calendar day, YYYY-MM-DD. */
  day: string;
  count: number;
}

/** The org's calendar day today, minus `days`, as a date (local midnight is where it starts). */
const localDate = (scope: OrgScope, days: number) =>
  sql`((now() AT TIME ZONE ${scope.timezone})::date - ${days}::int)`;

/** Local midnight at the start of that date, as a timestamptz (an index-friendly lower bound). */
const startOf = (scope: OrgScope, date: SQL) => sql`(${date}::timestamp AT TIME ZONE ${scope.timezone})`;

/** Counts per local day for the last `days` days (today included), zeros where `perDay` has no row. */
async function perDaySeries(db: OrgDb, scope: OrgScope, days: number, perDay: SQL): Promise<DayCount[]> {
  return queryRows<DayCount>(
    db,
    sql`SELECT to_char(d.day, 'YYYY-MM-DD') AS day, coalesce(c.n, 0)::int AS count
        FROM generate_series(${localDate(scope, days - 1)}::timestamp, ${localDate(scope, 0)}::timestamp, interval '1 day') AS d(day)
        LEFT JOIN (${perDay}) c ON c.day = d.day::date
        ORDER BY d.day`,
  );
}

/**
 * Participants (system accounts aside) whose last activity fell on each day: the last-seen profile of
 * the network. A participant counts once, on the day it was last active.
 */
export function countLastActivityPerDay(db: OrgDb, scope: OrgScope, days: number): Promise<DayCount[]> {
  const since = startOf(scope, localDate(scope, days - 1));
  return perDaySeries(
    db,
    scope,
    days,
    sql`SELECT (last_activity_at AT TIME ZONE ${scope.timezone})::date AS day, count(*) AS n
        FROM participants
        WHERE org_id = ${scope.orgId} AND last_activity_at >= ${since}
          AND role <> ${SYSTEM_PARTICIPANT_ROLE}
        GROUP BY 1`,
  );
}

/**
 * Distinct participants that the audit log names as an event's target on each day (viewed, stage
 * changed, focused in the graph…): the participants the org worked on.
 */
export function countAuditedParticipantsPerDay(
  db: OrgDb,
  scope: OrgScope,
  days: number,
): Promise<DayCount[]> {
  const since = startOf(scope, localDate(scope, days - 1));
  return perDaySeries(
    db,
    scope,
    days,
    sql`SELECT (created_at AT TIME ZONE ${scope.timezone})::date AS day, count(DISTINCT target_id) AS n
        FROM events
        WHERE org_id = ${scope.orgId} AND created_at >= ${since} AND target_type = 'participant'
        GROUP BY 1`,
  );
}

export interface WeekCount {
  /** The Monday that starts the local week, YYYY-MM-DD. */
  weekStart: string;
  inEffect: number;
  reversed: number;
}

/** Interventions created per local week (Monday first) over the last `weeks` weeks, this one included. */
export async function countInterventionsPerWeek(
  db: OrgDb,
  scope: OrgScope,
  weeks: number,
): Promise<WeekCount[]> {
  const thisWeek = sql`date_trunc('week', (now() AT TIME ZONE ${scope.timezone}))::date`;
  const firstWeek = sql`(${thisWeek} - ${(weeks - 1) * 7}::int)`;
  return queryRows<WeekCount>(
    db,
    sql`SELECT to_char(w.week, 'YYYY-MM-DD') AS "weekStart",
               coalesce(c.in_effect, 0)::int AS "inEffect", coalesce(c.reversed, 0)::int AS "reversed"
        FROM generate_series(${firstWeek}::timestamp, ${thisWeek}::timestamp, interval '7 days') AS w(week)
        LEFT JOIN (
          SELECT date_trunc('week', created_at AT TIME ZONE ${scope.timezone})::date AS week,
                 count(*) FILTER (WHERE reversed_at IS NULL) AS in_effect,
                 count(*) FILTER (WHERE reversed_at IS NOT NULL) AS reversed
          FROM interventions
          WHERE org_id = ${scope.orgId} AND created_at >= ${startOf(scope, firstWeek)}
          GROUP BY 1
        ) c ON c.week = w.week::date
        ORDER BY w.week`,
  );
}

export interface ActionCount {
  action: string;
  count: number;
}

/** Pending recommendations by suggested action, the largest first. */
export function countOpenRecommendationsByAction(db: OrgDb, scope: OrgScope): Promise<ActionCount[]> {
  return queryRows<ActionCount>(
    db,
    sql`SELECT suggested_action AS action, count(*)::int AS count
        FROM recommendations
        WHERE org_id = ${scope.orgId} AND status = 'pending'
        GROUP BY suggested_action
        ORDER BY count(*) DESC, suggested_action`,
  );
}

export interface InterventionSummary {
  id: string;
  type: InterventionType;
  scope: InterventionScope;
  targetCount: number;
  reason: string;
  operatorEmail: string | null;
  createdAt: string;
  reversedAt: string | null;
}

/**
 * The newest interventions without their per-target states: a segment intervention records up to
 * 10,000 targets' states, which a summary line never shows.
 */
export function listRecentInterventions(
  db: OrgDb,
  scope: OrgScope,
  limit: number,
): Promise<InterventionSummary[]> {
  const iso = (column: SQL) => sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  return queryRows<InterventionSummary>(
    db,
    sql`SELECT i.id, i.type, i.scope, cardinality(i.target_ids)::int AS "targetCount", i.reason,
               u.email AS "operatorEmail", ${iso(sql`i.created_at`)} AS "createdAt",
               CASE WHEN i.reversed_at IS NULL THEN NULL ELSE ${iso(sql`i.reversed_at`)} END AS "reversedAt"
        FROM interventions i
        LEFT JOIN users u ON u.id = i.operator_user_id
        WHERE i.org_id = ${scope.orgId}
        ORDER BY i.created_at DESC, i.id DESC
        LIMIT ${limit}`,
  );
}
