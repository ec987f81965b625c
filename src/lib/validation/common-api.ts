import { z } from '@hono/zod-openapi';
import { cursorParamSchema } from './cursors';

/** `?limit=&cursor=` of every list (DESIGN.md §5). */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ example: 50 }),
  cursor: cursorParamSchema.optional(),
});

export const orgParamsSchema = z.object({
  orgId: z.uuid({ message: 'must be a UUID' }).openapi({ param: { name: 'orgId', in: 'path' } }),
});

export const memberParamsSchema = orgParamsSchema.extend({
  memberId: z.uuid({ message: 'must be a UUID' }).openapi({ param: { name: 'memberId', in: 'path' } }),
});
