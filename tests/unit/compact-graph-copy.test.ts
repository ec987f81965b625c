import { describe, expect, it } from 'vitest';
import { UuidIndex, uuidColumn } from '../../src/lib/atlas/uuid-column';
import { ByteOutput } from '../../src/lib/repositories/copy-binary';
import { EdgeColumnsCopy, NodeColumnsCopy } from '../../src/lib/repositories/compact-graph-copy';
import { binaryCopy } from '../support/binary-copy';

const uuid = (value: string) => Buffer.from(value.replaceAll('-', ''), 'hex');
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const ids = [
  '00000000-0000-4000-8000-000000000001',
  '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  'ffffffff-ffff-4fff-bfff-ffffffffffff',
];
const stranger = '12345678-1234-4234-8234-123456789abc';

// Rows as the participants' COPY sends them: the id's bytes, then JSON text (NULL where SQL has none).
const nodeRows = ids.map((id, i) => [
  uuid(id),
  json(i === 1 ? 'Ada "the first"\n' : `P${i}`),
  json('member'),
  json('active'),
  i === 2 ? null : json('2026-11-01T00:00:00.000Z'),
  Buffer.from(String(i * 7)),
  json('new'),
]);
const edgeRows = [
  [uuid(ids[0]!), uuid(ids[2]!), json('knows'), Buffer.from('0.5')],
  [uuid(ids[1]!), uuid(stranger), json('knows'), Buffer.from('1')],
  [uuid(ids[2]!), uuid(ids[1]!), json('works with'), Buffer.from('1e-05')],
];

const text = (columns: { out: ByteOutput }[]) => columns.map((column) => column.out.written().toString());

/** Feeds `data` in chunks of `size` bytes. */
function feed(reader: { write(chunk: Buffer): void }, data: Buffer, size: number) {
  for (let at = 0; at < data.length; at += size) reader.write(data.subarray(at, at + size));
}

describe('compact graph columns from COPY rows', () => {
  it('writes each column as JSON values, edges as indexes, however the bytes are cut', () => {
    const nodeData = binaryCopy(nodeRows);
    const edgeData = binaryCopy(edgeRows);
    for (let size = 1; size <= Math.max(nodeData.length, edgeData.length); size++) {
      const nodes = new NodeColumnsCopy();
      feed(nodes, nodeData, size);
      const index = nodes.index();
      expect(nodes.rowsRead).toBe(3);
      expect(text(nodes.columns), `chunks of ${size}`).toEqual([
        ids.map((id) => `"${id}"`).join(','),
        '"P0","Ada \\"the first\\"\\n","P2"',
        '"member","member","member"',
        '"active","active","active"',
        '"2026-11-01T00:00:00.000Z","2026-11-01T00:00:00.000Z",null',
        '0,7,14',
        '"new","new","new"',
      ]);
      const edges = new EdgeColumnsCopy(index);
      feed(edges, edgeData, size);
      edges.finished();
      // The relationship to a participant the nodes do not hold is left out.
      expect([edges.rowsRead, edges.kept]).toEqual([3, 2]);
      expect(text(edges.columns), `chunks of ${size}`).toEqual([
        '0,2',
        '2,1',
        '"knows","works with"',
        '0.5,1e-05',
      ]);
    }
  });

  it('refuses a COPY that ends early, a row without its ends, and an id that is not 16 bytes', () => {
    const nodes = new NodeColumnsCopy();
    const data = binaryCopy(nodeRows);
    nodes.write(data.subarray(0, data.length - 3));
    expect(() => nodes.index()).toThrow(/ended early/);
    const index = new UuidIndex(uuidColumn(ids));
    expect(() =>
      new EdgeColumnsCopy(index).write(binaryCopy([[uuid(ids[0]!), null, json('x'), null]])),
    ).toThrow(/without its two ends/);
    expect(() =>
      new NodeColumnsCopy().write(binaryCopy([[Buffer.from('short'), ...nodeRows[0]!.slice(1)]])),
    ).toThrow(/without an id/);
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
