import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { withQueryLabel } from '../observability/query-label';
import type { ExportFormat } from '../export-format';

// An export page on PostgreSQL (docs/decisions/045): the page's fields come back through
// `COPY (…) TO STDOUT (FORMAT binary)`, each as its text's bytes, and the app writes the lines from
// those bytes — never a JavaScript string per value. PostgreSQL's own JSON writing (row_to_json) cost
// 2.5× its COPY output of the same rows; quoting bytes here runs beside it, on the other core.
// The lines are the same bytes renderPage's statement writes (tested on every export).

/** How a column's text goes into an NDJSON line, by the column's type. */
export type ColumnKind = 'string' | 'safe-string' | 'raw' | 'number';

// Types whose text is written as a JSON string, those whose text needs no escaping inside one (uuid),
// those written as they are (json, jsonb, boolean), and numbers (as they are when a valid JSON number:
// row_to_json writes NaN and Infinity as strings). Anything else (timestamps, arrays: row_to_json
// writes them differently from their text) is refused: an export formats such columns itself.
const KINDS = new Map<number, ColumnKind>([
  [25, 'string'], // text
  [1043, 'string'], // varchar
  [1042, 'string'], // char
  [19, 'string'], // name
  [2950, 'safe-string'], // uuid
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

// Strings written as E'' literals, backslashes doubled: read the same whatever
// standard_conforming_strings says.
class LiteralDialect extends PgDialect {
  override escapeString(str: string): string {
    return `E'${str.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  }
}
const dialect = new LiteralDialect();

/**
 * The statement's text with its values written in as literals: COPY takes no parameters. Only
 * strings, finite numbers and booleans are written; anything else is refused rather than written by
 * its `toString`.
 */
export function inlinedStatement(query: SQL): string {
  const { params } = dialect.sqlToQuery(query);
  for (const value of params) {
    const ok =
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!ok) throw new Error(`export-copy: cannot write a ${typeof value} into a COPY statement`);
  }
  return dialect.sqlToQuery(sql`${query}`.inlineParams()).sql;
}

/** Turns a key field's binary value (COPY's binary format) back into text the next page's condition takes. */
export type KeyReader = (data: Buffer, start: number, end: number) => string;

// 2000-01-01T00:00:00Z, where PostgreSQL's timestamps count microseconds from.
const POSTGRES_EPOCH_MS = 946_684_800_000;
const INT64_MAX = 0x7fffffffffffffffn;

/** A timestamp's microseconds as ISO 8601 with all six digits, as `::timestamptz` reads it back. */
function timestampText(data: Buffer, start: number): string {
  const micros = data.readBigInt64BE(start);
  if (micros === INT64_MAX) return 'infinity';
  if (micros === -INT64_MAX - 1n) return '-infinity';
  const fraction = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const seconds = (micros - fraction) / 1_000_000n;
  const iso = new Date(Number(seconds) * 1000 + POSTGRES_EPOCH_MS).toISOString();
  return `${iso.slice(0, -5)}.${String(fraction).padStart(6, '0')}Z`;
}

const KEY_READERS = new Map<number, KeyReader>([
  [25, (data, start, end) => data.toString('utf8', start, end)], // text
  [1043, (data, start, end) => data.toString('utf8', start, end)], // varchar
  [21, (data, start) => String(data.readInt16BE(start))], // int2
  [23, (data, start) => String(data.readInt32BE(start))], // int4
  [20, (data, start) => String(data.readBigInt64BE(start))], // int8
  [1184, (data, start) => timestampText(data, start)], // timestamptz
  [1114, (data, start) => timestampText(data, start)], // timestamp
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
 * rows read). A column or key of a type this module cannot write or read is a programming error.
 */
export async function describePage(connection: PoolClient, select: SQL, columns: number): Promise<PageShape> {
  const query = dialect.sqlToQuery(sql`SELECT * FROM (${select}) probe LIMIT 0`);
  const result = await withQueryLabel('export-copy.describePage', () =>
    connection.query({ text: query.sql, values: query.params as unknown[] }),
  );
  const refused = (name: string, oid: number): never => {
    throw new Error(`export-copy: ${name} has a type (oid ${oid}) it cannot write`);
  };
  const fields = result.fields;
  return {
    kinds: fields.slice(0, columns).map((f) => KINDS.get(f.dataTypeID) ?? refused(f.name, f.dataTypeID)),
    keys: fields.slice(columns).map((f) => keyReader(f.dataTypeID) ?? refused(f.name, f.dataTypeID)),
  };
}

/**
 * `COPY (statement) TO STDOUT (FORMAT binary)`, its bytes handed to `take` as they arrive, so the app
 * writes a page's first lines while PostgreSQL is still sending its last.
 */
export async function copyOut(
  connection: PoolClient,
  statement: string,
  label: string,
  take: (chunk: Buffer) => void,
): Promise<void> {
  const stream = withQueryLabel(label, () =>
    connection.query(copyTo(`COPY (${statement}) TO STDOUT (FORMAT binary)`)),
  );
  for await (const chunk of stream) take(chunk as Buffer);
}

/** A page as COPY sent it: its lines, how many rows, the last row's key values as text. */
export interface CopiedPage {
  lines: Buffer;
  rows: number;
  last: (string | null)[];
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const FORMULA_START = new Set([0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d]); // = + - @ tab CR
const SHORT_ESCAPES = new Map([
  [0x08, 0x62], // \b
  [0x0c, 0x66], // \f
  [0x0a, 0x6e], // \n
  [0x0d, 0x72], // \r
  [0x09, 0x74], // \t
  [QUOTE, QUOTE],
  [BACKSLASH, BACKSLASH],
]);
const HEX = '0123456789abcdef';
const [N, I, MINUS] = [0x4e, 0x49, 0x2d];

/**
 * Whether a number's text is a JSON number: PostgreSQL writes every finite value as one, and NaN,
 * Infinity and -Infinity as words (which row_to_json writes as strings).
 */
const isJsonNumber = (data: Buffer, start: number, end: number) =>
  end > start && data[start] !== N && data[start] !== I && !(data[start] === MINUS && data[start + 1] === I);

/**
 * A byte buffer that grows as lines are written into it. Short spans are copied a byte at a time: a
 * view per value (subarray) cost more in allocation and collection than the copy.
 */
class Output {
  buffer: Buffer;
  length = 0;
  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(size, 256));
  }
  reserve(n: number) {
    if (this.length + n <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + n));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
  byte(b: number) {
    this.reserve(1);
    this.buffer[this.length++] = b;
  }
  bytes(source: Uint8Array, start: number, end: number) {
    this.reserve(end - start);
    const target = this.buffer;
    if (end - start > 64) {
      target.set(source.subarray(start, end), this.length);
      this.length += end - start;
      return;
    }
    let at = this.length;
    for (let i = start; i < end; i++) target[at++] = source[i]!;
    this.length = at;
  }
}

/** A JSON string's content: the bytes with `"`, `\` and control characters escaped as escape_json does. */
function jsonEscaped(out: Output, source: Buffer, start: number, end: number) {
  out.reserve(end - start);
  for (let i = start; i < end; i++) {
    const b = source[i]!;
    if (b >= 0x20 && b !== QUOTE && b !== BACKSLASH) {
      out.buffer[out.length++] = b;
      continue;
    }
    // An escape takes up to six bytes for one: room for it and the rest of the value.
    out.reserve(6 + end - i);
    out.buffer[out.length++] = BACKSLASH;
    const short = SHORT_ESCAPES.get(b);
    if (short !== undefined) out.buffer[out.length++] = short;
    else out.length += out.buffer.write(`u00${HEX[b >> 4]}${HEX[b & 15]}`, out.length, 'latin1');
  }
}

/** A CSV cell as export_csv_cell writes it: quoted, quotes doubled, an apostrophe before a formula. */
function csvCell(out: Output, source: Buffer, start: number, end: number) {
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

const int32 = (data: Buffer, at: number) =>
  (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
const int16 = (data: Buffer, at: number) => ((data[at]! << 24) | (data[at + 1]! << 16)) >> 16;
const HEADER = 19;

/**
 * Writes a page's lines from COPY's binary rows as they arrive in chunks: each row holds the export's
 * columns as text, then the page's key columns in their binary form (writing a timestamp as text
 * for every row cost PostgreSQL as much as the rest of the row). CSV cells as export_csv_cell writes them,
 * NDJSON objects as row_to_json does.
 */
export class CopiedLines {
  private readonly out: Output;
  private readonly prefixes: Buffer[];
  private readonly nul = Buffer.from('null');
  private readonly lineEnd: Buffer;
  private pending: Buffer = Buffer.alloc(0);
  private started = false;
  private ended = false;
  private rows = 0;
  // The last complete row's key fields: the chunk they are in and where they start.
  private lastKey: { data: Buffer; at: number } | undefined;

  private readonly kinds: readonly ColumnKind[];
  private readonly keys: readonly KeyReader[];

  constructor(
    private readonly format: ExportFormat,
    private readonly names: readonly string[],
    shape: PageShape,
    sizeHint: number,
  ) {
    this.kinds = shape.kinds;
    this.keys = shape.keys;
    this.out = new Output(sizeHint);
    // `"name":` with the comma before it, and the object's opening brace before the first.
    this.prefixes = names.map((name, i) => Buffer.from(`${i ? ',' : '{'}${JSON.stringify(name)}:`));
    this.lineEnd = Buffer.from(format === 'csv' ? '\r\n' : '}\n');
  }

  /** Takes the next bytes; writes the lines of every row now complete. */
  write(chunk: Buffer) {
    if (this.ended) throw new Error('export-copy: bytes after the end of the COPY');
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    if (!this.started) {
      if (data.length < HEADER) {
        this.pending = data;
        return;
      }
      if (!data.subarray(0, 11).equals(SIGNATURE)) throw new Error('export-copy: not a binary COPY');
      const extension = data.readUInt32BE(15);
      if (data.length < HEADER + extension) {
        this.pending = data;
        return;
      }
      this.started = true;
      at = HEADER + extension;
    }
    for (;;) {
      const end = this.rowEnd(data, at);
      if (end === undefined) break;
      if (end === -1) {
        this.ended = true;
        at += 2;
        break;
      }
      this.writeRow(data, at + 2);
      at = end;
    }
    this.pending = data.subarray(at);
  }

  /** The page: its lines, rows and last key. Throws if the COPY did not end where it should. */
  finish(): CopiedPage {
    if (!this.ended || this.pending.length) throw new Error('export-copy: the COPY ended early');
    const last: (string | null)[] = [];
    if (this.lastKey) {
      let { at } = this.lastKey;
      const { data } = this.lastKey;
      for (const read of this.keys) {
        const length = int32(data, at);
        at += 4;
        last.push(length < 0 ? null : read(data, at, at + length));
        at += Math.max(length, 0);
      }
    }
    return { lines: this.out.buffer.subarray(0, this.out.length), rows: this.rows, last };
  }

  /** Where the row at `at` ends; -1 at the trailer; undefined when its bytes have not all come. */
  private rowEnd(data: Buffer, at: number): number | undefined {
    if (at + 2 > data.length) return undefined;
    const fields = int16(data, at);
    if (fields === -1) return -1;
    if (fields !== this.names.length + this.keys.length) throw new Error('export-copy: unexpected row width');
    at += 2;
    for (let c = 0; c < fields; c++) {
      if (at + 4 > data.length) return undefined;
      at += 4 + Math.max(int32(data, at), 0);
    }
    return at <= data.length ? at : undefined;
  }

  private writeRow(data: Buffer, at: number) {
    const { out, names, kinds } = this;
    const csv = this.format === 'csv';
    for (let c = 0; c < names.length; c++) {
      const length = int32(data, at);
      const start = at + 4;
      const end = length < 0 ? start : start + length;
      at = end;
      if (csv) {
        if (c) out.byte(0x2c);
        if (length >= 0) csvCell(out, data, start, end);
        continue;
      }
      out.bytes(this.prefixes[c]!, 0, this.prefixes[c]!.length);
      const kind = kinds[c];
      if (length < 0) out.bytes(this.nul, 0, this.nul.length);
      else if (kind === 'raw') out.bytes(data, start, end);
      else if (kind === 'number' && isJsonNumber(data, start, end)) out.bytes(data, start, end);
      else {
        out.byte(QUOTE);
        if (kind === 'safe-string') out.bytes(data, start, end);
        else jsonEscaped(out, data, start, end);
        out.byte(QUOTE);
      }
    }
    out.bytes(this.lineEnd, 0, this.lineEnd.length);
    this.lastKey = { data, at };
    this.rows++;
  }
}
