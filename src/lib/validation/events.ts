import { z } from '@hono/zod-openapi';
import { pageQuerySchema } from './common-api';
import { textSchema } from './text';

const when = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z',
});

const eventFilters = {
  type: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_]+)+$/, 'must be an event type such as member.added')
    .optional(),
  actorUserId: z.uuid({ message: 'must be a UUID' }).optional(),
  targetType: textSchema.trim().min(1).max(50).optional(),
  targetId: textSchema.trim().min(1).max(200).optional(),
  from: when.optional().openapi({ description: 'Events at or after this time' }),
  to: when.optional().openapi({ description: 'Events before this time' }),
};

const fromBeforeTo: [(f: { from?: string; to?: string }) => boolean, { message: string; path: string[] }] = [
  (f) => !f.from || !f.to || new Date(f.from) < new Date(f.to),
  { message: 'must be after from', path: ['to'] },
];

export const eventFiltersSchema = z.object(eventFilters);
export type EventFilters = z.infer<typeof eventFiltersSchema>;

export const listEventsQuerySchema = pageQuerySchema.extend(eventFilters).refine(...fromBeforeTo);

export const exportEventsQuerySchema = z
  .object({ format: z.enum(['csv', 'ndjson']).default('ndjson'), ...eventFilters })
  .refine(...fromBeforeTo);

export const eventSchema = z
  .object({
    id: z.uuid(),
    eventType: z.string(),
    actorUserId: z.string().nullable(),
    actorEmail: z
      .string()
      .nullable()
      .openapi({ description: 'The actor’s current email, if the account exists' }),
    actorRole: z.string().nullable(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('AuditEvent');

export const eventPageSchema = z
  .object({ items: z.array(eventSchema), nextCursor: z.string().nullable() })
  .openapi('AuditEventPage');
