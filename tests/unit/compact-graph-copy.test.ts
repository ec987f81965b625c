import { describe, expect, it } from 'vitest';
import { UuidIndex, uuidColumn } from '../../src/lib/atlas/uuid-column';
import { ByteOutput, float8Text } from '../../src/lib/repositories/copy-binary';
import { EdgeColumnsCopy, NodeColumnsCopy, NodeIdsCopy } from '../../src/lib/repositories/compact-graph-copy';
import { binaryCopy } from '../support/binary-copy';

const uuid = (value: string) => Buffer.from(value.replaceAll('-', ''), 'hex');
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const ids = [
  '00000000-0000-4000-8000-000000000001',
  '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  'ffffffff-ffff-4fff-bfff-ffffffffffff',
];
const stranger = '12345678-1234-4234-8234-123456789abc';

// Rows as the participants' COPYs send them: the id's bytes alone, then again before JSON text (NULL
// where SQL has none).
const idRows = ids.map((id) => [uuid(id)]);
/** A timestamp's 8 bytes: microseconds from 2000-01-01 UTC. */
const time = (iso: string, extraMicros = 0) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(BigInt(Date.parse(iso) - Date.UTC(2000, 0, 1)) * 1000n + BigInt(extraMicros));
  return bytes;
};
const float8 = (x: number) => {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleBE(x);
  return bytes;
};
const int4 = (n: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(n);
  return bytes;
};
const nodeRows = ids.map((id, i) => [
  uuid(id),
  Buffer.from(i === 1 ? 'Ada "the first"\n\\ \u0001 Zoë' : `P${i}`),
  Buffer.from('member'),
  Buffer.from('active'),
  [time('2026-11-01T00:00:00.000Z', 999), time('1969-07-20T20:17:40.123Z', 456), null][i]!,
  int4(i * 7),
  Buffer.from('new'),
]);
const edgeRows = [
  [uuid(ids[0]!), uuid(ids[2]!), Buffer.from('knows'), float8(0.5)],
  [uuid(ids[1]!), uuid(stranger), Buffer.from('knows'), float8(1)],
  [uuid(ids[2]!), uuid(ids[1]!), Buffer.from('works "with"'), float8(1e-5)],
];

const text = (columns: { out: ByteOutput }[]) => columns.map((column) => column.out.written().toString());

/** Feeds `data` in chunks of `size` bytes. */
function feed(reader: { write(chunk: Buffer): void }, data: Buffer, size: number) {
  for (let at = 0; at < data.length; at += size) reader.write(data.subarray(at, at + size));
}

describe('compact graph columns from COPY rows', () => {
  it('writes each column as JSON values, edges as indexes, however the bytes are cut', () => {
    const idData = binaryCopy(idRows);
    const nodeData = binaryCopy(nodeRows);
    const edgeData = binaryCopy(edgeRows);
    for (let size = 1; size <= Math.max(nodeData.length, edgeData.length); size++) {
      const read = new NodeIdsCopy();
      feed(read, idData, size);
      const column = read.read();
      expect(read.rowsRead).toBe(3);
      expect(column).toEqual(uuidColumn(ids));
      expect(read.columns[0].out.written().toString()).toBe(ids.map((id) => `"${id}"`).join(','));
      const nodes = new NodeColumnsCopy(column);
      feed(nodes, nodeData, size);
      nodes.done();
      expect(text(nodes.columns), `chunks of ${size}`).toEqual([
        '"P0","Ada \\"the first\\"\\n\\\\ \\u0001 Zoë","P2"',
        '"member","member","member"',
        '"active","active","active"',
        '"2026-11-01T00:00:00.000Z","1969-07-20T20:17:40.123Z",null',
        '0,7,14',
        '"new","new","new"',
      ]);
      const edges = new EdgeColumnsCopy(new UuidIndex(column));
      feed(edges, edgeData, size);
      edges.finished();
      // The relationship to a participant the nodes do not hold is left out.
      expect([edges.rowsRead, edges.kept]).toEqual([3, 2]);
      expect(text(edges.columns), `chunks of ${size}`).toEqual([
        '0,2',
        '2,1',
        '"knows","works \\"with\\""',
        '0.5,1e-05',
      ]);
    }
  });

  it('refuses a COPY that ends early, a row without its ends, and an id that is not 16 bytes', () => {
    const read = new NodeIdsCopy();
    const data = binaryCopy(idRows);
    read.write(data.subarray(0, data.length - 3));
    expect(() => read.read()).toThrow(/ended early/);
    const column = uuidColumn(ids);
    expect(() =>
      new EdgeColumnsCopy(new UuidIndex(column)).write(binaryCopy([[uuid(ids[0]!), null, json('x'), null]])),
    ).toThrow(/without its two ends/);
    expect(() => new NodeIdsCopy().write(binaryCopy([[Buffer.from('short')]]))).toThrow(/without an id/);
  });

  it('refuses participants out of line with the ids read before them', () => {
    const column = uuidColumn(ids);
    const changed = (rows: (Buffer | null)[][]) => {
      const nodes = new NodeColumnsCopy(column);
      nodes.write(binaryCopy(rows));
      nodes.done();
    };
    const message = /changed between two reads of one snapshot/;
    // One added in the middle, one gone, one more at the end, an id of the wrong size.
    expect(() =>
      changed([nodeRows[0]!, [uuid(stranger), ...nodeRows[1]!.slice(1)], nodeRows[1]!, nodeRows[2]!]),
    ).toThrow(message);
    expect(() => changed([nodeRows[0]!, nodeRows[2]!])).toThrow(message);
    expect(() => changed([nodeRows[0]!, nodeRows[1]!])).toThrow(message);
    expect(() => changed([...nodeRows, nodeRows[2]!])).toThrow(message);
    expect(() => changed([[Buffer.from('short'), ...nodeRows[0]!.slice(1)]])).toThrow(message);
    expect(() => changed(nodeRows)).not.toThrow();
  });

  it('writes a float8 as float8out does', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '-0'],
      [1, '1'],
      [0.5, '0.5'],
      [0.30000000000000004, '0.30000000000000004'],
      [1e-4, '0.0001'],
      [9.999999999999999e-5, '9.999999999999999e-05'],
      [1e-5, '1e-05'],
      [1.5e-7, '1.5e-07'],
      [5e-324, '5e-324'],
      [123456789012345, '123456789012345'],
      [1e15, '1e+15'],
      [-2.5e100, '-2.5e+100'],
      [NaN, 'NaN'],
      [-Infinity, '-Infinity'],
    ];
    for (const [x, text] of cases) expect(float8Text(x), String(x)).toBe(text);
  });

  it('writes whole numbers in decimal, zero-padded to a width', () => {
    const out = new ByteOutput(4);
    for (const n of [0, 9, 10, 99, 100, 123_456, 2 ** 31 - 1]) {
      out.digits(n);
      out.byte(0x2c);
      out.digits(n, 3);
      out.byte(0x2c);
    }
    expect(out.written().toString()).toBe(
      '0,000,9,009,10,010,99,099,100,100,123456,123456,2147483647,2147483647,',
    );
  });
});
