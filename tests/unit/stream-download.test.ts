import { describe, expect, it } from 'vitest';
import {
  countOf,
  CSV_FORMAT,
  filenameFrom,
  formatBytes,
  NDJSON_FORMAT,
  readWithProgress,
  rowsIn,
} from '../../src/components/exports/stream-download';

describe('reading a streamed export', () => {
  function streamOf(parts: string[]): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    return new ReadableStream({
      start(controller) {
        for (const part of parts) controller.enqueue(encoder.encode(part));
        controller.close();
      },
    });
  }

  it('counts bytes and lines as chunks arrive and returns the whole body', async () => {
    const seen: { bytes: number; lines: number }[] = [];
    const result = await readWithProgress(
      streamOf(['id,type\r\n1,a', '\r\n2,b\r\n', '3,ü\r\n']),
      'text/csv',
      (p) => seen.push(p),
    );
    expect(seen).toEqual([
      { bytes: 12, lines: 1 },
      { bytes: 19, lines: 3 },
      { bytes: 25, lines: 4 },
    ]);
    expect(result).toMatchObject({ bytes: 25, lines: 4 });
    expect(result.blob.type).toBe('text/csv');
    expect(await result.blob.text()).toBe('id,type\r\n1,a\r\n2,b\r\n3,ü\r\n');
  });

  it('reads the file name the server offers', () => {
    expect(filenameFrom('attachment; filename="audit-o-2026-04-03.csv"', 'x.csv')).toBe(
      'audit-o-2026-04-03.csv',
    );
    expect(filenameFrom(null, 'x.csv')).toBe('x.csv');
  });

  it('writes sizes for people', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(300 * 1024)).toBe('300 KB');
  });
});

describe('what an export says it has', () => {
  it('counts rows without a CSV header, and never below zero', () => {
    expect(rowsIn(CSV_FORMAT, 4)).toBe(3);
    expect(rowsIn(CSV_FORMAT, 1)).toBe(0);
    expect(rowsIn(CSV_FORMAT, 0)).toBe(0);
    expect(rowsIn(NDJSON_FORMAT, 4)).toBe(4);
    expect(rowsIn({ ...NDJSON_FORMAT, label: 'NDJSON in chain order' }, 0)).toBe(0);
  });

  it('names the rows in the singular or the plural', () => {
    const noun = { one: 'participant', other: 'participants' };
    expect(countOf(0, noun)).toBe('0 participants');
    expect(countOf(1, noun)).toBe('1 participant');
    expect(countOf(12345, noun)).toBe('12,345 participants');
  });
});
