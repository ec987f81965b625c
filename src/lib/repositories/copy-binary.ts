import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { PoolClient } from 'pg';
import { withQueryLabel } from '../observability/query-label';
import { framedCopyTo, type CopyFrames } from './copy-frames';

// Reading `COPY (…) TO STDOUT (FORMAT binary)` as its bytes arrive (docs/decisions/045, 062): the
// statement with its values written in, the stream, its rows found in the chunks, and a byte buffer to
// write answers into. The exports and the compact graph write their answers from these bytes, never a
// JavaScript string per value.

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
 * strings, finite numbers not below zero and booleans are written; anything else is refused rather
 * than written by its `toString`.
 */
export function inlinedStatement(query: SQL): string {
  const { params } = dialect.sqlToQuery(query);
  for (const value of params) {
    const ok =
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      // Not a negative one: written after a minus in the statement, it would start a comment.
      (typeof value === 'number' && Number.isFinite(value) && value >= 0);
    if (!ok) throw new Error(`copy: cannot write a ${typeof value} into a COPY statement`);
  }
  return dialect.sqlToQuery(sql`${query}`.inlineParams()).sql;
}

/**
 * `COPY (statement) TO STDOUT (FORMAT binary)`, its rows handed to `rows` as they arrive, read where
 * the connection's chunks hold them (./copy-frames.ts), so the app works on the first rows while
 * PostgreSQL is still sending the last. `after` is called after each chunk; when it answers a promise,
 * the next bytes wait for it (the socket's own backpressure holds PostgreSQL meanwhile).
 */
export async function copyOut(
  connection: PoolClient,
  statement: string,
  label: string,
  rows: CopyRows,
  after: () => void | Promise<void> = () => undefined,
): Promise<void> {
  const stream = withQueryLabel(label, () =>
    connection.query(framedCopyTo(`COPY (${statement}) TO STDOUT (FORMAT binary)`)),
  );
  // A COPY left half-read leaves the connection waiting for its end (the copy stream gives the
  // connection back only at CopyDone or an error from the server): after a failure here the rest is
  // read and dropped, so the transaction can roll back and the connection go back to the pool.
  let failure: { error: unknown } | undefined;
  for await (const frames of stream as AsyncIterable<CopyFrames>) {
    if (failure) continue;
    try {
      const { chunk, payloads } = frames;
      for (let i = 0; i < payloads.length; i += 2) rows.write(chunk, payloads[i], payloads[i + 1]);
      await after();
    } catch (error) {
      failure = { error };
    }
  }
  if (failure) throw failure.error;
}

/**
 * A byte buffer that grows as an answer is written into it. Short spans are copied a byte at a time:
 * a view per value (subarray) cost more in allocation and collection than the copy.
 */
export class ByteOutput {
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
  bytes(source: Buffer, start: number, end: number) {
    this.reserve(end - start);
    this.length = copySpan(this.buffer, this.length, source, start, end);
  }
  /** `n` (an integer ≥ 0) in decimal, zero-padded to `width` digits (more when it has more). */
  digits(n: number, width = 1) {
    for (let power = 10 ** width; n >= power; power *= 10) width++;
    this.reserve(width);
    const target = this.buffer;
    for (let i = this.length + width - 1; i >= this.length; i--) {
      const rest = Math.floor(n / 10);
      target[i] = 0x30 + n - rest * 10;
      n = rest;
    }
    this.length += width;
  }
  /** What has been written (a view, not a copy). */
  written(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
  /**
   * Forgets the first `n` bytes written: the rest moves to the start of another buffer (`into` when it
   * is as large, else a new one), the old one left as it is to whoever still reads it.
   */
  dropFirst(n: number, into?: Buffer) {
    if (n === 0) return;
    // Nothing left (a column's end, most often): a small buffer, which grows again if written on.
    const size = n < this.length ? this.buffer.length : Math.min(this.buffer.length, 256);
    const rest = into && into.length >= size ? into : Buffer.allocUnsafe(size);
    this.length = this.buffer.copy(rest, 0, n, this.length);
    this.buffer = rest;
  }
}

export const QUOTE = 0x22;
/** JSON's null, for a NULL field. */
export const NULL_TEXT = Buffer.from('null');
const MINUS = 0x2d;
const HEX = '0123456789abcdef';
// Two hexadecimal digits per byte value, as character codes.
const HEX_PAIRS = Array.from({ length: 256 }, (_, b) => [HEX.charCodeAt(b >> 4), HEX.charCodeAt(b & 15)]);

/** A uuid's 16 bytes as its text, quoted (a JSON string and a CSV cell alike). */
export function quotedUuid(out: ByteOutput, data: Buffer, start: number, end: number) {
  if (end - start !== 16) throw new Error('copy: a uuid is 16 bytes');
  out.reserve(38);
  const target = out.buffer;
  let at = out.length;
  target[at++] = QUOTE;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) target[at++] = MINUS;
    const pair = HEX_PAIRS[data[start + i]!]!;
    target[at++] = pair[0]!;
    target[at++] = pair[1]!;
  }
  target[at++] = QUOTE;
  out.length = at;
}

export const int32 = (data: Buffer, at: number) =>
  (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
const int16 = (data: Buffer, at: number) => ((data[at]! << 24) | (data[at + 1]! << 16)) >> 16;

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const NOTHING = Buffer.alloc(0);
const HEADER = 19;

/**
 * COPY's binary rows found in its bytes as they arrive in chunks (PostgreSQL's "Binary Format": a
 * signature, flags and a header extension, then per row a 16-bit field count and each field's 32-bit
 * length, -1 for NULL, and bytes, then a 16-bit -1). Each complete row goes to `row`, with where its
 * first field's length starts.
 */
export abstract class CopyRows {
  private pending: Buffer = NOTHING;
  private started = false;
  private ended = false;
  private handed = 0;

  constructor(private readonly width: number) {}

  /** How many rows have been handed on. */
  get rowsRead(): number {
    return this.handed;
  }

  /** A complete row: its fields from `at` (the first field's length) to `end`. */
  protected abstract row(data: Buffer, at: number, end: number): void;

  /**
   * Takes the next bytes, `chunk` from `start` to `end`; hands on every row now complete, read where it
   * lies (a view of a row's bytes is made only for a row the bytes before ended inside).
   */
  write(chunk: Buffer, start = 0, end = chunk.length) {
    if (this.ended) throw new Error('copy: bytes after the end of the COPY');
    let data = chunk;
    let at = start;
    if (!this.started) {
      data = Buffer.concat([this.pending, chunk.subarray(start, end)]);
      end = data.length;
      const signature = data.subarray(0, SIGNATURE.length);
      if (!signature.equals(SIGNATURE.subarray(0, signature.length))) {
        throw new Error('copy: not a binary COPY');
      }
      if (data.length < HEADER || data.length < HEADER + data.readUInt32BE(15)) {
        this.pending = data;
        return;
      }
      this.started = true;
      at = HEADER + data.readUInt32BE(15);
    } else if (this.pending.length) {
      const used = this.straddling(chunk.subarray(start, end));
      if (used === undefined) return;
      at = start + used;
    }
    at = this.rows(data, at, end);
    this.pending = at === end ? NOTHING : data.subarray(at, end);
  }

  /** Throws unless the COPY ended where it should. */
  finished() {
    if (!this.ended || this.pending.length) throw new Error('copy: the COPY ended early');
  }

  /**
   * Finishes the row the last chunk ended inside, joined with as little of this chunk as it needs
   * (joining whole chunks copied every byte once more); how much of the chunk it took, or undefined
   * when the row goes on past it.
   */
  private straddling(chunk: Buffer): number | undefined {
    const before = this.pending.length;
    for (let take = Math.min(chunk.length, 1024); ; take = Math.min(chunk.length, take * 4)) {
      const joined = Buffer.concat([this.pending, chunk.subarray(0, take)]);
      const end = this.rowEnd(joined, 0);
      if (end === -1) {
        this.ended = true;
        return 2 - before;
      }
      if (end !== undefined) {
        this.handed++;
        this.row(joined, 2, end);
        return end - before;
      }
      if (take === chunk.length) {
        this.pending = joined;
        return undefined;
      }
    }
  }

  /** Hands on every complete row of `data` from `at` to `limit`; where the first incomplete one starts. */
  private rows(data: Buffer, at: number, limit: number): number {
    while (!this.ended) {
      const end = this.rowEnd(data, at, limit);
      if (end === undefined) break;
      if (end === -1) {
        this.ended = true;
        return at + 2;
      }
      this.handed++;
      this.row(data, at + 2, end);
      at = end;
    }
    return at;
  }

  /**
   * Where the row at `at` ends; -1 at the trailer; undefined when its bytes have not all come (before
   * `limit`).
   */
  private rowEnd(data: Buffer, at: number, limit = data.length): number | undefined {
    if (at + 2 > limit) return undefined;
    const fields = int16(data, at);
    if (fields === -1) return -1;
    if (fields !== this.width) throw new Error('copy: unexpected row width');
    at += 2;
    for (let c = 0; c < fields; c++) {
      if (at + 4 > limit) return undefined;
      at += 4 + Math.max(int32(data, at), 0);
    }
    return at <= limit ? at : undefined;
  }
}

const BACKSLASH = 0x5c;
const SHORT_ESCAPES = new Map([
  [0x08, 0x62], // \b
  [0x0c, 0x66], // \f
  [0x0a, 0x6e], // \n
  [0x0d, 0x72], // \r
  [0x09, 0x74], // \t
  [QUOTE, QUOTE],
  [BACKSLASH, BACKSLASH],
]);
// 1 for the bytes a JSON string escapes as PostgreSQL's escape_json does: control characters, `"`, `\`.
const ESCAPED = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) ESCAPED[b] = 1;
ESCAPED[QUOTE] = 1;
ESCAPED[BACKSLASH] = 1;

/** Writes byte `b`'s JSON escape at `pos` (room made by the caller); where it ends. */
function writeEscape(target: Buffer, pos: number, b: number): number {
  target[pos++] = BACKSLASH;
  const short = SHORT_ESCAPES.get(b);
  if (short !== undefined) {
    target[pos++] = short;
    return pos;
  }
  return pos + target.write(`u00${HEX[b >> 4]}${HEX[b & 15]}`, pos, 'latin1');
}

/**
 * A text's UTF-8 bytes as a JSON string, escaped as PostgreSQL's `to_json` escapes it: the two bytes
 * JSON reserves and the control characters, nothing else.
 */
export function jsonString(out: ByteOutput, data: Buffer, start: number, end: number) {
  out.reserve(2 + 6 * (end - start));
  const target = out.buffer;
  let pos = out.length;
  target[pos++] = QUOTE;
  // Read for what needs escaping, the spans between copied whole: natively when long (hashes, names),
  // where a byte at a time was most of an export's event loop.
  let from = start;
  for (let i = start; i < end; i++) {
    const b = data[i]!;
    if (ESCAPED[b] === 0) continue;
    pos = copySpan(target, pos, data, from, i);
    pos = writeEscape(target, pos, b);
    from = i + 1;
  }
  pos = copySpan(target, pos, data, from, end);
  target[pos++] = QUOTE;
  out.length = pos;
}

/** Copies `data[start, end)` to `pos` of `target` (room made by the caller); where it ends. */
export function copySpan(target: Buffer, pos: number, data: Buffer, start: number, end: number): number {
  if (end - start > 24) return pos + data.copy(target, pos, start, end);
  for (let i = start; i < end; i++) target[pos++] = data[i]!;
  return pos;
}

const US_PER_DAY = 86_400_000_000;
const US_PER_DAY_BIG = 86_400_000_000n;
// Days from 1970-01-01 (where civilDate counts from) to 2000-01-01, where PostgreSQL's timestamps
// count microseconds from.
const EPOCH_DAYS = 10_957;

/** Days since 1970-01-01 as a proleptic Gregorian date (H. Hinnant's civil_from_days), into `t`. */
function civilDate(days: number, t: TimeParts) {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  t.day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  t.month = mp < 10 ? mp + 3 : mp - 9;
  t.year = yoe + era * 400 + (t.month <= 2 ? 1 : 0);
}

interface TimeParts {
  /** Astronomical: 0 is 1 BC. */
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
}

// One value reused for every row: a timestamp's parts are read at once, and an object per row was
// most of the collector's work.
const PARTS: TimeParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, micros: 0 };
/** The day PARTS' date is of, in days from 2000-01-01. */
let partsDay = Number.NaN;

/**
 * A timestamp's 8 bytes (microseconds from 2000-01-01 UTC) as UTC date and time (the shared PARTS,
 * valid until the next call), or an infinity.
 */
export function timeParts(data: Buffer, start: number): TimeParts | 'infinity' | '-infinity' {
  const hi = int32(data, start);
  const lo = int32(data, start + 4) >>> 0;
  if (hi === 0x7fffffff && lo === 0xffffffff) return 'infinity';
  if (hi === -0x80000000 && lo === 0) return '-infinity';
  let days: number;
  let rest: number;
  if (hi >= -0x100000 && hi < 0x100000) {
    // Under 2^52 microseconds from 2000 (±142 years): exact as a double.
    const micros = hi * 4_294_967_296 + lo;
    days = Math.floor(micros / US_PER_DAY);
    rest = micros - days * US_PER_DAY;
  } else {
    const micros = (BigInt(hi) << 32n) | BigInt(lo);
    let wholeDays = micros / US_PER_DAY_BIG;
    let remainder = micros % US_PER_DAY_BIG;
    if (remainder < 0n) {
      remainder += US_PER_DAY_BIG;
      wholeDays -= 1n;
    }
    days = Number(wholeDays);
    rest = Number(remainder);
  }
  const t = PARTS;
  // Rows come day after day: the date is worked out again only when the day changes.
  if (days !== partsDay) {
    civilDate(days + EPOCH_DAYS, t);
    partsDay = days;
  }
  const seconds = Math.floor(rest / 1_000_000);
  t.hour = Math.floor(seconds / 3600);
  t.minute = Math.floor(seconds / 60) % 60;
  t.second = seconds % 60;
  t.micros = rest % 1_000_000;
  return t;
}

/**
 * A timestamptz's 8 bytes as `to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` writes
 * it (`.MS` for 3 digits: truncated), quoted; the infinities as NULL, as to_char answers them. Years as
 * to_char writes YYYY: at least four digits, a year before the common era by its number (44 BC: 0044).
 */
export function quotedTime(
  out: ByteOutput,
  data: Buffer,
  start: number,
  end: number,
  fraction: 3 | 6,
  csv: boolean,
) {
  if (end - start !== 8) throw new Error('export-copy: a timestamp is 8 bytes');
  const t = timeParts(data, start);
  if (typeof t === 'string') {
    if (!csv) out.bytes(NULL_TEXT, 0, NULL_TEXT.length);
    return;
  }
  const year = t.year <= 0 ? 1 - t.year : t.year;
  if (year > 9999) {
    out.byte(QUOTE);
    out.digits(year, 4);
  } else {
    out.reserve(5);
    out.buffer[out.length++] = QUOTE;
    out.length = twoDigits(out.buffer, twoDigits(out.buffer, out.length, Math.floor(year / 100)), year % 100);
  }
  // The rest has a fixed width: written straight in, two digits at a time (a million rows' times
  // written digit by digit were a tenth of an export's event loop).
  out.reserve(24);
  const target = out.buffer;
  let at = out.length;
  target[at++] = MINUS;
  at = twoDigits(target, at, t.month);
  target[at++] = MINUS;
  at = twoDigits(target, at, t.day);
  target[at++] = 0x54; // T
  at = twoDigits(target, at, t.hour);
  target[at++] = 0x3a; // :
  at = twoDigits(target, at, t.minute);
  target[at++] = 0x3a;
  at = twoDigits(target, at, t.second);
  target[at++] = 0x2e; // .
  if (fraction === 6) {
    at = twoDigits(target, at, Math.floor(t.micros / 10_000));
    at = twoDigits(target, at, Math.floor(t.micros / 100) % 100);
    at = twoDigits(target, at, t.micros % 100);
  } else {
    const millis = Math.floor(t.micros / 1000);
    target[at++] = 0x30 + Math.floor(millis / 100);
    at = twoDigits(target, at, millis % 100);
  }
  target[at++] = 0x5a; // Z
  target[at++] = QUOTE;
  out.length = at;
}

// "00" to "99" as character codes, two a number.
const DECIMAL_PAIRS = Uint8Array.from({ length: 200 }, (_, i) =>
  i % 2 ? 0x30 + ((i >> 1) % 10) : 0x30 + Math.floor((i >> 1) / 10),
);

/** `n` (0 to 99) as two digits at `at` of `target` (room made by the caller); where they end. */
function twoDigits(target: Buffer, at: number, n: number): number {
  target[at] = DECIMAL_PAIRS[2 * n]!;
  target[at + 1] = DECIMAL_PAIRS[2 * n + 1]!;
  return at + 2;
}

/**
 * A float8 as PostgreSQL's float8out writes it (extra_float_digits 1, its default: the shortest digits
 * that read back as the same double): in plain notation from 1e-4 to 1e15, else as `1.5e-07` (a sign and
 * at least two digits after the e). JavaScript's shortest digits are the same; its notation is not.
 */
export function float8Text(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [digits = '', power = ''] = x.toExponential().split('e');
  const exponent = Number(power);
  if (exponent >= -4 && exponent < 15) return String(x);
  return `${digits}e${power[0]}${power.slice(1).padStart(2, '0')}`;
}
