import { promisify } from 'node:util';
import { constants, crc32, deflateRaw, deflateRawSync } from 'node:zlib';

// A gzip answer whose parts are compressed separately and joined in order, as pigz does (docs/decisions/
// 063): each stretch of 256 KiB is one raw deflate stream, flushed to a byte boundary and never final,
// so the stretches can be compressed on the thread pool side by side, and a column's while PostgreSQL is
// still sending its rows. One gzip stream compressing 28 MB after the last row was the compact graph's
// critical path. Each stretch starts without the one before it as history: ~1% larger at this size.

const deflateStretch = promisify(deflateRaw);
/** The bytes compressed in one call: large enough that a fresh history costs little. */
export const STRETCH = 1024 * 1024;
/**
 * zlib's fastest level (docs/decisions/044), ending on a byte boundary with no final block; its output
 * in one buffer (zlib's 16 KiB chunks cost a call back into JavaScript each).
 */
const OPTIONS = { level: 1, finishFlush: constants.Z_SYNC_FLUSH, chunkSize: STRETCH };
// gzip's header (RFC 1952): deflate, no name or time, any OS; and the empty final block.
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]);
const FINAL_BLOCK = deflateRawSync(Buffer.alloc(0));

/** Bytes whose deflated form was made beforehand (while they were being written). */
export interface DeflatedPiece {
  bytes: Uint8Array;
  deflated: Promise<Buffer[]>;
}

/** A piece of an answer: text, bytes, or bytes already deflated. */
export type AnswerPiece = string | Uint8Array | DeflatedPiece;

/** A piece's bytes, whatever its form. */
export const pieceBytes = (piece: AnswerPiece): Uint8Array =>
  typeof piece === 'string' ? Buffer.from(piece) : piece instanceof Uint8Array ? piece : piece.bytes;

/**
 * Deflates a buffer as it is written: each further STRETCH of bytes is handed to the thread pool as soon
 * as it is there. The buffer may be replaced by a larger copy as it grows (what was written stays).
 */
export class DeflatedAsWritten {
  private readonly stretches: Promise<Buffer>[] = [];
  private sent = 0;

  /** Compresses what `buffer` holds past the last call, once it is a stretch (or at the end, all). */
  written(buffer: Uint8Array, length: number, end = false) {
    while (length - this.sent >= STRETCH || (end && length > this.sent)) {
      const upTo = Math.min(length, this.sent + STRETCH);
      this.stretches.push(deflateStretch(buffer.subarray(this.sent, upTo), OPTIONS));
      this.sent = upTo;
    }
  }

  /** The piece of `buffer`'s first `length` bytes, all of them deflated. */
  piece(buffer: Uint8Array, length: number): DeflatedPiece {
    this.written(buffer, length, true);
    const deflated = Promise.all(this.stretches);
    // Awaited when the answer is sent; if it is cancelled first, a failure is no one's to report.
    deflated.catch(() => undefined);
    return { bytes: buffer.subarray(0, length), deflated };
  }
}

/** A piece's deflated stretches (`bytes`: its bytes): made beforehand, or now, side by side. */
function deflatedOf(piece: AnswerPiece, bytes: Uint8Array): Promise<Buffer[]> {
  if (typeof piece !== 'string' && !(piece instanceof Uint8Array)) return piece.deflated;
  return new DeflatedAsWritten().piece(bytes, bytes.length).deflated;
}

/** The pieces as one gzip member (RFC 1952), written as each piece's stretches are ready. */
export async function* gzipPieces(
  pieces: Iterable<AnswerPiece> | AsyncIterable<AnswerPiece>,
): AsyncGenerator<Uint8Array> {
  yield HEADER;
  let crc = 0;
  let size = 0;
  for await (const piece of pieces) {
    const bytes = pieceBytes(piece);
    if (bytes.length === 0) continue;
    crc = crc32(bytes, crc);
    size += bytes.length;
    yield* await deflatedOf(piece, bytes);
  }
  yield FINAL_BLOCK;
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  // ISIZE: the length modulo 2^32.
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  yield trailer;
}
