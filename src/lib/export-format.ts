// Exports for spreadsheets and scripts: the format, the stream of its text, the download headers.

import { pieceBytes, type AnswerPiece } from './http/gzip-pieces';

/**
 * Text (an export's lines or a compact graph's columns, written by PostgreSQL: docs/decisions/040
 * and 041; or already bytes: 045) as a byte stream for the response body. Pulled: the next text is
 * asked for only when the client has taken the last one.
 */
export function textStream(
  texts: AsyncIterable<AnswerPiece> | Iterable<AnswerPiece>,
): ReadableStream<Uint8Array> {
  const iterator: AsyncIterator<AnswerPiece> | Iterator<AnswerPiece> =
    Symbol.asyncIterator in texts ? texts[Symbol.asyncIterator]() : texts[Symbol.iterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(pieceBytes(next.value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

export type ExportFormat = 'csv' | 'ndjson';

/** The headers of a download named `<name>-<date>.<format>` (the API adds Cache-Control: no-store). */
export function exportHeaders(format: ExportFormat, name: string): Record<string, string> {
  const stamp = new Date().toISOString().slice(0, 10);
  return {
    'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
    'content-disposition': `attachment; filename="${name}-${stamp}.${format}"`,
  };
}
