import { z } from '@hono/zod-openapi';
import { PARTICIPANT_SORTS } from '../domain';
import { textSchema } from './text';

// A cursor is the sort key of the last row a client was sent, echoed back (decision 025). Its values
// reach SQL as parameters cast to uuid, timestamptz, int or text, so each is checked to be one that
// PostgreSQL takes and that the list itself could have written; anything else is a forged cursor, 400.

/** Longest `?cursor=` taken: a participant cursor carries a display name, which has no length limit. */
export const MAX_CURSOR_LENGTH = 2048;

export const cursorParamSchema = z
  .string()
  .max(MAX_CURSOR_LENGTH)
  .regex(/^[A-Za-z0-9_-]*$/, 'is not a cursor from this list')
  .openapi({ description: 'nextCursor of the previous page, as it was sent' });

/**
 * A timestamp as the lists write it (src/lib/repositories/keyset.ts: UTC, microseconds). Years 0001–9999
 * only: PostgreSQL has no year 0, and a year of five digits never comes out of to_char's YYYY.
 */
export const cursorTimestampSchema = z.iso
  .datetime({ precision: 6 })
  .refine((at) => !at.startsWith('0000'), { message: 'has no year 0' });

/** Newest-first lists: (created_at, id). */
export const timeKeyCursorSchema = z.strictObject({ at: cursorTimestampSchema, id: z.uuid() });

/** Members by email, then id. */
export const memberCursorSchema = z.strictObject({ email: textSchema.max(254), id: z.uuid() });

/** Participants in one of their orders; the key's form depends on the order (checked by the list). */
export const participantCursorSchema = z.strictObject({
  sort: z.enum(PARTICIPANT_SORTS),
  key: textSchema,
  id: z.uuid(),
});
