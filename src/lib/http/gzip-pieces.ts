import { promisify } from 'node:util';
import { constants, crc32, deflateRaw, deflateRawSync, inflateRaw } from 'node:zlib';
import { crc32Combine } from './crc32-combine';

// A gzip answer whose parts are compressed separately and joined in order, as pigz does (docs/decisions/
// 063): each stretch of 1 MiB is one raw deflate stream, flushed to a byte boundary and never final,
// so the stretches can be compressed on the thread pool side by side, and a column's while PostgreSQL is
// still sending its rows. One gzip stream compressing 28 MB after the last row was the compact graph's
// critical path. Each stretch starts without the one before it as history: ~1% larger at this size.
// A piece deflated as it is written keeps its stretches' deflated bytes and its CRC-32, not the bytes
// themselves (docs/decisions/069): what it holds is its compressed size.

const deflateStretch = promisify(deflateRaw);
const inflateStretch = promisify(inflateRaw);
/** The bytes compressed in one call: large enough that a fresh history costs little. */
export const STRETCH = 1024 * 1024;
/**
 * zlib's fastest level (docs/decisions/044), ending on a byte boundary with no final block; its output
 * in one buffer (zlib's 16 KiB chunks cost a call back into JavaScript each).
 */
const OPTIONS = { level: 1, finishFlush: constants.Z_SYNC_FLUSH, chunkSize: STRETCH / 4 };
// gzip's header (RFC 1952): deflate, no name or time, any OS; and the empty final block.
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]);
const FINAL_BLOCK = deflateRawSync(Buffer.alloc(0));

/** Bytes deflated while they were written: how many, their CRC-32, their deflated stretches. */
export interface DeflatedPiece {
  length: number;
  crc: number;
  deflated: Promise<Buffer[]>;
}

/** A piece of an answer: text, bytes, or bytes deflated as they were written. */
export type AnswerPiece = string | Uint8Array | DeflatedPiece;

const isDeflated = (piece: AnswerPiece): piece is DeflatedPiece =>
  typeof piece !== 'string' && !(piece instanceof Uint8Array);

/** A text or bytes piece's bytes. A deflated piece has kept none: see inflatedPieces. */
export function pieceBytes(piece: AnswerPiece): Uint8Array {
  if (isDeflated(piece)) throw new Error('a deflated piece is sent by gzipPieces or inflatedPieces');
  return typeof piece === 'string' ? Buffer.from(piece) : piece;
}

/**
 * The stretches a reader has handed to the thread pool and that are not deflated yet. A reader faster
 * than the pool (PostgreSQL and the event loop on the same cores) would otherwise pile up raw stretches
 * waiting their turn: `caughtUp` lets it wait instead (docs/decisions/069).
 */
export class StretchesInFlight {
  private count = 0;
  private waiting: (() => void)[] = [];
  constructor(private readonly most: number) {}

  /** How many are on the thread pool now. */
  get pending(): number {
    return this.count;
  }

  started(deflated: Promise<Buffer>) {
    this.count++;
    const done = () => {
      if (--this.count > this.most) return;
      const waiting = this.waiting;
      this.waiting = [];
      for (const wake of waiting) wake();
    };
    deflated.then(done, done);
  }

  /** Undefined while at most `most` are in flight; else a promise of the moment that is so again. */
  caughtUp(): Promise<void> | undefined {
    if (this.count <= this.most) return undefined;
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

/**
 * Deflates bytes as they are written: each further STRETCH of them is handed to the thread pool as soon
 * as it is there, and its CRC-32 counted. The writer then drops what was taken.
 */
export class DeflatedAsWritten {
  private readonly stretches: Promise<Buffer>[] = [];
  private length = 0;
  private crc = 0;

  constructor(private readonly inFlight?: StretchesInFlight) {}

  /**
   * Takes the whole stretches at the start of `bytes` (at the `end`, all of them); how many bytes it
   * took. The thread pool reads them later: the writer must not write over them before `read` is
   * called (once they are all deflated, if any were taken).
   */
  take(bytes: Uint8Array, end = false, read?: () => void): number {
    let taken = 0;
    const deflating: Promise<Buffer>[] = [];
    while (bytes.length - taken >= STRETCH || (end && bytes.length > taken)) {
      const stretch = bytes.subarray(taken, Math.min(bytes.length, taken + STRETCH));
      const deflated = deflateStretch(stretch, OPTIONS);
      this.inFlight?.started(deflated);
      deflating.push(deflated);
      this.crc = crc32(stretch, this.crc);
      taken += stretch.length;
    }
    this.stretches.push(...deflating);
    if (read && deflating.length) Promise.allSettled(deflating).then(read);
    this.length += taken;
    return taken;
  }

  /** Everything taken, as a piece of the answer (once the last bytes were taken with `end`). */
  piece(): DeflatedPiece {
    const deflated = Promise.all(this.stretches);
    // Awaited when the answer is sent; if it is cancelled first, a failure is no one's to report.
    deflated.catch(() => undefined);
    return { length: this.length, crc: this.crc, deflated };
  }
}

/** Bytes deflated now, a stretch at a time, side by side. */
function deflatedNow(bytes: Uint8Array): DeflatedPiece {
  const deflating = new DeflatedAsWritten();
  deflating.take(bytes, true);
  return deflating.piece();
}

/** The pieces as one gzip member (RFC 1952), written as each piece's stretches are ready. */
export async function* gzipPieces(
  pieces: Iterable<AnswerPiece> | AsyncIterable<AnswerPiece>,
): AsyncGenerator<Uint8Array> {
  yield HEADER;
  let crc = 0;
  let size = 0;
  for await (const piece of pieces) {
    const deflated = isDeflated(piece) ? piece : deflatedNow(pieceBytes(piece));
    if (deflated.length === 0) continue;
    crc = crc32Combine(crc, deflated.crc, deflated.length);
    size += deflated.length;
    yield* await deflated.deflated;
  }
  yield FINAL_BLOCK;
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  // ISIZE: the length modulo 2^32.
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  yield trailer;
}

/**
 * The pieces as they were written, for a client that does not take gzip: a deflated piece's stretches
 * inflated one at a time as they are sent.
 */
export async function* inflatedPieces(
  pieces: Iterable<AnswerPiece> | AsyncIterable<AnswerPiece>,
): AsyncGenerator<string | Uint8Array> {
  for await (const piece of pieces) {
    if (!isDeflated(piece)) {
      yield piece;
      continue;
    }
    for (const stretch of await piece.deflated) {
      yield await inflateStretch(stretch, { finishFlush: constants.Z_SYNC_FLUSH });
    }
  }
}
