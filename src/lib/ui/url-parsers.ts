import { createParser } from 'nuqs/server';
import { isInvisibleText, isStorableText } from '../unicode-text';

// Parsers for filter values that several pages carry in their URL. A value that does not fit reads as
// "no filter" (null) rather than an error page, so a hand-edited or stale link still opens its list.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day, YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDay(value: string): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** A calendar day as typed in a date input; the page turns it into instants in the org's time zone. */
export const parseAsCalendarDay = createParser({
  parse: (value) => (isCalendarDay(value) ? value : null),
  serialize: (value: string) => value,
});

/**
 * Free text, trimmed; blank (invisible characters only), longer than `max` or holding what the API
 * refuses (NUL, an unpaired surrogate) reads as no filter.
 */
export const parseAsTrimmed = (max: number) =>
  createParser({
    parse: (value) => {
      const text = value.trim();
      return text.length <= max && isStorableText(text) && !isInvisibleText(text) ? text : null;
    },
    serialize: (value: string) => value,
  });
