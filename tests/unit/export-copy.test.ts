import { describe, expect, it } from 'vitest';
import { inlinedStatement } from '../../src/lib/repositories/copy-binary';
import { CopiedLines, keyReader, type PageShape } from '../../src/lib/repositories/export-copy';
import { sql } from 'drizzle-orm';
import { csvLine } from '../support/csv-reference';
import { binaryCopy } from '../support/binary-copy';

const text = (value: string) => Buffer.from(value);
const micros = (iso: string, extra: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(Date.parse(iso) - 946_684_800_000) * 1000n + BigInt(extra));
  return b;
};
const uuid = (value: string) => Buffer.from(value.replaceAll('-', ''), 'hex');

const shape: PageShape = {
  kinds: ['uuid', 'string', 'raw', 'number', 'number', 'time6', 'time3'],
  keys: [],
};
const names = ['id', 'name', 'meta', 'n', 'score', 'at', 'day'];
const infinity = Buffer.from('7fffffffffffffff', 'hex');
const times = [
  [micros('2026-05-20T22:13:45.123Z', 456), '"2026-05-20T22:13:45.123456Z"', '"2026-05-20T22:13:45.123Z"'],
  [micros('1969-07-20T20:17:40.000Z', 999), '"1969-07-20T20:17:40.000999Z"', '"1969-07-20T20:17:40.000Z"'],
  [infinity, 'null', 'null'],
] as const;
const id = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const values = [
  [id, 'plain', '{"a": 1}', '7', '0.25'],
  [id, '=SUM(A1) "quoted"\nline\\ \u0001 \b \f \t \r é 😀', '[1, "x"]', '-3', 'NaN'],
  [id, '', 'true', null, '-Infinity'],
] as const;

async function write(data: Buffer, format: 'csv' | 'ndjson', pageShape: PageShape, split: number) {
  const writer = new CopiedLines(format, names, pageShape, 16);
  for (let at = 0; at < data.length; at += split) writer.write(data.subarray(at, at + split));
  return writer.finish();
}

describe('lines written from COPY bytes', () => {
  const withKeys: PageShape = {
    ...shape,
    keys: [keyReader(2950)!, keyReader(25)!],
  };
  const rows = values.map((row, i) => [
    uuid(row[0]),
    ...row.slice(1).map((v) => (v === null ? null : text(v))),
    times[i]![0],
    times[i]![0],
    uuid(id),
    i === 2 ? null : text(`key ${i}`),
  ]);
  const data = binaryCopy(rows);

  it('writes NDJSON as row_to_json would, whatever the chunks', async () => {
    const expected = values
      .map((row, i) => {
        const [rowId, name, meta, n, score] = row;
        const scoreJson = score === 'NaN' || score === '-Infinity' ? JSON.stringify(score) : score;
        const [, at, day] = times[i]!;
        return `{"id":"${rowId}","name":${JSON.stringify(name)},"meta":${meta},"n":${n ?? 'null'},"score":${scoreJson},"at":${at},"day":${day}}\n`;
      })
      .join('');
    for (const split of [1, 2, 3, 7, 64, data.length]) {
      const page = await write(data, 'ndjson', withKeys, split);
      expect(page.lines.toString(), `split ${split}`).toBe(expected);
      expect(page.rows).toBe(3);
      expect(page.last).toEqual([id, null]);
    }
  });

  it('writes CSV as the reference does, whatever the chunks', async () => {
    const unquoted = (time: string) => (time === 'null' ? null : JSON.parse(time));
    const expected = values
      .map((row, i) => csvLine([...row, unquoted(times[i]![1]), unquoted(times[i]![2])]))
      .join('');
    for (const split of [1, 5, data.length]) {
      expect((await write(data, 'csv', withKeys, split)).lines.toString()).toBe(expected);
    }
  });

  it('reads timestamp keys back as PostgreSQL writes them, all six digits, BC years too', () => {
    const read = keyReader(1184)!;
    expect(read(micros('2026-05-20T22:13:45.123Z', 456), 0, 8)).toBe('2026-05-20 22:13:45.123456+00');
    expect(read(micros('1999-12-31T23:59:59.999Z', 1), 0, 8)).toBe('1999-12-31 23:59:59.999001+00');
    expect(read(micros('2000-01-01T00:00:00.000Z', 0), 0, 8)).toBe('2000-01-01 00:00:00.000000+00');
    // Astronomical year -43 is 44 BC; 2^52 µs and more from 2000 take the BigInt path.
    expect(read(micros('-000043-03-15T12:00:00.000Z', 7), 0, 8)).toBe('0044-03-15 12:00:00.000007+00 BC');
    expect(read(micros('+010000-01-01T00:00:00.000Z', 0), 0, 8)).toBe('10000-01-01 00:00:00.000000+00');
    expect(read(infinity, 0, 8)).toBe('infinity');
    const int8 = Buffer.alloc(8);
    int8.writeBigInt64BE(-42n);
    expect(keyReader(20)!(int8, 0, 8)).toBe('-42');
    expect(keyReader(1186)).toBeUndefined(); // interval: no export keys on it
  });

  it('refuses a COPY that ends early, is not binary, or has rows of the wrong width', async () => {
    await expect(write(data.subarray(0, data.length - 2), 'csv', withKeys, 10)).rejects.toThrow(
      /ended early/,
    );
    await expect(write(Buffer.from('id\tname\n'.repeat(4)), 'csv', withKeys, 100)).rejects.toThrow(
      /not a binary/,
    );
    await expect(write(data, 'csv', shape, 100)).rejects.toThrow(/row width/);
  });

  it('writes values into a COPY statement only as literals it can spell', () => {
    expect(inlinedStatement(sql`SELECT ${"it's \\ here"} AS a, ${5} AS b, ${true} AS c`)).toBe(
      `SELECT E'it''s \\\\ here' AS a, 5 AS b, true AS c`,
    );
    expect(() => inlinedStatement(sql`SELECT ${new Date(0)}`)).toThrow(/cannot write a object/);
    expect(() => inlinedStatement(sql`SELECT ${Number.NaN}`)).toThrow(/cannot write a number/);
    expect(() => inlinedStatement(sql`SELECT 1-${-5}`)).toThrow(/cannot write a number/);
  });
});
