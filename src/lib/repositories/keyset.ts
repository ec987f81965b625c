import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

// Newest-first lists page on (created_at, id). Timestamps travel at PostgreSQL's microsecond
// precision: a cursor rounded to JavaScript's milliseconds would skip rows that share a millisecond.

export type TimeKey = {
  at: string;
  id: string;
};

/** The column as an ISO 8601 string with microseconds, UTC. */
export const isoMicros = (column: SQL | AnyColumn) =>
  sql<string>`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Rows strictly after `after` in (created_at DESC, id DESC) order. */
export const olderThan = (createdAt: AnyColumn, id: AnyColumn, after: TimeKey): SQL =>
  sql`(${createdAt}, ${id}) < (${after.at}::timestamptz, ${after.id}::uuid)`;

/** What a newest-first list's cursor must hold to be decoded (a forged one is a 400). */
export { timeKeyCursorSchema } from '../validation/cursors';

/**
 * Keyset pages of `query(after)` until a short page: each page starts after the previous last id.
 * `after` is a condition on `column`, the id column of the table the query reads (by its alias).
 * Without `pause`, the next page is asked for as soon as a page arrives, so the database reads it while
 * the caller copies this one (half the time of a 5M-relationship load was spent waiting for the next
 * page). With `pause` (a request's heavy read, docs/decisions/031), each page waits for it instead:
 * the database's side of the work gives way to light requests too, not only the formatting.
 */
export async function* keysetPages<T extends { id: string }>(
  batchSize: number,
  column: string,
  query: (after: SQL, limit: number) => Promise<T[]>,
  pause?: () => Promise<void>,
): AsyncGenerator<T[]> {
  const page = (after: string | undefined) =>
    query(after === undefined ? sql`` : sql`AND ${sql.raw(column)} > ${after}`, batchSize);
  if (pause) {
    for (let after: string | undefined, more = true; more;) {
      await pause();
      const rows = await page(after);
      more = rows.length === batchSize;
      after = rows[rows.length - 1]?.id;
      if (rows.length) yield rows;
    }
    return;
  }
  let next: Promise<T[]> | undefined = page(undefined);
  while (next) {
    const rows: T[] = await next;
    next = rows.length < batchSize ? undefined : page(rows[rows.length - 1]!.id);
    // A prefetch that fails while the caller still works on this page must not go unhandled.
    next?.catch(() => undefined);
    if (rows.length) yield rows;
  }
}
