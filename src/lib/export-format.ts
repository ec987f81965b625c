// Export lines for spreadsheets and scripts.

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180). A cell that a spreadsheet would run as a formula (= + - @, tab, CR) gets a
 * leading apostrophe, so an exported audit log cannot carry formula injection.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** Lines of text from rows, header first, encoded as a web stream for the response body. */
export function linesStream<T>(
  rows: AsyncIterable<T>,
  header: string | null,
  line: (row: T) => string,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = rows[Symbol.asyncIterator]();
  let headerSent = header === null;
  return new ReadableStream({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(header!));
        return;
      }
      // Send a few hundred rows per chunk rather than one write per row.
      let chunk = '';
      for (let i = 0; i < 500; i++) {
        const next = await iterator.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += line(next.value);
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

export type ExportFormat = 'csv' | 'ndjson';

/** Rows as CSV (the named columns, header first) or as NDJSON (each row whole), streamed. */
export function exportStream<T extends object>(
  rows: AsyncIterable<T>,
  format: ExportFormat,
  columns: readonly (keyof T & string)[],
): ReadableStream<Uint8Array> {
  return format === 'csv'
    ? linesStream(rows, csvLine(columns), (row) => csvLine(columns.map((k) => row[k])))
    : linesStream(rows, null, (row) => `${JSON.stringify(row)}\n`);
}

/** The headers of a download named `<name>-<date>.<format>` (the API adds Cache-Control: no-store). */
export function exportHeaders(format: ExportFormat, name: string): Record<string, string> {
  const stamp = new Date().toISOString().slice(0, 10);
  return {
    'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
    'content-disposition': `attachment; filename="${name}-${stamp}.${format}"`,
  };
}
