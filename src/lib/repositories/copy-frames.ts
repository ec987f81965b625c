import type { ReadableOptions } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';

// COPY TO's rows read where the socket's chunks put them (docs/decisions/069). pg-copy-streams hands
// on a chunk's CopyData payloads joined into a new buffer, after taking a view of each message, one
// per row: at 6M rows, about a second of the event loop per compact graph of 1M participants, and as
// much garbage. Its stream is kept (how it takes the connection over from pg and gives it back), with
// its message parser replaced: each chunk goes on as it is, with where its payloads lie, and the rows
// are read in place (CopyRows.write). A socket's chunks are new buffers, never written again. This
// uses pg-copy-streams' private parts: its version is pinned, and tests/unit/copy-frames checks them.

/** A chunk of the connection's bytes and its CopyData payloads, as [start, end) pairs. */
export interface CopyFrames {
  chunk: Buffer;
  payloads: number[];
}

// The protocol's message codes (https://www.postgresql.org/docs/current/protocol-message-formats.html).
const ERROR_RESPONSE = 0x45;
const COPY_DATA = 0x64;
/**
 * Messages that may come before or between CopyData messages; any other, once read, ends the copy
 * (CopyDone among them), as in pg-copy-streams.
 */
const GOES_ON = new Set([
  0x48, // CopyOutResponse
  COPY_DATA,
  0x53, // ParameterStatus
  0x4e, // NoticeResponse
  0x41, // NotificationResponse
]);
/** A message's code and length. */
const HEADER = 5;

/** What this parser uses of pg-copy-streams' stream (its unread bytes, and its way back to pg). */
interface CopyToInternals {
  _buffer: { push(chunk: Buffer): void };
  _detach(): void;
  _cleanup(): void;
  push(frames: CopyFrames | null): boolean;
}

type CopyToQuery = ReturnType<typeof copyTo>;
const CopyToQueryStream = Object.getPrototypeOf(copyTo('')).constructor as new (
  text: string,
  options?: ReadableOptions,
) => CopyToQuery;

class FramedCopyToQuery extends CopyToQueryStream {
  /** The bytes of a message header that the last chunk ended inside. */
  private partial: Buffer | undefined;
  /** The current message's code, and how many of its bytes are still to come. */
  private code = 0;
  private unread = 0;

  constructor(text: string) {
    super(text, { objectMode: true });
  }

  /**
   * One chunk of the connection's bytes; false when no more should be read for now (the reader is
   * full, or the connection is pg's again).
   */
  _parse(bytes: Buffer): boolean {
    const self = this as unknown as CopyToInternals;
    const chunk = this.partial ? Buffer.concat([this.partial, bytes]) : bytes;
    this.partial = undefined;
    const payloads: number[] = [];
    let at = 0;
    let done = false;
    while (!done && at < chunk.length) {
      if (this.unread === 0) {
        if (chunk[at] === ERROR_RESPONSE) {
          // pg reads the error, and what follows, itself.
          self._buffer.push(chunk.subarray(at));
          self._detach();
          return false;
        }
        if (chunk.length - at < HEADER) {
          this.partial = chunk.subarray(at);
          break;
        }
        this.code = chunk[at]!;
        this.unread = chunk.readUInt32BE(at + 1) - 4;
        at += HEADER;
      }
      const end = Math.min(chunk.length, at + this.unread);
      if (this.code === COPY_DATA && end > at) payloads.push(at, end);
      this.unread -= end - at;
      at = end;
      if (this.unread === 0 && !GOES_ON.has(this.code)) done = true;
    }
    const drained = payloads.length ? self.push({ chunk, payloads }) : true;
    if (done) {
      // What follows the copy (CommandComplete, ReadyForQuery) is pg's to read.
      if (at < chunk.length) self._buffer.push(chunk.subarray(at));
      self._detach();
      self.push(null);
      self._cleanup();
      return false;
    }
    return drained;
  }
}

/** `COPY … TO STDOUT` as a stream of the connection's chunks and their payloads (CopyFrames). */
export const framedCopyTo = (text: string): CopyToQuery => new FramedCopyToQuery(text);
