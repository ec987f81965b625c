import { eq, sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import { orgSettings } from '../database/schema';
import {
  DEFAULT_SEGMENT_SETTINGS,
  type LifecycleStage,
  describeSegment,
  SEGMENT_KEYS,
  SYSTEM_PARTICIPANT_ROLE,
  type SegmentKey,
  type SegmentSettings,
} from '../domain';
import type { OrgScope } from '../scope';

// Segments are computed in SQL from participants and relationships, relative to now in the org's
// time zone: "the last 14 days" starts at midnight, org time, 14 days ago.

export async function getSegmentSettings(db: OrgDb, scope: OrgScope): Promise<SegmentSettings> {
  const [row] = await db
    .select({
      newDays: orgSettings.newDays,
      activeDays: orgSettings.activeDays,
      dormantDays: orgSettings.dormantDays,
      highlyConnectedPercentile: orgSettings.highlyConnectedPercentile,
      highlyConnectedMinDegree: orgSettings.highlyConnectedMinDegree,
    })
    .from(orgSettings)
    .where(eq(orgSettings.orgId, scope.orgId));
  return row ?? DEFAULT_SEGMENT_SETTINGS;
}

/** Midnight in the org's time zone, `days` days ago, as a timestamptz. */
const daysAgo = (scope: OrgScope, days: number) =>
  sql`((date_trunc('day', now() AT TIME ZONE ${scope.timezone}) - make_interval(days => ${days}::int)) AT TIME ZONE ${scope.timezone})`;

const SYSTEM = sql.raw(`'${SYSTEM_PARTICIPANT_ROLE}'`);

/** A participant's number of relationships, either direction (the counters kept by triggers). */
const degreeOf = (p: SQL) => sql`(${p}.out_degree + ${p}.in_degree)`;

/** The degree at or above which a participant is highly connected (never below the minimum). */
const highlyConnectedThreshold = (scope: OrgScope, s: SegmentSettings) => sql`(
  SELECT greatest(coalesce(percentile_disc(${s.highlyConnectedPercentile}::float8) WITHIN GROUP (ORDER BY q.out_degree + q.in_degree), 0),
                  ${s.highlyConnectedMinDegree}::int)
  FROM participants q WHERE q.org_id = ${scope.orgId} AND q.role <> ${SYSTEM})`;

/** The condition for membership of `key`, on the participants row aliased `p`. */
export function segmentCondition(key: SegmentKey, scope: OrgScope, s: SegmentSettings): SQL {
  const p = sql.raw('p');
  if (key === 'system') return sql`${p}.role = ${SYSTEM}`;
  const regular = sql`${p}.role <> ${SYSTEM}`;
  const conditions: Record<Exclude<SegmentKey, 'system'>, SQL> = {
    new: sql`${p}.created_at >= ${daysAgo(scope, s.newDays)}`,
    active: sql`${p}.last_activity_at >= ${daysAgo(scope, s.activeDays)}`,
    at_risk: sql`${p}.last_activity_at < ${daysAgo(scope, s.activeDays)} AND ${p}.last_activity_at >= ${daysAgo(scope, s.dormantDays)}`,
    dormant: sql`(${p}.last_activity_at IS NULL OR ${p}.last_activity_at < ${daysAgo(scope, s.dormantDays)})`,
    isolated: sql`${degreeOf(p)} = 0`,
    highly_connected: sql`${degreeOf(p)} >= ${highlyConnectedThreshold(scope, s)}`,
  };
  return sql`(${regular} AND ${conditions[key]})`;
}

export interface SegmentCount {
  key: SegmentKey;
  label: string;
  description: string;
  count: number;
}

/** Every segment with its size, in one pass over the org's participants. */
export async function countSegments(db: OrgDb, scope: OrgScope): Promise<SegmentCount[]> {
  const settings = await getSegmentSettings(db, scope);
  const columns = SEGMENT_KEYS.map(
    (key) =>
      sql`count(*) FILTER (WHERE ${segmentCondition(key, scope, settings)})::int AS ${sql.identifier(key)}`,
  );
  const [counts] = await queryRows<Record<SegmentKey, number>>(
    db,
    sql`SELECT ${sql.join(columns, sql`, `)} FROM participants p WHERE p.org_id = ${scope.orgId}`,
  );
  return SEGMENT_KEYS.map((key) => ({ key, ...describeSegment(key, settings), count: counts![key] }));
}

/** Ids of the segment's participants, at most `limit` (callers ask for one more to detect overflow). */
export async function listSegmentMemberIds(
  db: OrgDb,
  scope: OrgScope,
  key: SegmentKey,
  limit: number,
): Promise<string[]> {
  const settings = await getSegmentSettings(db, scope);
  const rows = await queryRows<{ id: string }>(
    db,
    sql`SELECT p.id FROM participants p WHERE p.org_id = ${scope.orgId} AND ${segmentCondition(key, scope, settings)}
        ORDER BY p.id LIMIT ${limit}`,
  );
  return rows.map((r) => r.id);
}

/** The lifecycle stage a participant's activity points to now (new, active, at risk or dormant). */
export async function activityStageOf(
  db: OrgDb,
  scope: OrgScope,
  participantId: string,
): Promise<LifecycleStage | undefined> {
  const settings = await getSegmentSettings(db, scope);
  const [row] = await queryRows<{ stage: LifecycleStage }>(
    db,
    sql`SELECT CASE
              WHEN ${segmentCondition('new', scope, settings)} THEN 'new'
              WHEN ${segmentCondition('active', scope, settings)} THEN 'active'
              WHEN ${segmentCondition('at_risk', scope, settings)} THEN 'at_risk'
              ELSE 'dormant' END AS stage
        FROM participants p WHERE p.org_id = ${scope.orgId} AND p.id = ${participantId}`,
  );
  return row?.stage;
}
