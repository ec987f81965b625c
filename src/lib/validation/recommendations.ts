import { z } from '@hono/zod-openapi';
import {
  ATLAS_DETECTORS,
  DISMISSAL_REASONS,
  INTERVENTION_TYPES,
  LIFECYCLE_STAGES,
  RECOMMENDATION_STATUSES,
  RECOMMENDATION_TARGET_TYPES,
  SEGMENT_KEYS,
} from '../domain';
import { orgParamsSchema, pageQuerySchema } from './common-api';
import { optionalWordsSchema } from './text';

/** Suggested actions are snake_case words chosen by Atlas (flag_for_review, verify_relationship …). */
export const SUGGESTED_ACTION_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

export const recommendationFiltersSchema = z.object({
  status: z.enum(RECOMMENDATION_STATUSES).optional(),
  suggestedAction: z
    .string()
    .regex(SUGGESTED_ACTION_PATTERN, { message: 'must be a suggested action such as flag_for_review' })
    .optional()
    .openapi({ example: 'flag_for_review' }),
  targetType: z.enum(RECOMMENDATION_TARGET_TYPES).optional(),
});
export type RecommendationFiltersInput = z.infer<typeof recommendationFiltersSchema>;

export const listRecommendationsQuerySchema = pageQuerySchema.extend(recommendationFiltersSchema.shape);
export type ListRecommendationsQuery = z.infer<typeof listRecommendationsQuerySchema>;

export const recommendationParamsSchema = orgParamsSchema.extend({
  recommendationId: z
    .uuid({ message: 'must be a UUID' })
    .openapi({ param: { name: 'recommendationId', in: 'path' } }),
});

const decisionText = optionalWordsSchema(2000);

export const acceptRecommendationBodySchema = z
  .object({
    reason: decisionText,
    intervene: z.boolean().optional().openapi({
      description: 'Also apply the matching intervention, in the same transaction',
    }),
  })
  .strict()
  .openapi('RecommendationAcceptance');
export type AcceptRecommendationBody = z.infer<typeof acceptRecommendationBodySchema>;

/** A snooze is a day to a year. */
export const MAX_SNOOZE_DAYS = 365;

export const dismissRecommendationBodySchema = z
  .object({
    reasonCode: z.enum(DISMISSAL_REASONS).openapi({
      description: 'Why: not relevant, already handled, wrong data, or later (snoozed until a chosen time)',
    }),
    note: decisionText.openapi({ description: 'Optional words beside the code' }),
    reason: decisionText.openapi({ description: 'The same as note (older clients)' }),
    snoozeDays: z
      .number()
      .int()
      .min(1)
      .max(MAX_SNOOZE_DAYS)
      .optional()
      .openapi({ description: 'With later: Atlas may raise it again after this many days' }),
    snoozeUntil: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'With later, instead of snoozeDays: until when (within a year)' }),
  })
  .strict()
  .superRefine((body, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (body.note !== undefined && body.reason !== undefined)
      issue('reason', 'give note or reason, not both');
    const snoozes = [body.snoozeDays, body.snoozeUntil].filter((v) => v !== undefined).length;
    if (body.reasonCode === 'later') {
      if (snoozes === 0) issue('snoozeDays', 'is required with later (or snoozeUntil)');
      if (snoozes === 2) issue('snoozeUntil', 'give snoozeDays or snoozeUntil, not both');
    } else {
      if (body.snoozeDays !== undefined) issue('snoozeDays', 'only with reasonCode later');
      if (body.snoozeUntil !== undefined) issue('snoozeUntil', 'only with reasonCode later');
    }
  })
  .openapi('RecommendationDismissal');
export type DismissRecommendationBody = z.infer<typeof dismissRecommendationBodySchema>;

const dateTime = z.string().openapi({ format: 'date-time' });

export const recommendationEvidenceSchema = z
  .object({
    participantIds: z
      .array(z.string())
      .openapi({ description: 'Participants the reason cites, target first' }),
    relationshipIds: z.array(z.string()).openapi({ description: 'Relationships the reason cites' }),
    figures: z.record(z.string(), z.unknown()).openapi({ description: 'The numbers behind the reason' }),
  })
  .openapi('RecommendationEvidence');

export const recommendationSchema = z
  .object({
    id: z.uuid(),
    targetType: z.enum(RECOMMENDATION_TARGET_TYPES),
    targetId: z.string(),
    suggestedAction: z.string(),
    reason: z.string(),
    confidence: z.number(),
    status: z.enum(RECOMMENDATION_STATUSES),
    detector: z.enum(ATLAS_DETECTORS).nullable().openapi({
      description: 'The Atlas detector that made it; null for ones made otherwise',
    }),
    evidence: recommendationEvidenceSchema.nullable().openapi({
      description: 'What the reason rests on, as Atlas saw it; null when not recorded',
    }),
    decidedAt: dateTime.nullable(),
    dismissalReason: z.enum(DISMISSAL_REASONS).nullable(),
    snoozedUntil: dateTime.nullable().openapi({
      description: 'Dismissed as later: Atlas may raise it again after this time',
    }),
    createdAt: dateTime,
    updatedAt: dateTime,
  })
  .openapi('Recommendation');

export const participantSummarySchema = z
  .object({
    id: z.uuid(),
    displayName: z.string(),
    role: z.string(),
    lifecycleStage: z.enum(LIFECYCLE_STAGES),
    lastActivityAt: dateTime.nullable(),
    degree: z.number().int().openapi({ description: 'Relationships in either direction' }),
  })
  .openapi('ParticipantSummary');

export const communitySummarySchema = z
  .object({
    anchorId: z.uuid().openapi({ description: 'Its most central member: the target id' }),
    label: z.string().openapi({ description: 'Named after its most central members' }),
    size: z.number().int(),
    stageCounts: z
      .object({
        new: z.number().int(),
        active: z.number().int(),
        at_risk: z.number().int(),
        dormant: z.number().int(),
      })
      .openapi({ description: 'Members by lifecycle stage (system accounts apart)' }),
    activity: z.record(z.string(), z.unknown()).openapi({
      description: 'Weekly activity and the 30-day change, as the last Atlas run found them',
    }),
    jobId: z.uuid().openapi({ description: 'The Atlas run these figures come from' }),
  })
  .openapi('CommunitySummary');

export const recommendationTargetSchema = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('participant'),
      participant: participantSummarySchema.extend({
        activityStage: z.enum(LIFECYCLE_STAGES).openapi({
          description: "The stage the participant's activity points to now",
        }),
        createdAt: dateTime,
        flaggedForReview: z.boolean(),
        outreachPaused: z.boolean(),
        recommendationsSuppressed: z.boolean(),
        neighbours: z
          .object({
            new: z.number().int(),
            active: z.number().int(),
            at_risk: z.number().int(),
            dormant: z.number().int(),
          })
          .openapi({ description: 'Related participants (either direction) by lifecycle stage' }),
      }),
    }),
    z.object({
      type: z.literal('relationship'),
      relationship: z.object({
        id: z.uuid(),
        type: z.string(),
        source: z.string(),
        confidence: z.number(),
        createdAt: dateTime,
        flaggedForReview: z.boolean(),
        from: participantSummarySchema,
        to: participantSummarySchema,
      }),
    }),
    z.object({
      type: z.literal('segment'),
      segment: z.object({
        key: z.enum(SEGMENT_KEYS),
        label: z.string(),
        description: z.string(),
        count: z.number().int(),
      }),
    }),
    z.object({
      type: z.literal('community'),
      community: communitySummarySchema,
    }),
  ])
  .openapi('RecommendationTarget');

export const recommendationWithTargetSchema = recommendationSchema
  .extend({
    intervention: z.enum(INTERVENTION_TYPES).nullable().openapi({
      description:
        "The intervention that accepting with intervene: true applies (set_lifecycle_stage: to the target's activity stage); null when there is none",
    }),
    decision: z
      .object({
        decidedBy: z.string().nullable().openapi({ description: 'Email of who decided, while a member' }),
        reason: z.string().nullable(),
        interventionId: z.uuid().nullable(),
      })
      .nullable()
      .openapi({ description: 'How it was decided (from the audit log); null while pending' }),
    target: recommendationTargetSchema.nullable().openapi({
      description: 'The target as it is now, with the figures the reason cites; null if it is gone',
    }),
  })
  .openapi('RecommendationWithTarget');

export const decidedRecommendationSchema = recommendationSchema
  .extend({ interventionId: z.uuid().nullable() })
  .openapi('DecidedRecommendation');

export const recommendationPageSchema = z
  .object({ items: z.array(recommendationWithTargetSchema), nextCursor: z.string().nullable() })
  .openapi('RecommendationPage');

const acceptanceFields = {
  accepted: z.number().int(),
  dismissed: z.number().int(),
  acceptanceRate: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .openapi({ description: 'accepted / (accepted + dismissed); null when none was decided' }),
};

export const recommendationStatsSchema = z
  .object({
    timezone: z.string().openapi({ description: 'Weeks start on Monday in this zone (the org’s)' }),
    detectors: z.array(
      z.object({
        detector: z.enum(ATLAS_DETECTORS).nullable().openapi({
          description: 'The Atlas detector; null for recommendations no detector made (listed when decided)',
        }),
        ...acceptanceFields,
        weeks: z
          .array(z.object({ weekStart: z.string().openapi({ format: 'date' }), ...acceptanceFields }))
          .openapi({ description: 'The last 12 weeks, oldest first; the totals are their sums' }),
      }),
    ),
  })
  .openapi('RecommendationStats');
