import crypto from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { parse, type Parser } from 'csv-parse';

// A CSV file read as it arrives: bytes checked (size, encoding, NUL), then parsed into records, never
// the whole file in memory. A file that cannot be read as a whole — the wrong encoding, over a limit, no
// header, an unclosed quote — is refused with a CsvRefusal saying where; rows are judged by the import.

export interface CsvLimits {
  /** The file's size at most, in bytes. */
  maxBytes: number;
  /** Data rows at most (the header not counted). */
  maxRows: number;
  /** One field at most, in bytes of UTF-8. */
  maxFieldBytes: number;
}

/** The limits the environment sets (IMPORT_MAX_*), for requests, jobs and the command line alike. */
export function importLimitsOf(env: {
  IMPORT_MAX_BYTES: number;
  IMPORT_MAX_ROWS: number;
  IMPORT_MAX_FIELD_BYTES: number;
}): CsvLimits {
  return {
    maxBytes: env.IMPORT_MAX_BYTES,
    maxRows: env.IMPORT_MAX_ROWS,
    maxFieldBytes: env.IMPORT_MAX_FIELD_BYTES,
  };
}

export type CsvRefusalReason =
  'empty' | 'too_large' | 'too_many_rows' | 'field_too_large' | 'encoding' | 'nul_byte' | 'malformed';

/** A file refused as a whole: nothing of it was imported. */
export class CsvRefusal extends Error {
  constructor(
    readonly reason: CsvRefusalReason,
    message: string,
  ) {
    super(message);
  }
}

export interface CsvRecord {
  /** The row as a spreadsheet numbers it: the header is row 1. */
  row: number;
  fields: string[];
}

export interface CsvFile {
  header: string[];
  /**
   * The data rows, in order, a batch at a time (no promise per row: a million rows would spend most of
   * their time in them); reading them refuses the file on the first problem of the whole file.
   */
  batches: AsyncGenerator<CsvRecord[]>;
  /** After `records` is read to its end: the file's size and SHA-256 (hex). */
  digest(): { bytes: number; sha256: string };
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Bytes at the end of `chunk` that start a multi-byte character the next chunk completes. */
function incompleteTail(chunk: Buffer): number {
  for (let back = 1; back <= Math.min(3, chunk.length); back++) {
    const byte = chunk[chunk.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/** The offset of the first byte of `chunk` that is not valid UTF-8 (the chunk is known to hold one). */
function firstInvalidUtf8(chunk: Buffer): number {
  let i = 0;
  while (i < chunk.length) {
    const byte = chunk[i]!;
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte < 0xe0
          ? 2
          : byte >= 0xe0 && byte < 0xf0
            ? 3
            : byte >= 0xf0 && byte < 0xf5
              ? 4
              : 0;
    if (length === 0 || i + length > chunk.length || !isUtf8(chunk.subarray(i, i + length))) return i;
    i += length;
  }
  return chunk.length;
}

/**
 * Text from the file's bytes: the UTF-8 BOM dropped, UTF-16 and invalid UTF-8 refused with the byte
 * offset, NUL refused (PostgreSQL cannot store it), the size held to `maxBytes` as it arrives.
 */
async function* decodedText(
  source: AsyncIterable<Uint8Array>,
  limits: CsvLimits,
  tally: { bytes: number; hash: crypto.Hash },
): AsyncGenerator<string> {
  let carry: Buffer = Buffer.alloc(0); // bytes held back for the next piece
  let offset = 0; // of carry's first byte in the file
  let started = false;
  // Checks `chunk` (carry and the new piece) and returns its whole characters as text; `final` at the
  // end of the file, when nothing may be held back.
  const decode = (chunk: Buffer, final: boolean): string => {
    if (!started) {
      // A byte order mark is two or three bytes: wait for them unless the file ends first.
      if (!final && chunk.length < 3) {
        carry = chunk;
        return '';
      }
      started = true;
      if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
        throw new CsvRefusal(
          'encoding',
          'The file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8.',
        );
      }
      if (UTF8_BOM.every((b, i) => chunk[i] === b)) {
        chunk = chunk.subarray(3);
        offset = 3;
      }
    }
    const nul = chunk.indexOf(0);
    if (nul >= 0) throw nulRefusal(offset + nul);
    const whole = chunk.subarray(0, chunk.length - (final ? 0 : incompleteTail(chunk)));
    if (!isUtf8(whole)) throw invalidUtf8(offset + firstInvalidUtf8(whole));
    carry = Buffer.from(chunk.subarray(whole.length));
    offset += whole.length;
    return whole.toString('utf8');
  };
  for await (const piece of source) {
    const bytes = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    tally.bytes += bytes.length;
    if (tally.bytes > limits.maxBytes) {
      throw new CsvRefusal('too_large', `The file is larger than the limit of ${limits.maxBytes} bytes.`);
    }
    tally.hash.update(bytes);
    const text = decode(carry.length ? Buffer.concat([carry, bytes]) : bytes, false);
    if (text) yield text;
  }
  const text = decode(carry, true);
  if (text) yield text;
}

/** Resolves on the first of `events`, leaving no listener behind. */
function oneOf(emitter: Parser, events: readonly string[]): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      for (const event of events) emitter.off(event, done);
      resolve();
    };
    for (const event of events) emitter.on(event, done);
  });
}

/** Rows per batch handed to the import. */
const BATCH = 1000;

/** Records as the parser makes them, read synchronously while it has them, waited for when it has none. */
class RecordReader {
  #error: unknown;
  #finished = false;

  constructor(private readonly parser: Parser) {
    parser.on('error', (error) => (this.#error ??= error));
    const finish = () => (this.#finished = true);
    parser.on('end', finish);
    parser.on('close', finish);
  }

  /** Up to `max` records; none at the end of the file. */
  async take(max: number): Promise<string[][]> {
    for (;;) {
      const records: string[][] = [];
      let record: string[] | null;
      while (records.length < max && (record = this.parser.read() as string[] | null) !== null) {
        records.push(record);
      }
      if (records.length) return records;
      if (this.#error) throw this.#error;
      if (this.#finished) return [];
      await oneOf(this.parser, ['readable', 'end', 'error', 'close']);
    }
  }
}

const nulRefusal = (offset: number) =>
  new CsvRefusal(
    'nul_byte',
    `The file holds a NUL byte at byte offset ${offset}` +
      (offset <= 1 ? ' (is it UTF-16? save it as UTF-8)' : '') +
      ': text cannot contain it.',
  );

const invalidUtf8 = (offset: number) =>
  new CsvRefusal('encoding', `The file is not valid UTF-8 at byte offset ${offset}: save it as UTF-8.`);

/**
 * Opens a CSV file (RFC 4180: comma-separated, double quotes, CRLF, LF or CR line ends, mixed) from its
 * bytes. Reads the header at once; an empty file or a header with an empty or repeated name is refused.
 */
export async function openCsv(source: AsyncIterable<Uint8Array>, limits: CsvLimits): Promise<CsvFile> {
  const tally = { bytes: 0, hash: crypto.createHash('sha256') };
  const parser = parse({
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    skip_empty_lines: true,
    // A quote left open would otherwise gather the rest of the file into one field. Counted in
    // characters over the whole row, so it leaves room for many fields at their limit; each field is
    // held to the limit in bytes below.
    max_record_size: limits.maxFieldBytes * 64 + 1024,
  });
  const feeding = (async () => {
    try {
      for await (const text of decodedText(source, limits, tally)) {
        if (parser.destroyed) break;
        // The reader may stop early (a refusal): 'close' then ends the wait that 'drain' never would.
        if (!parser.write(text)) await oneOf(parser, ['drain', 'close']);
      }
      parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  const reader = new RecordReader(parser);
  const take = async (max: number) => {
    try {
      return await reader.take(max);
    } catch (error) {
      throw asRefusal(error, limits);
    }
  };

  const [first] = await take(1);
  if (!first) {
    await feeding;
    throw new CsvRefusal('empty', 'The file is empty: it needs a header row naming its columns.');
  }
  const header = first.map((name) => name.trim());
  checkFieldSizes(header, 1, limits);

  async function* batches(): AsyncGenerator<CsvRecord[]> {
    let row = 1;
    try {
      for (let records = await take(BATCH); records.length; records = await take(BATCH)) {
        const batch: CsvRecord[] = new Array(records.length);
        for (let i = 0; i < records.length; i++) {
          row++;
          if (row - 1 > limits.maxRows) {
            throw new CsvRefusal(
              'too_many_rows',
              `The file has more than ${limits.maxRows} rows (the limit).`,
            );
          }
          checkFieldSizes(records[i]!, row, limits);
          batch[i] = { row, fields: records[i]! };
        }
        yield batch;
      }
      await feeding;
    } finally {
      parser.destroy();
    }
  }

  return {
    header,
    batches: batches(),
    digest: () => ({ bytes: tally.bytes, sha256: tally.hash.copy().digest('hex') }),
  };
}

function checkFieldSizes(fields: string[], row: number, limits: CsvLimits): void {
  for (let i = 0; i < fields.length; i++) {
    // A UTF-8 character is at most 3 bytes per UTF-16 unit: only long fields need counting.
    if (
      fields[i]!.length * 3 > limits.maxFieldBytes &&
      Buffer.byteLength(fields[i]!) > limits.maxFieldBytes
    ) {
      throw new CsvRefusal(
        'field_too_large',
        `Row ${row}, field ${i + 1} is larger than the limit of ${limits.maxFieldBytes} bytes per field.`,
      );
    }
  }
}

function asRefusal(error: unknown, limits: CsvLimits): unknown {
  if (error instanceof CsvRefusal) return error;
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('CSV_')) {
    const { lines } = error as { lines?: number };
    if (code === 'CSV_MAX_RECORD_SIZE') {
      return new CsvRefusal(
        'field_too_large',
        `The row ending near line ${lines ?? '?'} is too large: a quote is never closed, or its fields ` +
          `are far over the limit of ${limits.maxFieldBytes} bytes per field.`,
      );
    }
    const where = lines ? ` near line ${lines}` : '';
    const message = (error as Error).message.replace(/^Invalid [^:]*: /, '');
    return new CsvRefusal('malformed', `The file is not valid CSV${where}: ${message}`);
  }
  return error;
}
