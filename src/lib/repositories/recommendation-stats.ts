import { sql } from 'drizzle-orm';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import { ATLAS_DETECTORS, type AtlasDetector } from '../domain';
import type { OrgScope } from '../scope';

// How operators decided what each Atlas detector suggested, per local week (Monday first, the org's
// time zone, as the overview counts weeks). Only accepted and dismissed recommendations count: a
// superseded one was withdrawn by Atlas, not judged by anyone.

export interface DetectorWeekDecisions {
  /** null: recommendations no detector made (the seed's, older ones), or a detector no longer known. */
  detector: AtlasDetector | null;
  /** The Monday that starts the local week, YYYY-MM-DD. */
  weekStart: string;
  accepted: number;
  dismissed: number;
}

/**
 * One row per detector (the known ones in their order, then null) and week of the last `weeks` weeks
 * (this one included), oldest week first, zeros where nothing was decided: a dense grid.
 *
 * A decision counts in the week of `decided_at`; rows decided before that column was written carry
 * only `updated_at`, which the decision set last (nothing updates a decided recommendation since).
 */
export async function countDecisionsByDetectorAndWeek(
  db: OrgDb,
  scope: OrgScope,
  weeks: number,
): Promise<DetectorWeekDecisions[]> {
  const thisWeek = sql`date_trunc('week', (now() AT TIME ZONE ${scope.timezone}))::date`;
  const firstWeek = sql`(${thisWeek} - ${(weeks - 1) * 7}::int)`;
  const since = sql`(${firstWeek}::timestamp AT TIME ZONE ${scope.timezone})`;
  const decidedAt = sql`coalesce(r.decided_at, r.updated_at)`;
  const known = sql`ARRAY[${sql.join(
    ATLAS_DETECTORS.map((d) => sql`${d}`),
    sql`, `,
  )}]::text[]`;
  return queryRows<DetectorWeekDecisions>(
    db,
    sql`SELECT d.detector, to_char(w.week, 'YYYY-MM-DD') AS "weekStart",
               coalesce(c.accepted, 0)::int AS accepted, coalesce(c.dismissed, 0)::int AS dismissed
        FROM (SELECT detector, position FROM unnest(${known}) WITH ORDINALITY AS k(detector, position)
              UNION ALL SELECT NULL::text, ${ATLAS_DETECTORS.length + 1}::bigint) AS d
        CROSS JOIN generate_series(${firstWeek}::timestamp, ${thisWeek}::timestamp, interval '7 days') AS w(week)
        LEFT JOIN (
          SELECT CASE WHEN r.detector = ANY(${known}) THEN r.detector END AS detector,
                 date_trunc('week', ${decidedAt} AT TIME ZONE ${scope.timezone})::date AS week,
                 count(*) FILTER (WHERE r.status = 'accepted') AS accepted,
                 count(*) FILTER (WHERE r.status = 'dismissed') AS dismissed
          FROM recommendations r
          WHERE r.org_id = ${scope.orgId} AND r.status IN ('accepted', 'dismissed') AND ${decidedAt} >= ${since}
          GROUP BY 1, 2
        ) c ON c.detector IS NOT DISTINCT FROM d.detector AND c.week = w.week::date
        ORDER BY d.position, w.week`,
  );
}
