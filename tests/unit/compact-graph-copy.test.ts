import { describe, expect, it } from 'vitest';
import { UuidIndex, uuidColumn } from '../../src/lib/atlas/uuid-column';
import { inflatedPieces, STRETCH, type AnswerPiece } from '../../src/lib/http/gzip-pieces';
import { ByteOutput, float8Text } from '../../src/lib/repositories/copy-binary';
import {
  EDGE_COLUMNS,
  EdgeColumnsCopy,
  NODE_COLUMNS,
  NodeColumnsCopy,
} from '../../src/lib/repositories/compact-graph-copy';
import { binaryCopy } from '../support/binary-copy';

const uuid = (value: string) => Buffer.from(value.replaceAll('-', ''), 'hex');
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const ids = [
  '00000000-0000-4000-8000-000000000001',
  '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  'ffffffff-ffff-4fff-bfff-ffffffffffff',
];
const stranger = '12345678-1234-4234-8234-123456789abc';

// Rows as the participants' COPY sends them: the id's bytes, then texts, a timestamp, an int4 (NULL
// where SQL has none).
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

/** A column's text: its deflated stretches inflated again. */
async function inflated(piece: AnswerPiece): Promise<string> {
  const out: Uint8Array[] = [];
  for await (const bytes of inflatedPieces([piece])) out.push(Buffer.from(bytes));
  return Buffer.concat(out).toString();
}
const text = (
  read: { pieces(names: readonly string[]): [string, AnswerPiece][] },
  names: readonly string[],
) => Promise.all(read.pieces(names).map(([, piece]) => inflated(piece)));

/** Feeds `data` in chunks of `size` bytes. */
function feed(reader: { write(chunk: Buffer): void }, data: Buffer, size: number) {
  for (let at = 0; at < data.length; at += size) reader.write(data.subarray(at, at + size));
}

/**
 * 80,000 relationships with a long type, each between ids i % 3 and (i + 1) % 3: a type column of
 * ~4 MiB of text, four stretches.
 */
const longTypeRows = (type: string) =>
  Array.from({ length: 80_000 }, (_, i) => [
    uuid(ids[i % 3]!),
    uuid(ids[(i + 1) % 3]!),
    Buffer.from(type),
    float8(i % 2 ? 0.5 : 1),
  ]);

/** COPY's bytes in chunks of 64 KiB as copyOut hands them over: the stretches handed on after each. */
async function feedWritten(edges: EdgeColumnsCopy, data: Buffer, afterEach: () => void | Promise<void>) {
  for (let at = 0; at < data.length; at += 65_536) {
    edges.write(data.subarray(at, at + 65_536));
    edges.written();
    await afterEach();
  }
  edges.finished();
}

/** The columns of longTypeRows(type). */
async function expectColumns(edges: EdgeColumnsCopy, rows: unknown[], type: string) {
  const [source, , types, confidence] = await text(edges, EDGE_COLUMNS);
  expect(types).toBe(rows.map(() => JSON.stringify(type)).join(','));
  expect(types!.length).toBeGreaterThan(4 * STRETCH);
  expect(source).toBe(rows.map((_, i) => i % 3).join(','));
  expect(confidence).toBe(rows.map((_, i) => (i % 2 ? '0.5' : '1')).join(','));
}

describe('compact graph columns from COPY rows', () => {
  it('writes each column as JSON values, edges as indexes, however the bytes are cut', async () => {
    const nodeData = binaryCopy(nodeRows);
    const edgeData = binaryCopy(edgeRows);
    for (let size = 1; size <= Math.max(nodeData.length, edgeData.length); size++) {
      const nodes = new NodeColumnsCopy();
      feed(nodes, nodeData, size);
      const index = nodes.read();
      expect(nodes.rowsRead).toBe(3);
      // Each id at its row's place.
      const idView = new DataView(uuidColumn(ids).bytes.buffer);
      expect(ids.map((_, i) => index.find(idView, 16 * i))).toEqual([0, 1, 2]);
      expect(index.length).toBe(3);
      expect(await text(nodes, NODE_COLUMNS), `chunks of ${size}`).toEqual([
        ids.map((id) => `"${id}"`).join(','),
        '"P0","Ada \\"the first\\"\\n\\\\ \\u0001 Zoë","P2"',
        '"member","member","member"',
        '"active","active","active"',
        '"2026-11-01T00:00:00.000Z","1969-07-20T20:17:40.123Z",null',
        '0,7,14',
        '"new","new","new"',
      ]);
      const edges = new EdgeColumnsCopy(index);
      feed(edges, edgeData, size);
      edges.finished();
      // The relationship to a participant the nodes do not hold is left out.
      expect([edges.rowsRead, edges.kept]).toEqual([3, 2]);
      expect(await text(edges, EDGE_COLUMNS), `chunks of ${size}`).toEqual([
        '0,2',
        '2,1',
        '"knows","works \\"with\\""',
        '0.5,1e-05',
      ]);
    }
  });

  it('holds the deflated stretches of a column and at most about a stretch of its text', async () => {
    const type = 'a relationship type long enough to fill stretches quickly';
    const rows = longTypeRows(type);
    const edges = new EdgeColumnsCopy(new UuidIndex(uuidColumn(ids)));
    let held = 0;
    await feedWritten(edges, binaryCopy(rows), () => {
      held = Math.max(held, ...edges.columns.map((column) => column.out.buffer.length));
    });
    expect(held).toBeLessThanOrEqual(2 * STRETCH);
    await expectColumns(edges, rows, type);
  });

  it('writes into buffers again once their stretches are deflated, and the text stays whole', async () => {
    const type = 'another relationship type, long enough to fill stretches quickly';
    const rows = longTypeRows(type);
    const edges = new EdgeColumnsCopy(new UuidIndex(uuidColumn(ids)));
    const buffers = new Set<Buffer>();
    await feedWritten(edges, binaryCopy(rows), async () => {
      buffers.add(edges.columns[2]!.out.buffer);
      // The thread pool done with what it was given, as a slower PostgreSQL would let it be.
      do await new Promise((resolve) => setTimeout(resolve, 1));
      while (edges.inFlight.pending > 0);
    });
    // Past its growth to full size, the type column's four or more stretches went through two
    // buffers: one written into while the other's stretch was deflated.
    const largest = Math.max(...[...buffers].map((buffer) => buffer.length));
    expect([...buffers].filter((buffer) => buffer.length === largest).length).toBe(2);
    await expectColumns(edges, rows, type);
  });

  it('refuses a COPY that ends early, a row without its ends, and an id that is not 16 bytes', () => {
    const read = new NodeColumnsCopy();
    const data = binaryCopy(nodeRows);
    read.write(data.subarray(0, data.length - 3));
    expect(() => read.read()).toThrow(/ended early/);
    const column = uuidColumn(ids);
    expect(() =>
      new EdgeColumnsCopy(new UuidIndex(column)).write(binaryCopy([[uuid(ids[0]!), null, json('x'), null]])),
    ).toThrow(/without its two ends/);
    expect(() =>
      new NodeColumnsCopy().write(binaryCopy([[Buffer.from('short'), ...nodeRows[0]!.slice(1)]])),
    ).toThrow(/without an id/);
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
    // Dropping what was taken leaves the rest at the start of a new buffer, the old one untouched.
    const before = out.buffer;
    out.dropFirst(6);
    expect(out.buffer).not.toBe(before);
    expect(out.written().toString()).toBe('9,009,10,010,99,099,100,100,123456,123456,2147483647,2147483647,');
    expect(before.subarray(0, 6).toString()).toBe('0,000,');
    out.dropFirst(out.length);
    out.digits(7);
    expect(out.written().toString()).toBe('7');
  });
});
