import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32Combine } from '../../src/lib/http/crc32-combine';

/** Deterministic bytes of a given length. */
function bytesOf(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    out[i] = x >>> 16;
  }
  return out;
}

describe('crc32Combine', () => {
  const source = bytesOf(4 << 20, 1);

  it('gives the CRC-32 of two byte sequences joined, whatever their lengths', () => {
    const lengths = [0, 1, 2, 3, 7, 8, 255, 4096, 65_537, 1 << 20, 3 * (1 << 20) + 5];
    for (const a of lengths) {
      for (const b of [0, 1, 5, 1 << 20, 3 * (1 << 20) + 5]) {
        const first = source.subarray(0, a);
        const second = source.subarray(7, 7 + b);
        expect(crc32Combine(crc32(first), crc32(second), b), `${a} + ${b}`).toBe(
          crc32(Buffer.concat([first, second])),
        );
      }
    }
  });

  it('chains over many pieces as one CRC over them all', () => {
    const pieces = [10, 0, 1 << 16, 3, 1 << 20].map((n, i) => source.subarray(i, i + n));
    const combined = pieces.reduce((crc, piece) => crc32Combine(crc, crc32(piece), piece.length), 0);
    expect(combined).toBe(crc32(Buffer.concat(pieces)));
  });

  it('joins lengths past 2^32 bytes as it joins small ones: (A B) C is A (B C)', () => {
    // Too long to compute directly: joining is associative, whatever the lengths.
    const [a, b, c] = [0x12345678, 0x9abcdef0, 0x0fedcba9];
    for (const [lb, lc] of [
      [3 * 2 ** 31, 2 ** 31 + 7],
      [2 ** 32, 1],
      [5, 2 ** 40 + 3],
    ] as const) {
      expect(crc32Combine(crc32Combine(a, b, lb), c, lc)).toBe(
        crc32Combine(a, crc32Combine(b, c, lc), lb + lc),
      );
    }
  });
});
