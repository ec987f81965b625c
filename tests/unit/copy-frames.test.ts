import { describe, expect, it } from 'vitest';
import { framedCopyTo, type CopyFrames } from '../../src/lib/repositories/copy-frames';

/** A protocol message: its code, its length (itself included), its bytes. */
function message(code: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(code, 0, 'latin1');
  header.writeUInt32BE(payload.length + 4, 1);
  return Buffer.concat([header, payload]);
}

describe('COPY read where the chunks put it', () => {
  it('finds every CopyData payload, whatever the chunks cut, and skips the messages between', () => {
    const payloads = [
      Buffer.from('PGCOPY-header'),
      Buffer.alloc(0),
      Buffer.from('row one'),
      Buffer.alloc(300, 7),
    ];
    const stream = Buffer.concat([
      message('H', Buffer.from([1, 0, 0])), // CopyOutResponse
      message('d', payloads[0]!),
      message('d', payloads[1]!),
      message('N', Buffer.from('Snotice\0\0')), // a notice between rows is not data
      message('d', payloads[2]!),
      message('S', Buffer.from('name\0value\0')),
      message('d', payloads[3]!),
    ]);
    for (let size = 1; size <= stream.length; size++) {
      const query = framedCopyTo('COPY (SELECT 1) TO STDOUT') as unknown as {
        _parse(chunk: Buffer): boolean;
        read(): CopyFrames | null;
      };
      const got: Buffer[] = [];
      for (let at = 0; at < stream.length; at += size) {
        expect(query._parse(stream.subarray(at, at + size))).toBe(true);
        for (let frames = query.read(); frames; frames = query.read()) {
          for (let i = 0; i < frames.payloads.length; i += 2) {
            got.push(frames.chunk.subarray(frames.payloads[i], frames.payloads[i + 1]));
          }
        }
      }
      expect(Buffer.concat(got).equals(Buffer.concat(payloads)), `chunks of ${size}`).toBe(true);
    }
  });

  it('gives pg back what follows the copy, and an error whole, and stops reading then', () => {
    type Internals = {
      _parse(chunk: Buffer): boolean;
      _detach(): void;
      _buffer: { size: number; take(n: number): Buffer };
      read(): CopyFrames | null;
    };
    const handedBack = (bytes: Buffer, size: number) => {
      const query = framedCopyTo('COPY (SELECT 1) TO STDOUT') as unknown as Internals;
      let back: Buffer | undefined;
      // What pg-copy-streams' own _detach hands pg: the unread bytes.
      query._detach = () => (back = query._buffer.take(query._buffer.size));
      const results: boolean[] = [];
      for (let at = 0; at < bytes.length && back === undefined; at += size) {
        results.push(query._parse(bytes.subarray(at, at + size)));
      }
      return { back, last: results.at(-1) };
    };
    const after = Buffer.concat([message('C', Buffer.from('COPY 1\0')), message('Z', Buffer.from('I'))]);
    const ended = Buffer.concat([message('d', Buffer.from('row')), message('c', Buffer.alloc(0)), after]);
    const error = message('E', Buffer.from('SERROR\0Mboom\0\0'));
    const failed = Buffer.concat([message('d', Buffer.from('row')), error]);
    for (let size = 1; size <= failed.length; size++) {
      const end = handedBack(ended, ended.length);
      expect(end.back?.equals(after), 'after CopyDone').toBe(true);
      expect(end.last).toBe(false);
      // The error from its first byte on, however the chunks cut it: pg's own listener, attached
      // again, reads the rest of it from the chunks that follow.
      const failure = handedBack(failed, size);
      expect(failure.back!.length, `chunks of ${size}`).toBeGreaterThan(0);
      expect(error.subarray(0, failure.back!.length).equals(failure.back!), `chunks of ${size}`).toBe(true);
      expect(failure.last).toBe(false);
    }
  });

  it('uses the parts of pg-copy-streams it replaces and relies on', () => {
    const query = framedCopyTo('COPY (SELECT 1) TO STDOUT') as unknown as Record<string, unknown>;
    for (const name of ['_detach', '_cleanup', '_forward', 'submit', 'handleError'])
      expect(typeof query[name], name).toBe('function');
    expect(typeof (query._buffer as { push?: unknown }).push).toBe('function');
  });
});
