import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { queryRows } from '../db';
import type { PoolClient } from 'pg';
import type { InOrgWithConnection, OrgDb } from '../database/with-org';
import type { ExportFormat } from '../export-format';
import { copyOut, inlinedStatement } from './copy-binary';
import { CopiedLines, describePage, sentBinary, type PageShape } from './export-copy';
import { isoMillis } from './iso-time';
import { isoMicros } from './keyset';

// Exports rendered by PostgreSQL (docs/decisions/040): each page of an export comes back as one text
// of finished lines, which the app passes through. Building an object per row and formatting it in
// JavaScript cost 7× a `\copy` of the same rows.

/** A timestamptz column written as isoMillis (3 digits) or isoMicros (6 digits) write it. */
export interface ExportTime {
  at: SQL | AnyColumn;
  digits: 3 | 6;
}

export const exportTime = (at: SQL | AnyColumn, digits: 3 | 6): ExportTime => ({ at, digits });

/** An export's columns in file order: the name in the header (CSV) or key (NDJSON), and its value. */
export type ExportColumns = readonly (readonly [name: string, value: SQL | ExportTime])[];

const isTime = (value: SQL | ExportTime): value is ExportTime => 'digits' in value;

/** A column's value as SQL: an export time as its ISO text. */
const textOf = (value: SQL | ExportTime): SQL =>
  isTime(value) ? (value.digits === 6 ? isoMicros(value.at) : isoMillis(value.at)) : value;

/** One page of an export: what it reads, in which order, and the key the next page starts after. */
export interface ExportPage {
  /** `FROM … WHERE …` of the page, the keyset condition included. */
  from: SQL;
  orderBy: SQL;
  limit: number;
  /** The values the next page's condition starts after (the last row's), sent back as text. */
  key: readonly SQL[];
}

export interface RenderedPage {
  /** The lines: text from renderPage, bytes from copyPage. */
  text: string | Uint8Array;
  rows: number;
  /** The last row's key values as text (null where the value is NULL); empty for an empty page. */
  last: (string | null)[];
}

const quoted = (name: string) => sql.raw(`"${name.replace(/"/g, '""')}"`);

/**
 * The page's rows as lines of the format — CSV cells as export_csv_cell writes them (migration 0017),
 * NDJSON objects as row_to_json does (no spaces outside nested JSON) — with the row count and the last
 * row's key. The page is a sorted, limited subquery read by a plain aggregate, which takes its rows in
 * that order (docs/decisions/040): an ORDER BY inside the aggregates, or a row number to sort on,
 * doubled the statement's cost.
 */
export async function renderPage(
  db: OrgDb,
  format: ExportFormat,
  columns: ExportColumns,
  page: ExportPage,
): Promise<RenderedPage> {
  const fields = sql.join(
    [
      ...columns.map(([name, value]) => sql`${textOf(value)} AS ${quoted(name)}`),
      ...page.key.map((value, i) => sql`${value} AS ${sql.raw(`export_key_${i}`)}`),
    ],
    sql`, `,
  );
  const line =
    format === 'csv'
      ? sql`concat_ws(',', ${sql.join(
          columns.map(([name]) => sql`export_csv_cell(page.${quoted(name)}::text)`),
          sql`, `,
        )}) || E'\r\n'`
      : sql`row_to_json(line)::text || E'\n'`;
  // A whole-row reference to the page would carry its keys too.
  const row =
    format === 'csv'
      ? sql``
      : sql`CROSS JOIN LATERAL (SELECT ${sql.join(
          columns.map(([name]) => sql`page.${quoted(name)}`),
          sql`, `,
        )}) line`;
  const last = page.key.map(
    (_, i) =>
      sql`((array_agg(page.${sql.raw(`export_key_${i}`)}))[count(*)])::text AS ${sql.raw(`last_${i}`)}`,
  );
  const [result] = await queryRows<Record<string, string | null> & { text: string | null; rows: number }>(
    db,
    sql`SELECT string_agg(${line}, '') AS text, count(*)::int AS rows, ${sql.join(last, sql`, `)}
        FROM (SELECT ${fields} ${page.from} ORDER BY ${page.orderBy} LIMIT ${page.limit}) page ${row}`,
  );
  const rows = result?.rows ?? 0;
  return {
    text: result?.text ?? '',
    rows,
    last: rows ? page.key.map((_, i) => result![`last_${i}`] ?? null) : [],
  };
}

/**
 * The page's lines as renderPage writes them, on PostgreSQL: the rows' values as text through
 * `COPY … TO STDOUT` and the lines written from their bytes as they arrive (docs/decisions/045).
 * `shape` holds how the columns are written and the keys read, once a page has asked for it (one
 * statement describing them, no rows read), and the largest page's size in bytes so far.
 */
export async function copyPage(
  connection: PoolClient,
  format: ExportFormat,
  columns: ExportColumns,
  page: ExportPage,
  shape: { known?: PageShape; lineBytes?: number },
): Promise<RenderedPage> {
  // Uuids and export times come in their binary form (sentBinary), every other column as its text.
  const select = (value: (column: SQL | ExportTime, i: number) => SQL) =>
    sql`SELECT ${sql.join(
      [
        ...columns.map(([name, column], i) => sql`${value(column, i)} AS ${quoted(name)}`),
        ...page.key.map((key, i) => sql`${key} AS ${sql.raw(`export_key_${i}`)}`),
      ],
      sql`, `,
    )} ${page.from}`;
  const raw = (column: SQL | ExportTime) => (isTime(column) ? sql`${column.at}` : column);
  shape.known ??= await describePage(
    connection,
    select(raw),
    columns.map(([, column]) => (isTime(column) ? column.digits : undefined)),
  );
  const kinds = shape.known.kinds;
  const statement = inlinedStatement(
    sql`${select((column, i) => (sentBinary(kinds[i]!) ? raw(column) : sql`(${textOf(column)})::text`))}
        ORDER BY ${page.orderBy} LIMIT ${page.limit}`,
  );
  const writer = new CopiedLines(
    format,
    columns.map(([name]) => name),
    shape.known,
    // Room for the previous page's lines and a tenth more: growing a page's buffer by doubling
    // allocated and copied twice its size, and the collector paid for it.
    shape.lineBytes ? Math.ceil(shape.lineBytes * 1.1) : page.limit * 256,
  );
  await copyOut(connection, statement, 'export-lines.copyPage', writer);
  const { lines, rows, last } = writer.finish();
  shape.lineBytes = Math.max(shape.lineBytes ?? 0, lines.length);
  return { text: lines, rows, last };
}

/** The header line of a CSV export (the column names), or nothing for NDJSON. */
function exportHeader(format: ExportFormat, columns: ExportColumns): string {
  return format === 'csv' ? `${columns.map(([name]) => name).join(',')}\r\n` : '';
}

/**
 * Every page of an export, rendered, as text. An export reads one or more phases in turn (a list
 * ordered on a column with NULLs reads them apart from the rest); `phase(after)` describes the page of
 * a phase after a key (undefined for its first). Each page is its own scoped transaction
 * (docs/decisions/028): a slow reader holds no connection between pages. The next page is read while
 * this one is written out.
 */
export async function* renderedPages(
  inOrg: InOrgWithConnection,
  format: ExportFormat,
  columns: ExportColumns,
  phases: readonly ((after: (string | null)[] | undefined) => ExportPage)[],
): AsyncGenerator<string | Uint8Array> {
  const header = exportHeader(format, columns);
  if (header) yield header;
  const shape: { known?: PageShape; lineBytes?: number } = {};
  const read = (phase: number, after: (string | null)[] | undefined) => {
    const described = phases[phase]!(after);
    const rendered = inOrg((tx, connection) =>
      connection
        ? copyPage(connection, format, columns, described, shape)
        : renderPage(tx, format, columns, described),
    );
    return { phase, limit: described.limit, rendered };
  };
  let next: ReturnType<typeof read> | undefined = phases.length ? read(0, undefined) : undefined;
  while (next) {
    const { phase, limit, rendered } = next;
    const { text, rows, last } = await rendered;
    next =
      rows === limit ? read(phase, last) : phase + 1 < phases.length ? read(phase + 1, undefined) : undefined;
    // A read ahead that fails while this page is still being written must not go unhandled.
    next?.rendered.catch(() => undefined);
    if (text.length) yield text;
  }
}
