import type { ZodType } from 'zod';
import { AppError } from './errors';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cursors are opaque to clients: base64url of the sort key of the last item they saw. */
export function encodeCursor(key: Record<string, string>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The cursor's sort key, when it is one this list could have written (`schema`); otherwise a 400. */
export function decodeCursor<T>(cursor: string, schema: ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const key = schema.safeParse(value);
  if (key.success) return key.data;
  throw new AppError('bad_request', 'The cursor is not valid.', [
    { path: 'cursor', message: 'is not a cursor from this list' },
  ]);
}

/** A page from `limit + 1` fetched rows: the extra row only tells that there is a next page. */
export function toPage<T>(rows: T[], limit: number, keyOf: (last: T) => Record<string, string>): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
