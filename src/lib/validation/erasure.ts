import { z } from '@hono/zod-openapi';
import { orgParamsSchema } from './common-api';
import { requiredWordsSchema } from './text';

export const erasureParamsSchema = orgParamsSchema.extend({
  participantId: z
    .uuid({ message: 'must be a UUID' })
    .openapi({ param: { name: 'participantId', in: 'path' } }),
});

export const eraseParticipantBodySchema = z
  .object({
    reason: requiredWordsSchema(500).openapi({
      description: 'Why (e.g. the request’s reference); the person’s name and email are removed from it',
      example: 'Request 2026-118 received by email',
    }),
  })
  .strict()
  .openapi('EraseParticipantRequest');

export const erasureSchema = z
  .object({
    participantId: z.uuid(),
    erasedAt: z.string().openapi({ format: 'date-time' }),
    counts: z
      .object({
        notesRemoved: z.number().int(),
        notesRedacted: z.number().int(),
        interventions: z.number().int(),
        recommendations: z.number().int(),
        communities: z.number().int(),
        jobs: z.number().int(),
        idempotencyKeys: z.number().int(),
        events: z.number().int(),
      })
      .openapi({ description: 'What was removed or redacted, by place' }),
  })
  .openapi('Erasure');
