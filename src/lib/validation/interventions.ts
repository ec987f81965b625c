import { z } from '@hono/zod-openapi';
import {
  INTERVENTION_SCOPES,
  INTERVENTION_TYPES,
  LIFECYCLE_STAGES,
  SEGMENT_KEYS,
  type InterventionType,
} from '../domain';
import { orgParamsSchema, pageQuerySchema } from './common-api';
import { optionalWordsSchema, requiredWordsSchema } from './text';

/** A bulk intervention touches at most this many targets; a larger selection must be narrowed. */
export const MAX_INTERVENTION_TARGETS = 10_000;

const reason = requiredWordsSchema(2000);

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
        note: optionalWordsSchema(5000),
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

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO date-time with a time zone' });

export const listInterventionsQuerySchema = pageQuerySchema.extend({
  targetId: z.uuid({ message: 'must be a UUID' }).optional(),
  reversed: z.enum(['true', 'false']).optional(),
  type: z.enum(INTERVENTION_TYPES).optional(),
  operatorUserId: z
    .uuid({ message: 'must be a UUID' })
    .optional()
    .openapi({ description: 'Only those this user made' }),
  from: instant.optional().openapi({ description: 'Created at or after this instant' }),
  to: instant.optional().openapi({ description: 'Created before this instant (exclusive)' }),
});
export type ListInterventionsQuery = z.infer<typeof listInterventionsQuerySchema>;

// What an intervention records per target: only the fields its type touches (docs/decisions/011).
export const outreachStateSchema = z.object({ outreachPaused: z.boolean() }).openapi('OutreachState');
export const reviewFlagStateSchema = z.object({ flaggedForReview: z.boolean() }).openapi('ReviewFlagState');
export const lifecycleStageStateSchema = z
  .object({ lifecycleStage: z.enum(LIFECYCLE_STAGES) })
  .openapi('LifecycleStageState');
export const suppressionStateSchema = z
  .object({
    recommendationsSuppressed: z.boolean(),
    recommendationsSuppressedUntil: z.string().nullable().openapi({ format: 'date-time' }),
  })
  .openapi('SuppressionState');
export const noteStateSchema = z
  .object({
    noteId: z.uuid().nullable().openapi({ description: 'The note the intervention added; null: none' }),
  })
  .openapi('NoteState');

export type OutreachState = z.infer<typeof outreachStateSchema>;
export type ReviewFlagState = z.infer<typeof reviewFlagStateSchema>;
export type LifecycleStageState = z.infer<typeof lifecycleStageStateSchema>;
export type SuppressionState = z.infer<typeof suppressionStateSchema>;
export type NoteState = z.infer<typeof noteStateSchema>;

/** The state each intervention type records, before and after, for every target. */
export interface InterventionStates {
  pause_outreach: OutreachState;
  resume_outreach: OutreachState;
  flag_for_review: ReviewFlagState;
  clear_flag: ReviewFlagState;
  set_lifecycle_stage: LifecycleStageState;
  suppress_recommendations: SuppressionState;
  add_note: NoteState;
}
export type TargetState<T extends InterventionType = InterventionType> = InterventionStates[T];

export const targetStateSchema = z
  .union([
    outreachStateSchema,
    reviewFlagStateSchema,
    lifecycleStageStateSchema,
    suppressionStateSchema,
    noteStateSchema,
  ])
  .openapi('InterventionTargetState', { description: 'The fields the intervention’s type touches' });

export const TARGET_RESULTS = ['applied', 'unchanged'] as const;
export type TargetResult = (typeof TARGET_RESULTS)[number];

export const interventionSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(INTERVENTION_TYPES),
    scope: z.enum(INTERVENTION_SCOPES),
    targetIds: z.array(z.string()),
    reason: z.string(),
    operatorUserId: z.string().nullable(),
    operatorRole: z.string(),
    previousState: z.object({ targets: z.record(z.string(), targetStateSchema) }),
    newState: z.object({
      targets: z.record(z.string(), targetStateSchema),
      results: z.record(z.string(), z.enum(TARGET_RESULTS)),
      segment: z.enum(SEGMENT_KEYS).optional(),
      note: z.string().optional(),
    }),
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
    type: z.enum(INTERVENTION_TYPES),
    targetCount: z.number().int(),
    changing: z.number().int(),
    sample: z.array(
      z.object({
        id: z.string(),
        label: z.string().openapi({ description: 'The participant’s name, or a relationship’s two ends' }),
        before: targetStateSchema,
        after: targetStateSchema,
      }),
    ),
  })
  .openapi('InterventionDryRun');

export const reversalSchema = z
  .object({
    intervention: interventionSchema,
    reversed: z.array(z.string()),
    notReversed: z.array(
      z.object({ id: z.string(), expected: targetStateSchema, actual: targetStateSchema.nullable() }),
    ),
  })
  .openapi('InterventionReversal');

export const interventionPersonSchema = z
  .object({ userId: z.string(), name: z.string(), email: z.string() })
  .openapi('InterventionPerson');

/** The detail page shows at most this many targets by name; the intervention keeps every id. */
export const DETAIL_TARGET_LIMIT = 500;

export const interventionDetailSchema = z
  .object({
    intervention: interventionSchema,
    targetCount: z.number().int(),
    targets: z
      .array(
        z.object({
          id: z.string(),
          label: z.string(),
          inOrg: z.boolean().openapi({ description: 'false: the target has since left the org' }),
          participantIds: z.array(z.string()).openapi({ description: 'The participant, or both ends' }),
          participantNames: z.array(z.string()).openapi({ description: 'Their names, in the same order' }),
          previous: targetStateSchema,
          next: targetStateSchema,
          result: z.enum(TARGET_RESULTS),
        }),
      )
      .openapi({ description: `The first ${DETAIL_TARGET_LIMIT} targets, by name` }),
    operator: interventionPersonSchema.nullable(),
    reversedBy: interventionPersonSchema.nullable(),
  })
  .openapi('InterventionDetail');
