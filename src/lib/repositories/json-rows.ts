import { sql, type SQL } from 'drizzle-orm';

/**
 * The rows of `rows` as one JSON array, in `order` (aliased r), each row an object keyed by its column
 * names; an empty array when there are none. A column named `at` orders without being written (a
 * timestamp kept to the microsecond, where the written time has milliseconds). One value of a larger
 * statement: a view of several lists in one round trip.
 */
export const jsonRows = (rows: SQL, order: SQL) =>
  sql`(SELECT coalesce(jsonb_agg(to_jsonb(r) - 'at' ORDER BY ${order}), '[]') FROM (${rows}) r)`;
