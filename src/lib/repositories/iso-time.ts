import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/** A timestamptz as the API writes times: UTC ISO 8601 with milliseconds (`2026-01-31T12:00:00.123Z`). */
export const isoMillis = (column: SQL | AnyColumn) =>
  sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
