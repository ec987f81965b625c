import { z } from '@hono/zod-openapi';
import { LIFECYCLE_STAGES, PARTICIPANT_SORTS, RECOMMENDATION_STATUSES, SEGMENT_KEYS } from '../domain';
import { pageQuerySchema } from './common-api';
import { textSchema } from './text';

const participantFilters = {
  q: textSchema.trim().min(1).max(200).optional().openapi({ description: 'Part of a name or email' }),
  stage: z.enum(LIFECYCLE_STAGES).optional(),
  role: textSchema.trim().min(1).max(100).optional(),
  segment: z.enum(SEGMENT_KEYS).optional(),
  sort: z.enum(PARTICIPANT_SORTS).default('name').openapi({
    description:
      'name, lastActivity, degree (relationships) or created; a leading minus for descending. Never-active participants count as the least recently active.',
  }),
};

export const participantFiltersSchema = z.object(participantFilters);
export type ParticipantFilters = z.infer<typeof participantFiltersSchema>;

export const listParticipantsQuerySchema = pageQuerySchema.extend(participantFilters);
export type ListParticipantsQuery = z.infer<typeof listParticipantsQuerySchema>;

export const PARTICIPANT_EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ParticipantExportFormat = (typeof PARTICIPANT_EXPORT_FORMATS)[number];

const exportFormat = z
  .enum(PARTICIPANT_EXPORT_FORMATS, { message: 'must be csv or ndjson' })
  .default('ndjson');

export const exportRelationshipsQuerySchema = z.object({
  format: exportFormat,
  minConfidence: z.coerce.number().min(0).max(1).optional(),
});

export const exportSegmentQuerySchema = z.object({ format: exportFormat });

export const segmentParamsSchema = z.object({
  orgId: z.uuid({ message: 'must be a UUID' }).openapi({ param: { name: 'orgId', in: 'path' } }),
  segment: z.enum(SEGMENT_KEYS).openapi({ param: { name: 'segment', in: 'path' } }),
});

export const exportParticipantsQuerySchema = z.object({
  format: exportFormat,
  ...participantFilters,
});

export const participantSchema = z
  .object({
    id: z.uuid(),
    displayName: z.string(),
    email: z.string().nullable(),
    role: z.string(),
    origin: z.string(),
    lifecycleStage: z.enum(LIFECYCLE_STAGES),
    lastActivityAt: z.string().nullable().openapi({ format: 'date-time' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    degree: z.number().int().openapi({ description: 'Relationships in either direction' }),
  })
  .openapi('Participant');

export const participantPageSchema = z
  .object({ items: z.array(participantSchema), nextCursor: z.string().nullable() })
  .openapi('ParticipantPage');

export const participantRelationshipSchema = z
  .object({
    id: z.uuid(),
    direction: z.enum(['outgoing', 'incoming']),
    otherParticipantId: z.uuid(),
    otherDisplayName: z.string(),
    type: z.string(),
    source: z.string(),
    confidence: z.number(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    otherLifecycleStage: z.enum(LIFECYCLE_STAGES).nullable(),
  })
  .openapi('ParticipantRelationship');

export const participantDetailSchema = z
  .object({
    participant: participantSchema,
    erasedAt: z.string().nullable().openapi({
      format: 'date-time',
      description: 'When an owner erased their personal data (docs/decisions/034)',
    }),
    controls: z.object({
      outreachPaused: z.boolean(),
      flaggedForReview: z.boolean(),
      recommendationsSuppressed: z.boolean(),
      recommendationsSuppressedUntil: z.string().nullable(),
      notes: z.array(
        z.object({
          id: z.uuid(),
          body: z.string(),
          authorUserId: z.string().nullable(),
          createdAt: z.string(),
        }),
      ),
    }),
    relationships: z.array(participantRelationshipSchema),
    relationshipCount: z.number().int(),
    recommendations: z.array(
      z.object({
        id: z.uuid(),
        suggestedAction: z.string(),
        reason: z.string(),
        confidence: z.number(),
        status: z.enum(RECOMMENDATION_STATUSES),
        createdAt: z.string(),
      }),
    ),
    interventions: z.array(
      z.object({
        id: z.uuid(),
        type: z.string(),
        scope: z.string(),
        reason: z.string(),
        createdAt: z.string(),
        reversedAt: z.string().nullable(),
      }),
    ),
    recentEvents: z.array(
      z.object({
        id: z.uuid(),
        eventType: z.string(),
        actorUserId: z.string().nullable(),
        actorEmail: z.string().nullable(),
        actorRole: z.string().nullable(),
        metadata: z.record(z.string(), z.unknown()),
        createdAt: z.string(),
      }),
    ),
    stageHistory: z
      .array(
        z.object({
          id: z.uuid(),
          at: z.string().openapi({ format: 'date-time' }),
          from: z.enum(LIFECYCLE_STAGES).nullable(),
          to: z.enum(LIFECYCLE_STAGES).nullable(),
          interventionId: z.string().nullable(),
          reversal: z.boolean(),
          actorEmail: z.string().nullable(),
          stageUpdate: z.enum(['promoted', 'demoted']).nullable().openapi({
            description: 'Made by a stage update (the engine), and why; null for an operator’s change',
          }),
        }),
      )
      .openapi({ description: 'Stage changes (participant.stage_changed events), newest first, up to 50' }),
  })
  .openapi('ParticipantDetail');

export const segmentListSchema = z
  .object({
    segments: z.array(
      z.object({
        key: z.enum(SEGMENT_KEYS),
        label: z.string(),
        description: z.string(),
        count: z.number().int(),
      }),
    ),
  })
  .openapi('Segments');
