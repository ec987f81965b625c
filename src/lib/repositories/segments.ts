import { eq, sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import { orgSettings, type SEGMENT_COUNT_DIMENSIONS } from '../database/schema';
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
// time zone: "the last 14 days" starts at midnight, org time, 14 days ago. Their sizes come from
// counters kept by triggers (migration 0018); their members from the participants themselves.

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

/**
 * Midnight in the org's time zone, `days` days ago, as a timestamptz. `once`: as a subquery, which
 * PostgreSQL works out once per statement (an InitPlan) rather than for every row — for a CASE over
 * every participant (60–80 ms of 100,000 rows' segments), never in a WHERE: the planner cannot estimate
 * a range bounded by an InitPlan's value, and the segment counts went from 12 to 138 ms
 * (docs/decisions/062).
 */
const daysAgoOf = (scope: OrgScope, days: number, once = false) => {
  const at = sql`(date_trunc('day', now() AT TIME ZONE ${scope.timezone}) - make_interval(days => ${days}::int)) AT TIME ZONE ${scope.timezone}`;
  return once ? sql`(SELECT ${at})` : sql`(${at})`;
};

const SYSTEM = sql.raw(`'${SYSTEM_PARTICIPANT_ROLE}'`);

/** A participant's number of relationships, either direction (the counters kept by triggers). */
const degreeOf = (p: SQL) => sql`(${p}.out_degree + ${p}.in_degree)`;

/**
 * The degree at or above which a participant is highly connected (never below the minimum): the degree
 * percentile_disc would pick over the org's participants — the first the ordered participants reach at
 * row ceil(fraction × count), never before the first — found in the degree counters (decision 042)
 * rather than by sorting the org.
 */
const highlyConnectedThreshold = (scope: OrgScope, s: SegmentSettings) => sql`(
  SELECT greatest(coalesce(min(d.degree) FILTER (
           WHERE d.reached >= greatest(1, ceil(${s.highlyConnectedPercentile}::float8 * d.regular::float8))), 0),
         ${s.highlyConnectedMinDegree}::int)
  FROM (SELECT c.bucket AS degree, sum(c.participants) OVER (ORDER BY c.bucket) AS reached,
               sum(c.participants) OVER () AS regular
        FROM segment_counts c WHERE c.org_id = ${scope.orgId} AND c.dimension = 'degree') d)`;

/**
 * The condition for membership of `key`, on the participants row aliased `p`. `perRow`: for a value
 * worked out for every row (a CASE in the select list), never for a WHERE (see daysAgoOf).
 */
export function segmentCondition(
  key: SegmentKey,
  scope: OrgScope,
  s: SegmentSettings,
  { perRow = false }: { perRow?: boolean } = {},
): SQL {
  const p = sql.raw('p');
  const daysAgo = (days: number) => daysAgoOf(scope, days, perRow);
  if (key === 'system') return sql`${p}.role = ${SYSTEM}`;
  const regular = sql`${p}.role <> ${SYSTEM}`;
  const conditions: Record<Exclude<SegmentKey, 'system'>, SQL> = {
    new: sql`${p}.created_at >= ${daysAgo(s.newDays)}`,
    active: sql`${p}.last_activity_at >= ${daysAgo(s.activeDays)}`,
    at_risk: sql`${p}.last_activity_at < ${daysAgo(s.activeDays)} AND ${p}.last_activity_at >= ${daysAgo(s.dormantDays)}`,
    dormant: sql`(${p}.last_activity_at IS NULL OR ${p}.last_activity_at < ${daysAgo(s.dormantDays)})`,
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

/** The participants counted in `dimension`'s buckets (those `where` keeps, aliased c). */
const counted = (scope: OrgScope, dimension: SegmentCountDimension, where = sql``) =>
  sql`(SELECT coalesce(sum(c.participants), 0) FROM segment_counts c
       WHERE c.org_id = ${scope.orgId} AND c.dimension = ${dimension} ${where})`;

/** The participants (not automated accounts) counted in `dimension` at or after `since`. */
function countedSince(scope: OrgScope, dimension: 'created' | 'activity', since: SQL): SQL {
  const column = sql.raw(dimension === 'created' ? 'created_at' : 'last_activity_at');
  // bigint, as the column is: compared as numeric, the bucket could not bound the index scan.
  const firstWholeSlot = sql`ceil(extract(epoch FROM ${since}) / ${SLOT_SECONDS})::bigint`;
  // The slots that start at or after `since`, and the participants of the slot it falls inside (none
  // when it starts a slot, as midnight does in every time zone today), read from the table's index.
  return sql`(${counted(scope, dimension, sql`AND c.bucket >= ${firstWholeSlot}`)}
            + (SELECT count(*) FROM participants p
               WHERE p.org_id = ${scope.orgId} AND p.role <> ${SYSTEM} AND p.${column} >= ${since}
                 AND p.${column} < to_timestamp(${firstWholeSlot} * ${SLOT_SECONDS})))`;
}

type SegmentCountDimension = (typeof SEGMENT_COUNT_DIMENSIONS)[number];

/** The width of the counters' time buckets (migration 0018): every UTC offset in use is a multiple. */
const SLOT_SECONDS = sql.raw('900');

/**
 * Every segment with its size, from the counters the triggers keep (docs/decisions/042): a few index
 * reads however large the org. The same numbers as counting the participants one by one with
 * segmentCondition (tested against that recount).
 */
export async function countSegments(db: OrgDb, scope: OrgScope): Promise<SegmentCount[]> {
  const s = await getSegmentSettings(db, scope);
  const [counts] = await queryRows<Record<SegmentKey, number>>(
    db,
    sql`WITH totals AS (
          SELECT ${counted(scope, 'degree')} AS regular,
                 ${countedSince(scope, 'activity', daysAgoOf(scope, s.activeDays))} AS active,
                 ${countedSince(scope, 'activity', daysAgoOf(scope, s.dormantDays))} AS not_dormant
        )
        SELECT ${counted(scope, 'system')}::int AS system,
               ${counted(scope, 'degree', sql`AND c.bucket = 0`)}::int AS isolated,
               ${counted(scope, 'degree', sql`AND c.bucket >= ${highlyConnectedThreshold(scope, s)}`)}::int AS highly_connected,
               ${countedSince(scope, 'created', daysAgoOf(scope, s.newDays))}::int AS new,
               t.active::int AS active,
               greatest(t.not_dormant - t.active, 0)::int AS at_risk,
               (t.regular - t.not_dormant)::int AS dormant
        FROM totals t`,
  );
  return SEGMENT_KEYS.map((key) => ({ key, ...describeSegment(key, s), count: counts![key] }));
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
