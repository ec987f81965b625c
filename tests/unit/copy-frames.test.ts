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
});
