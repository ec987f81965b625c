import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  DeflatedAsWritten,
  gzipPieces,
  inflatedPieces,
  pieceBytes,
  STRETCH,
  StretchesInFlight,
  type AnswerPiece,
  type DeflatedPiece,
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

/**
 * Bytes deflated as a column is written: appended in uneven steps to a buffer that keeps only what was
 * not yet taken (its taken bytes dropped, as ByteOutput.dropFirst does). Also returns the most it held.
 */
function writtenPiece(bytes: Buffer): { piece: DeflatedPiece; held: number } {
  const deflating = new DeflatedAsWritten();
  let buffer = Buffer.alloc(1024);
  let length = 0;
  let held = 0;
  for (let at = 0, step = 1; at < bytes.length; step = (step * 7) % 100_003) {
    const next = Math.min(bytes.length, at + step);
    if (length + next - at > buffer.length) {
      const grown = Buffer.alloc(Math.max(2 * buffer.length, length + next - at));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    length += bytes.copy(buffer, length, at, next);
    at = next;
    held = Math.max(held, length);
    const taken = deflating.take(buffer.subarray(0, length), at === bytes.length);
    const rest = Buffer.alloc(buffer.length);
    length = buffer.copy(rest, 0, taken, length);
    buffer = rest;
  }
  return { piece: deflating.piece(), held };
}

async function gzipOf(pieces: AnswerPiece[]): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const bytes of gzipPieces(pieces)) out.push(bytes);
  return Buffer.concat(out);
}

async function inflatedOf(pieces: AnswerPiece[]): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const bytes of inflatedPieces(pieces)) out.push(Buffer.from(bytes));
  return Buffer.concat(out);
}

describe('gzip of pieces deflated a stretch at a time', () => {
  it('unzips to the pieces joined, whatever their sizes and forms, and inflates to them too', async () => {
    const sizes = [0, 1, STRETCH - 1, STRETCH, STRETCH + 1, 3 * STRETCH + 17];
    const pieces: AnswerPiece[] = ['{"columns":[', 'Zoë 🌱 ", \\'];
    const texts: Buffer[] = [Buffer.from('{"columns":['), Buffer.from('Zoë 🌱 ", \\')];
    sizes.forEach((size, i) => {
      const bytes = columnText(size, i + 1);
      const { piece, held } = writtenPiece(bytes);
      expect(piece.length).toBe(size);
      // What was taken is let go of: never much more than a stretch is held.
      expect(held).toBeLessThan(STRETCH + 100_003);
      pieces.push(piece, bytes, bytes.toString());
      texts.push(bytes, bytes, bytes);
    });
    pieces.push(new Uint8Array(0), ']}');
    texts.push(Buffer.from(']}'));
    const expected = Buffer.concat(texts);
    // gunzip checks the trailer's CRC-32 (combined from the pieces') and length too.
    expect(gunzipSync(await gzipOf(pieces)).equals(expected)).toBe(true);
    expect((await inflatedOf(pieces)).equals(expected)).toBe(true);
    expect(gunzipSync(await gzipOf([])).length).toBe(0);
  });

  it('keeps no bytes of a deflated piece: only gzipPieces and inflatedPieces send it', () => {
    expect(pieceBytes('é')).toEqual(Buffer.from('é'));
    expect(() => pieceBytes(writtenPiece(columnText(10, 1)).piece)).toThrow(/deflated piece/);
  });

  it('lets a reader wait while more stretches than it allows are being deflated', async () => {
    const inFlight = new StretchesInFlight(1);
    expect(inFlight.caughtUp()).toBeUndefined();
    const deflating = new DeflatedAsWritten(inFlight);
    deflating.take(columnText(3 * STRETCH, 3));
    const behind = inFlight.caughtUp();
    expect(behind).toBeInstanceOf(Promise);
    await behind;
    // Caught up: at most one is still on the thread pool.
    const again = inFlight.caughtUp();
    if (again) await again;
    await deflating.piece().deflated;
    expect(inFlight.caughtUp()).toBeUndefined();
  });

  it('costs little against one stream over the same bytes', async () => {
    const bytes = columnText(8 * STRETCH, 7);
    const separate = await gzipOf([writtenPiece(bytes).piece]);
    const whole = gzipSync(bytes, { level: 1 });
    expect(separate.length).toBeLessThan(1.05 * whole.length);
  });
});
