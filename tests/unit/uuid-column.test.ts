import { describe, expect, it } from 'vitest';
import { UuidColumnBuilder, UuidIndex, uuidAt, uuidColumn, uuidsOf } from '../../src/lib/atlas/uuid-column';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** Ids made in sequence, as the synthetic orgs make them: they differ only in their last bytes. */
const sequential = (count: number) =>
  Array.from({ length: count }, (_, i) => `2f3f448c-8c12-4b6e-82d9-${hex(i, 12)}`);

/** Ids laid out as records of `size` bytes, the id at `at` of each (as a page from the database). */
function records(ids: string[], size: number, at: number): DataView {
  const column = uuidColumn(ids);
  const bytes = new Uint8Array(3 + ids.length * size); // an odd start: offsets need not be aligned
  for (let i = 0; i < ids.length; i++)
    bytes.set(column.bytes.subarray(16 * i, 16 * i + 16), 3 + i * size + at);
  return new DataView(bytes.buffer, 3);
}

describe('uuid column', () => {
  it('keeps ids as bytes and gives them back in canonical form', () => {
    const ids = ['00000000-0000-4000-8000-000000000001', 'FFFFFFFF-ABCD-4EF0-9123-456789ABCDEF'];
    const column = uuidColumn(ids);
    expect(column.bytes).toHaveLength(32);
    expect(uuidsOf(column)).toEqual([ids[0], ids[1]!.toLowerCase()]);
    expect(() => uuidAt(column, 2)).toThrow(RangeError);
    expect(uuidsOf(uuidColumn([]))).toEqual([]);
  });

  it('appends ids from the bytes of records, growing as it goes', () => {
    const ids = sequential(3000);
    const view = records(ids, 57, 5);
    const builder = new UuidColumnBuilder(1);
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let i = 0; i < ids.length; i++) builder.pushBytes(bytes, i * 57 + 5);
    expect(uuidsOf(builder.build())).toEqual(ids);
  });
});

describe('uuid index', () => {
  it('finds the position of every id from its bytes, wherever they lie', () => {
    const ids = sequential(50_000);
    const index = new UuidIndex(uuidColumn(ids));
    const view = records(ids, 57, 16);
    const found = ids.map((_, i) => index.find(view, i * 57 + 16));
    expect(found).toEqual(ids.map((_, i) => i));
  });

  it('answers -1 for an id it does not hold, including one that differs in a single byte', () => {
    const ids = sequential(1000);
    const index = new UuidIndex(uuidColumn(ids));
    const others = [
      '2f3f448c-8c12-4b6e-82d9-0000000003e8', // the next in sequence
      '3f3f448c-8c12-4b6e-82d9-000000000000', // the first, its first byte changed
      '2f3f448c-8c12-4b6e-82d8-000000000000', // the first, a middle byte changed
    ];
    const view = records(others, 16, 0);
    for (let i = 0; i < others.length; i++) expect(index.find(view, 16 * i)).toBe(-1);
  });

  it('finds ids added one at a time as it grows, as it finds those of a whole column', () => {
    const ids = sequential(20_000);
    const view = records(ids, 16, 0);
    const added = new UuidIndex();
    for (let i = 0; i < ids.length; i++) {
      added.add(view, 16 * i);
      // Found from the first, through each doubling.
      if (i % 997 === 0) expect(added.find(view, 0)).toBe(0);
    }
    expect(added.length).toBe(ids.length);
    expect(ids.map((_, i) => added.find(view, 16 * i))).toEqual(ids.map((_, i) => i));
    expect(added.find(records(['2f3f448c-8c12-4b6e-82d9-ffffffffffff'], 16, 0), 0)).toBe(-1);
    expect(new UuidIndex(uuidColumn(ids)).length).toBe(ids.length);
  });

  it('holds nothing when the column is empty', () => {
    const index = new UuidIndex(uuidColumn([]));
    expect(index.find(records(sequential(1), 16, 0), 0)).toBe(-1);
  });
});
