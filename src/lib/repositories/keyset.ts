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
export function keysetPages<T extends { id: string }>(
  batchSize: number,
  column: string,
  query: (after: SQL, limit: number) => Promise<T[]>,
  pause?: () => Promise<void>,
): AsyncGenerator<T[]> {
  return pagesAfter(
    column,
    (after) => query(after, batchSize),
    (rows) => (rows.length === batchSize ? rows[rows.length - 1]!.id : undefined),
    (rows): rows is T[] => rows.length > 0,
    pause,
  );
}

/** A page read as one aggregated row: how many rows it holds and the last of their ids. */
export interface AggregatedPage {
  n: number;
  last: string | null;
}

/**
 * `keysetPages` for a query that answers each page as one row of aggregates (decision 055): `n` rows
 * counted, `last` their greatest id. Asked for early in the same way.
 */
export function aggregatedKeysetPages<T extends AggregatedPage>(
  batchSize: number,
  column: string,
  query: (after: SQL, limit: number) => Promise<T | undefined>,
): AsyncGenerator<T> {
  return pagesAfter(
    column,
    (after) => query(after, batchSize),
    (page) => (page && page.n === batchSize ? page.last! : undefined),
    (page): page is T => page !== undefined && page.n > 0,
  );
}

async function* pagesAfter<P, Q extends P = P>(
  column: string,
  read: (after: SQL) => Promise<P>,
  nextAfter: (page: P) => string | undefined,
  holdsRows: (page: P) => page is Q,
  pause?: () => Promise<void>,
): AsyncGenerator<Q> {
  const page = (after: string | undefined) =>
    read(after === undefined ? sql`` : sql`AND ${sql.raw(column)} > ${after}`);
  if (pause) {
    for (let after: string | undefined, more = true; more;) {
      await pause();
      const rows = await page(after);
      after = nextAfter(rows);
      more = after !== undefined;
      if (holdsRows(rows)) yield rows;
    }
    return;
  }
  let next: Promise<P> | undefined = page(undefined);
  while (next) {
    const rows: P = await next;
    const after = nextAfter(rows);
    next = after === undefined ? undefined : page(after);
    // A prefetch that fails while the caller still works on this page must not go unhandled.
    next?.catch(() => undefined);
    if (holdsRows(rows)) yield rows;
  }
}
