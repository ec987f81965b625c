import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unescapeFormula } from '../../src/lib/import/columns';
import { CsvRefusal, openCsv, type CsvLimits } from '../../src/lib/import/csv-input';
import { csvLine } from '../support/csv-reference';

const LIMITS: CsvLimits = { maxBytes: 10_000_000, maxRows: 100_000, maxFieldBytes: 100_000 };

/** The bytes in pieces cut at the given points, as a request body or a file arrives. */
async function* pieces(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(from, cut);
    from = cut;
  }
  yield bytes.subarray(from);
}

async function readAll(bytes: Uint8Array, cuts: number[] = [], limits = LIMITS) {
  const file = await openCsv(pieces(bytes, cuts), limits);
  const rows: string[][] = [file.header];
  for await (const batch of file.batches) for (const record of batch) rows.push(record.fields);
  return { rows, digest: file.digest() };
}

// Text a CSV file can hold: no NUL (refused), no unpaired surrogates (not UTF-8). A cell that starts
// with an apostrophe and a formula character reads back without the apostrophe, by design (the
// exporter's escape), so the property leaves those out.
const cell = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((text) => !/^'[=+\-@\t\r]/.test(text));

describe('CSV input', () => {
  it('reads back what the exporter wrote, for any Unicode cells, however the bytes are cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 5 }).chain((width) =>
          fc.tuple(
            fc.array(fc.array(cell, { minLength: width, maxLength: width }), {
              minLength: 1,
              maxLength: 8,
            }),
            fc.array(fc.nat(), { maxLength: 6 }),
          ),
        ),
        async ([rows, cuts]) => {
          const bytes = new TextEncoder().encode(rows.map((row) => csvLine(row)).join(''));
          const { rows: read } = await readAll(bytes, cuts);
          expect(read[0]!.map(unescapeFormula)).toEqual(rows[0]!.map((name) => name.trim()));
          expect(read.slice(1).map((row) => row.map(unescapeFormula))).toEqual(rows.slice(1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('drops a UTF-8 BOM, and hashes every byte of the file', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('a,b\n1,2\n')]);
    const { rows, digest } = await readAll(bytes, [1, 2]);
    expect(rows).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(digest.bytes).toBe(11);
    expect(digest.sha256).toBe(crypto.createHash('sha256').update(bytes).digest('hex'));
  });

  it('refuses a character split across pieces only when it is really broken', async () => {
    const euro = new TextEncoder().encode('a,b\n€,x\n');
    expect((await readAll(euro, [5, 6])).rows[1]).toEqual(['€', 'x']);
    const cut = euro.slice(0, 6); // the euro sign's first two bytes, then the end of the file
    await expect(readAll(cut, [5])).rejects.toThrow(/not valid UTF-8 at byte offset 4/);
  });

  it('holds the size, the rows and a field to their limits', async () => {
    const limits = { maxBytes: 20, maxRows: 2, maxFieldBytes: 5 };
    const text = (s: string) => new TextEncoder().encode(s);
    expect((await readAll(text('a,b\n1,2\n3,4\n'), [], limits)).rows).toHaveLength(3);
    await expect(readAll(text('a,b\n1,2\n3,4\n5,6\n'), [], limits)).rejects.toThrow(/more than 2 rows/);
    await expect(readAll(text('a,b\n123456,2\n'), [], limits)).rejects.toThrow(/Row 2, field 1 is larger/);
    const over = text('a,b\n1,2\n33,44,55,666\n'); // 21 bytes
    await expect(readAll(over, [], limits)).rejects.toBeInstanceOf(CsvRefusal);
    await expect(readAll(over, [7], limits)).rejects.toThrow(/larger than the limit of 20 bytes/);
    expect((await readAll(over.subarray(0, 20), [], limits)).rows).toHaveLength(3);
  });
});
