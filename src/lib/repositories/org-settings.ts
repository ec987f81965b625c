import { eq, sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db';
import type { OrgDb } from '../database/with-org';
import { orgs, orgSettings } from '../database/schema';
import { DEFAULT_SEGMENT_SETTINGS, type SegmentSettings } from '../domain';
import { DEFAULT_STAGE_GRACE_DAYS } from '../engagement-state';
import type { OrgScope } from '../scope';
import type { OrgSettings } from '../validation/settings';

// The time zone lives on `orgs`, the thresholds and the stage grace period in `org_settings` (a row
// only once an owner saved one; absent means the defaults of DEFAULT_SEGMENT_SETTINGS and
// DEFAULT_STAGE_GRACE_DAYS).

interface SettingsRow extends Partial<SegmentSettings> {
  timezone: string;
  stageGraceDays: number | null;
  updatedAt: string | null;
}

function withDefaults(row: SettingsRow): OrgSettings {
  const pick = <K extends keyof SegmentSettings>(key: K) => row[key] ?? DEFAULT_SEGMENT_SETTINGS[key];
  return {
    timezone: row.timezone,
    newDays: pick('newDays'),
    activeDays: pick('activeDays'),
    dormantDays: pick('dormantDays'),
    highlyConnectedPercentile: pick('highlyConnectedPercentile'),
    highlyConnectedMinDegree: pick('highlyConnectedMinDegree'),
    stageGraceDays: row.stageGraceDays ?? DEFAULT_STAGE_GRACE_DAYS,
    updatedAt: row.updatedAt,
  };
}

const select = (scope: OrgScope, lock: boolean) => sql`
  SELECT o.timezone,
         s.new_days AS "newDays",
         s.active_days AS "activeDays",
         s.dormant_days AS "dormantDays",
         s.highly_connected_percentile AS "highlyConnectedPercentile",
         s.highly_connected_min_degree AS "highlyConnectedMinDegree",
         s.stage_grace_days AS "stageGraceDays",
         to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "updatedAt"
  FROM orgs o
  LEFT JOIN org_settings s ON s.org_id = o.id
  WHERE o.id = ${scope.orgId}
  ${lock ? sql`FOR UPDATE OF o` : sql``}`;

export async function findOrgSettings(db: OrgDb, scope: OrgScope): Promise<OrgSettings> {
  const [row] = await queryRows<SettingsRow>(db, select(scope, false));
  return withDefaults(row!);
}

/**
 * The settings, with the org's row locked until the transaction ends: two owners saving at once are
 * applied one after the other, each audited against what it really replaced.
 */
export async function lockOrgSettings(tx: OrgDb, scope: OrgScope): Promise<OrgSettings> {
  const [row] = await queryRows<SettingsRow>(tx, select(scope, true));
  return withDefaults(row!);
}

/** Whether the database itself knows the zone (`AT TIME ZONE` fails on any other, in every query). */
export async function databaseKnowsTimezone(db: Database, timezone: string): Promise<boolean> {
  const [row] = await queryRows<{ known: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = ${timezone}) AS known`,
  );
  return row!.known;
}

export async function saveOrgSettings(
  tx: OrgDb,
  scope: OrgScope,
  next: Omit<OrgSettings, 'updatedAt'>,
): Promise<void> {
  await tx.update(orgs).set({ timezone: next.timezone }).where(eq(orgs.id, scope.orgId));
  const thresholds = {
    newDays: next.newDays,
    activeDays: next.activeDays,
    dormantDays: next.dormantDays,
    highlyConnectedPercentile: next.highlyConnectedPercentile,
    highlyConnectedMinDegree: next.highlyConnectedMinDegree,
    stageGraceDays: next.stageGraceDays,
    updatedAt: sql`now()`,
  };
  await tx
    .insert(orgSettings)
    .values({ orgId: scope.orgId, ...thresholds })
    .onConflictDoUpdate({ target: orgSettings.orgId, set: thresholds });
}
