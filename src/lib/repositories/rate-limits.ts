import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db';

// The shared request counters (rate_limits: global, one row per limited key; src/lib/rate-limit-counter.ts).

export interface StoredCount {
  key: string;
  points: number;
  expire: Date;
}

/**
 * Adds hits to each key's row in one statement, opening a new window of `durationSeconds` where the
 * last one is over (or none was open), and returns each row's total and window end.
 */
export async function addRateLimitHits(
  db: Database,
  batch: { key: string; hits: number }[],
  durationSeconds: number,
): Promise<StoredCount[]> {
  const rows = await queryRows<{ key: string; points: number; expire: Date | string }>(
    db,
    sql`INSERT INTO rate_limits AS r (key, points, expire)
        SELECT k, h, now() + make_interval(secs => ${durationSeconds})
        FROM unnest(${sql.param(batch.map((b) => b.key))}::text[], ${sql.param(batch.map((b) => b.hits))}::int[]) AS t(k, h)
        ON CONFLICT (key) DO UPDATE SET
          points = CASE WHEN r.expire <= now() THEN excluded.points ELSE r.points + excluded.points END,
          expire = CASE WHEN r.expire <= now() THEN excluded.expire ELSE r.expire END
        RETURNING r.key, r.points, r.expire`,
  );
  return rows.map((row) => ({ key: row.key, points: Number(row.points), expire: new Date(row.expire) }));
}
