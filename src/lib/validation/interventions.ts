import { z } from '@hono/zod-openapi';
import { INTERVENTION_SCOPES, INTERVENTION_TYPES, LIFECYCLE_STAGES, SEGMENT_KEYS } from '../domain';
import { orgParamsSchema, pageQuerySchema } from './common-api';

/** A bulk intervention touches at most this many targets; a larger selection must be narrowed. */
export const MAX_INTERVENTION_TARGETS = 10_000;

const reason = z.string().trim().min(1, 'is required').max(2000);

export const createInterventionBodySchema = z
  .object({
    type: z.enum(INTERVENTION_TYPES),
    scope: z.enum(INTERVENTION_SCOPES),
    targetIds: z
      .array(z.uuid({ message: 'must be UUIDs' }))
      .min(1)
      .max(MAX_INTERVENTION_TARGETS)
      .optional(),
    segment: z.enum(SEGMENT_KEYS).optional().openapi({ description: 'For scope "segment": which segment' }),
    reason,
    newState: z
      .object({
        lifecycleStage: z.enum(LIFECYCLE_STAGES).optional(),
        note: z.string().trim().min(1).max(5000).optional(),
        until: z.iso.datetime({ offset: true }).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const issue = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (body.scope === 'segment') {
      if (!body.segment) issue(['segment'], 'is required for scope "segment"');
      if (body.targetIds) issue(['targetIds'], 'must be omitted for scope "segment" (the segment decides)');
    } else {
      if (!body.targetIds) issue(['targetIds'], `is required for scope "${body.scope}"`);
      if (body.segment) issue(['segment'], 'only with scope "segment"');
    }
    if (body.type === 'set_lifecycle_stage' && !body.newState?.lifecycleStage) {
      issue(['newState', 'lifecycleStage'], 'is required for set_lifecycle_stage');
    }
    if (body.type === 'add_note' && !body.newState?.note)
      issue(['newState', 'note'], 'is required for add_note');
  })
  .openapi('CreateInterventionRequest');
export type CreateInterventionBody = z.infer<typeof createInterventionBodySchema>;

export const createInterventionQuerySchema = z.object({
  dryRun: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true')
    .openapi({ description: '1: report what would change, change nothing' }),
});

export const reverseInterventionBodySchema = z
  .object({ reason })
  .strict()
  .openapi('ReverseInterventionRequest');

export const interventionParamsSchema = orgParamsSchema.extend({
  interventionId: z
    .uuid({ message: 'must be a UUID' })
    .openapi({ param: { name: 'interventionId', in: 'path' } }),
});

export const listInterventionsQuerySchema = pageQuerySchema.extend({
  targetId: z.uuid({ message: 'must be a UUID' }).optional(),
  reversed: z.enum(['true', 'false']).optional(),
});

export const interventionSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(INTERVENTION_TYPES),
    scope: z.enum(INTERVENTION_SCOPES),
    targetIds: z.array(z.string()),
    reason: z.string(),
    operatorUserId: z.string().nullable(),
    operatorRole: z.string(),
    previousState: z.record(z.string(), z.unknown()),
    newState: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    reversedAt: z.string().nullable(),
    reversedByUserId: z.string().nullable(),
    reversalReason: z.string().nullable(),
  })
  .openapi('Intervention');

export const interventionPageSchema = z
  .object({ items: z.array(interventionSchema), nextCursor: z.string().nullable() })
  .openapi('InterventionPage');

export const dryRunSchema = z
  .object({
    dryRun: z.literal(true),
    targetCount: z.number().int(),
    changing: z.number().int(),
    sample: z.array(
      z.object({
        id: z.string(),
        before: z.record(z.string(), z.unknown()),
        after: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .openapi('InterventionDryRun');

export const reversalSchema = z
  .object({
    intervention: interventionSchema,
    reversed: z.array(z.string()),
    notReversed: z.array(
      z.object({
        id: z.string(),
        expected: z.record(z.string(), z.unknown()),
        actual: z.record(z.string(), z.unknown()).nullable(),
      }),
    ),
  })
  .openapi('InterventionReversal');
