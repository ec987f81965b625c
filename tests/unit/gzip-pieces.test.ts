import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  DeflatedAsWritten,
  gzipPieces,
  pieceBytes,
  STRETCH,
  type AnswerPiece,
} from '../../src/lib/http/gzip-pieces';

/** Deterministic bytes that compress about as JSON columns do: digits, commas, a few words. */
function columnText(length: number, seed: number): Buffer {
  const words = ['"knows"', '"works with"', '0.5', '"member"', 'null'];
  let x = seed;
  let text = '';
  while (text.length < length) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    text += x % 3 ? `${x % 100_000},` : `${words[x % words.length]},`;
  }
  return Buffer.from(text.slice(0, length));
}

/** Bytes deflated as a column is written: appended in uneven steps, its buffer replaced as it grows. */
function writtenPiece(bytes: Buffer): AnswerPiece {
  const deflating = new DeflatedAsWritten();
  let buffer = Buffer.alloc(1024);
  let length = 0;
  for (let step = 1; length < bytes.length; step = (step * 7) % 100_003) {
    const next = Math.min(bytes.length, length + step);
    if (next > buffer.length) {
      const grown = Buffer.alloc(Math.max(2 * buffer.length, next));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    bytes.copy(buffer, length, length, next);
    length = next;
    deflating.written(buffer, length);
  }
  return deflating.piece(buffer, length);
}

async function gzipOf(pieces: AnswerPiece[]): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const bytes of gzipPieces(pieces)) out.push(bytes);
  return Buffer.concat(out);
}

describe('gzip of pieces deflated a stretch at a time', () => {
  it('unzips to the pieces joined, whatever their sizes and forms', async () => {
    const sizes = [0, 1, STRETCH - 1, STRETCH, STRETCH + 1, 3 * STRETCH + 17];
    const pieces: AnswerPiece[] = ['{"columns":[', 'Zoë 🌱 ", \\'];
    sizes.forEach((size, i) => {
      const bytes = columnText(size, i + 1);
      pieces.push(writtenPiece(bytes), bytes, bytes.toString());
    });
    pieces.push(new Uint8Array(0), ']}');
    const expected = Buffer.concat(pieces.map(pieceBytes));
    // gunzip checks the trailer's CRC-32 and length too.
    expect(gunzipSync(await gzipOf(pieces)).equals(expected)).toBe(true);
    expect(gunzipSync(await gzipOf([])).length).toBe(0);
  });

  it('costs little against one stream over the same bytes', async () => {
    const bytes = columnText(8 * STRETCH, 7);
    const separate = await gzipOf([writtenPiece(bytes)]);
    const whole = gzipSync(bytes, { level: 1 });
    expect(separate.length).toBeLessThan(1.05 * whole.length);
  });
});
