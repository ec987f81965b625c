import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { PoolClient } from 'pg';
import { withQueryLabel } from '../observability/query-label';
import type { ExportFormat } from '../export-format';
import {
  ByteOutput,
  copySpan,
  CopyRows,
  int32,
  jsonString,
  NULL_TEXT,
  QUOTE,
  quotedTime,
  quotedUuid,
  timeParts,
} from './copy-binary';

// An export page on PostgreSQL (docs/decisions/045): the page's fields come back through
// `COPY (…) TO STDOUT (FORMAT binary)`, each as its text's bytes, and the app writes the lines from
// those bytes — never a JavaScript string per value. PostgreSQL's own JSON writing (row_to_json) cost
// 2.5× its COPY output of the same rows; quoting bytes here runs beside it, on the other core.
// The lines are the same bytes renderPage's statement writes (tested on every export).

/**
 * How a column comes and goes into a line. Text: written as a JSON string; raw: as it is (json, jsonb,
 * boolean); number: as it is when a JSON number (row_to_json writes NaN and Infinity as strings). A
 * uuid and an export's ISO timestamp (`time3`/`time6`: milliseconds or microseconds, as isoMillis and
 * isoMicros write them) come in their binary form and are written by the app: PostgreSQL's writing
 * them as text was 1.6 s of a 3.8 s COPY of 2M events.
 */
export type ColumnKind = 'string' | 'raw' | 'number' | 'uuid' | 'time3' | 'time6';

// By the column's type. Anything else (a timestamp not declared as an export time, an array:
// row_to_json writes them differently from their text) is refused.
const KINDS = new Map<number, ColumnKind>([
  [25, 'string'], // text
  [1043, 'string'], // varchar
  [1042, 'string'], // char
  [19, 'string'], // name
  [2950, 'uuid'], // uuid
  [114, 'raw'], // json
  [3802, 'raw'], // jsonb
  [16, 'raw'], // boolean
  [20, 'number'], // int8
  [21, 'number'], // int2
  [23, 'number'], // int4
  [700, 'number'], // float4
  [701, 'number'], // float8
  [1700, 'number'], // numeric
]);

/** Turns a key field's binary value (COPY's binary format) back into text the next page's condition takes. */
export type KeyReader = (data: Buffer, start: number, end: number) => string;

const TIMESTAMPTZ = 1184;

/** A timestamp key as PostgreSQL's own text writes it (BC years included), which `::timestamptz` reads. */
function timestampKey(data: Buffer, start: number): string {
  const t = timeParts(data, start);
  if (typeof t === 'string') return t;
  const two = (n: number) => String(n).padStart(2, '0');
  const year = String(t.year <= 0 ? 1 - t.year : t.year).padStart(4, '0');
  return (
    `${year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)}.` +
    `${String(t.micros).padStart(6, '0')}+00${t.year <= 0 ? ' BC' : ''}`
  );
}

const KEY_READERS = new Map<number, KeyReader>([
  [25, (data, start, end) => data.toString('utf8', start, end)], // text
  [1043, (data, start, end) => data.toString('utf8', start, end)], // varchar
  [21, (data, start) => String(data.readInt16BE(start))], // int2
  [23, (data, start) => String(data.readInt32BE(start))], // int4
  [20, (data, start) => String(data.readBigInt64BE(start))], // int8
  [TIMESTAMPTZ, (data, start) => timestampKey(data, start)],
  [
    2950, // uuid
    (data, start) => {
      const hex = data.toString('hex', start, start + 16);
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  ],
]);

/** How a key of this type (by oid) is read back; undefined for a type the exports do not key on. */
export const keyReader = (oid: number): KeyReader | undefined => KEY_READERS.get(oid);

/** What a page's COPY sends: how each column is written, how each key is read back. */
export interface PageShape {
  kinds: ColumnKind[];
  keys: KeyReader[];
}

/**
 * The shape of a page from the types PostgreSQL describes for its columns and keys (one statement, no
 * rows read). `times` holds the digits of the columns declared as export times (else undefined): they
 * must be timestamptz. A column or key of a type this module cannot write or read is a programming
 * error.
 */
export async function describePage(
  connection: PoolClient,
  select: SQL,
  times: readonly (3 | 6 | undefined)[],
): Promise<PageShape> {
  const query = new PgDialect().sqlToQuery(sql`SELECT * FROM (${select}) probe LIMIT 0`);
  const result = await withQueryLabel('export-copy.describePage', () =>
    connection.query({ text: query.sql, values: query.params as unknown[] }),
  );
  const refused = (name: string, oid: number): never => {
    throw new Error(`export-copy: ${name} has a type (oid ${oid}) it cannot write`);
  };
  const fields = result.fields;
  const columns = times.length;
  return {
    kinds: fields.slice(0, columns).map((f, i) => {
      const digits = times[i];
      if (digits === undefined) return KINDS.get(f.dataTypeID) ?? refused(f.name, f.dataTypeID);
      return f.dataTypeID === TIMESTAMPTZ ? (`time${digits}` as const) : refused(f.name, f.dataTypeID);
    }),
    keys: fields.slice(columns).map((f) => keyReader(f.dataTypeID) ?? refused(f.name, f.dataTypeID)),
  };
}

/** Whether the COPY sends the column in its binary form (else as text). */
export const sentBinary = (kind: ColumnKind) => kind === 'uuid' || kind === 'time3' || kind === 'time6';

/** A page as COPY sent it: its lines, how many rows, the last row's key values as text. */
export interface CopiedPage {
  lines: Buffer;
  rows: number;
  last: (string | null)[];
}

const FORMULA_START = new Set([0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d]); // = + - @ tab CR
const [N, I, MINUS] = [0x4e, 0x49, 0x2d];

/**
 * Whether a number's text is a JSON number: PostgreSQL writes every finite value as one, and NaN,
 * Infinity and -Infinity as words (which row_to_json writes as strings).
 */
const isJsonNumber = (data: Buffer, start: number, end: number) =>
  end > start && data[start] !== N && data[start] !== I && !(data[start] === MINUS && data[start + 1] === I);

/** A CSV cell as export_csv_cell writes it: quoted, quotes doubled, an apostrophe before a formula. */
function csvCell(out: ByteOutput, source: Buffer, start: number, end: number) {
  out.reserve(3 + end - start);
  out.buffer[out.length++] = QUOTE;
  if (end > start && FORMULA_START.has(source[start]!)) out.buffer[out.length++] = 0x27;
  for (let i = start; i < end; i++) {
    const b = source[i]!;
    if (b === QUOTE) {
      out.reserve(2 + end - i);
      out.buffer[out.length++] = QUOTE;
    }
    out.buffer[out.length++] = b;
  }
  out.buffer[out.length++] = QUOTE;
}

/**
 * Writes a page's lines from COPY's binary rows as they arrive in chunks: each row holds the export's
 * columns as text, then the page's key columns in their binary form (writing a timestamp as text
 * for every row cost PostgreSQL as much as the rest of the row). CSV cells as export_csv_cell writes them,
 * NDJSON objects as row_to_json does.
 */
export class CopiedLines extends CopyRows {
  private readonly out: ByteOutput;
  private readonly prefixes: Buffer[];
  private readonly lineEnd: Buffer;
  private readonly prefixBytes: number;
  // The last complete row's key fields: the chunk they are in and where they start.
  private lastKeyData: Buffer | undefined;
  private lastKeyAt = 0;

  private readonly kinds: readonly ColumnKind[];
  private readonly keys: readonly KeyReader[];

  constructor(
    private readonly format: ExportFormat,
    names: readonly string[],
    shape: PageShape,
    sizeHint: number,
  ) {
    super(names.length + shape.keys.length);
    this.kinds = shape.kinds;
    this.keys = shape.keys;
    this.out = new ByteOutput(sizeHint);
    // `"name":` with the comma before it, and the object's opening brace before the first.
    this.prefixes = names.map((name, i) => Buffer.from(`${i ? ',' : '{'}${JSON.stringify(name)}:`));
    this.lineEnd = Buffer.from(format === 'csv' ? '\r\n' : '}\n');
    this.prefixBytes = this.prefixes.reduce((sum, prefix) => sum + prefix.length, this.lineEnd.length);
  }

  /** The page: its lines, rows and last key. Throws if the COPY did not end where it should. */
  finish(): CopiedPage {
    this.finished();
    const last: (string | null)[] = [];
    const data = this.lastKeyData;
    if (data) {
      let at = this.lastKeyAt;
      for (const read of this.keys) {
        const length = int32(data, at);
        at += 4;
        last.push(length < 0 ? null : read(data, at, at + length));
        at += Math.max(length, 0);
      }
    }
    return { lines: this.out.written(), rows: this.rowsRead, last };
  }

  protected row(data: Buffer, at: number, end: number) {
    this.lastKeyAt = this.format === 'csv' ? this.writeCsvRow(data, at) : this.writeJsonRow(data, at, end);
    this.lastKeyData = data;
  }

  /** Writes a CSV line; where the row's key fields start. */
  private writeCsvRow(data: Buffer, at: number): number {
    const { out, kinds } = this;
    for (let c = 0; c < kinds.length; c++) {
      const length = int32(data, at);
      const start = at + 4;
      const end = length < 0 ? start : start + length;
      at = end;
      const kind = kinds[c];
      if (c) out.byte(0x2c);
      if (length < 0) continue;
      // A uuid or a timestamp never starts like a formula: quoted, as export_csv_cell would.
      if (kind === 'uuid') quotedUuid(out, data, start, end);
      else if (kind === 'time3' || kind === 'time6')
        quotedTime(out, data, start, end, kind === 'time3' ? 3 : 6, true);
      else csvCell(out, data, start, end);
    }
    out.bytes(this.lineEnd, 0, this.lineEnd.length);
    return at;
  }

  /**
   * An NDJSON line, written without a bounds check per byte: room is made once for the row's worst
   * case (every byte escaped to six, the names and the line's end), the bytes then go straight in.
   * Where the row's key fields start.
   */
  private writeJsonRow(data: Buffer, at: number, rowEnd: number): number {
    const { out, kinds, prefixes } = this;
    out.reserve(this.prefixBytes + 6 * (rowEnd - at));
    const target = out.buffer;
    let pos = out.length;
    for (let c = 0; c < kinds.length; c++) {
      const length = int32(data, at);
      const start = at + 4;
      const end = length < 0 ? start : start + length;
      at = end;
      const prefix = prefixes[c]!;
      for (let i = 0; i < prefix.length; i++) target[pos++] = prefix[i]!;
      const kind = kinds[c];
      if (length < 0) {
        for (let i = 0; i < NULL_TEXT.length; i++) target[pos++] = NULL_TEXT[i]!;
      } else if (kind === 'uuid') {
        out.length = pos;
        quotedUuid(out, data, start, end);
        pos = out.length;
      } else if (kind === 'time3' || kind === 'time6') {
        out.length = pos;
        quotedTime(out, data, start, end, kind === 'time3' ? 3 : 6, false);
        pos = out.length;
      } else if (kind === 'raw' || (kind === 'number' && isJsonNumber(data, start, end))) {
        pos = copySpan(target, pos, data, start, end);
      } else {
        out.length = pos;
        jsonString(out, data, start, end);
        pos = out.length;
      }
    }
    for (let i = 0; i < this.lineEnd.length; i++) target[pos++] = this.lineEnd[i]!;
    out.length = pos;
    return at;
  }
}
