import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

// Newest-first lists page on (created_at, id). Timestamps travel at PostgreSQL's microsecond
// precision: a cursor rounded to JavaScript's milliseconds would skip rows that share a millisecond.

export type TimeKey = {
  at: string;
  id: string;
};

/** The column as an ISO 8601 string with microseconds, UTC. */
export const isoMicros = (column: AnyColumn) =>
  sql<string>`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Rows strictly after `after` in (created_at DESC, id DESC) order. */
export const olderThan = (createdAt: AnyColumn, id: AnyColumn, after: TimeKey): SQL =>
  sql`(${createdAt}, ${id}) < (${after.at}::timestamptz, ${after.id}::uuid)`;

/** What a newest-first list's cursor must hold to be decoded (a forged one is a 400). */
export { timeKeyCursorSchema } from '../validation/cursors';
