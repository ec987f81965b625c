// Reading a streamed export in the browser: the bytes and lines are counted as they arrive (the server
// cannot know the total ahead, so progress is what has come so far), then the whole body becomes one
// Blob for a download link.

export interface StreamProgress {
  bytes: number;
  /** Complete lines received so far (a CSV's header line included). */
  lines: number;
}

const NEWLINE = 0x0a;

function countNewlines(chunk: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < chunk.length; i++) if (chunk[i] === NEWLINE) count++;
  return count;
}

/**
 * Reads `body` to the end, calling `onProgress` after each chunk, and returns it as a Blob of `type`.
 * Aborting the request that produced `body` ends the read with the fetch's AbortError.
 */
export async function readWithProgress(
  body: ReadableStream<Uint8Array>,
  type: string,
  onProgress: (progress: StreamProgress) => void,
): Promise<{ blob: Blob } & StreamProgress> {
  const reader = body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  const progress: StreamProgress = { bytes: 0, lines: 0 };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value as Uint8Array<ArrayBuffer>);
      progress.bytes += value.byteLength;
      progress.lines += countNewlines(value);
      onProgress({ ...progress });
    }
  } finally {
    reader.releaseLock();
  }
  return { blob: new Blob(chunks, { type }), ...progress };
}

/** The file name a Content-Disposition header offers, or `fallback`. */
export function filenameFrom(contentDisposition: string | null, fallback: string): string {
  const match = contentDisposition && /filename="([^"]+)"/.exec(contentDisposition);
  return match ? match[1]! : fallback;
}

/** "1.2 MB": a byte count for people. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
