// Reading a streamed export in the browser: the bytes and lines are counted as they arrive (the server
// cannot know the total ahead, so progress is what has come so far), then the whole body becomes one
// Blob for a download link. Pure helpers, shared by every export button (stream-export.client.tsx).

/** A file format an export offers: its name in the menu, what it is for, and the file it makes. */
export interface ExportFileFormat {
  label: string;
  hint: string;
  /** The Blob's media type. */
  type: string;
  extension: 'csv' | 'ndjson';
}

export const CSV_FORMAT: ExportFileFormat = {
  label: 'CSV',
  hint: 'for spreadsheets',
  type: 'text/csv',
  extension: 'csv',
};

export const NDJSON_FORMAT: ExportFileFormat = {
  label: 'NDJSON',
  hint: 'one JSON object a line, for scripts',
  type: 'application/x-ndjson',
  extension: 'ndjson',
};

/** The two formats of the participants, relationships and segment exports. */
export const TABULAR_FORMATS = { csv: CSV_FORMAT, ndjson: NDJSON_FORMAT } as const;

/** What an export's rows are, in the singular and the plural ("event", "events"). */
export interface RowNoun {
  one: string;
  other: string;
}

/** "1 event", "12,345 events". */
export function countOf(rows: number, noun: RowNoun): string {
  return `${rows.toLocaleString('en-US')} ${rows === 1 ? noun.one : noun.other}`;
}

/** Rows in what has arrived: every complete line, less a CSV's header. */
export function rowsIn(format: ExportFileFormat, lines: number): number {
  return Math.max(0, format.extension === 'csv' ? lines - 1 : lines);
}

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
