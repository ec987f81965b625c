import { z } from '@hono/zod-openapi';
import { RECOMMENDATION_STATUSES, RECOMMENDATION_TARGET_TYPES } from '../domain';
import { orgParamsSchema, pageQuerySchema } from './common-api';

export const listRecommendationsQuerySchema = pageQuerySchema.extend({
  status: z.enum(RECOMMENDATION_STATUSES).optional(),
});

export const recommendationParamsSchema = orgParamsSchema.extend({
  recommendationId: z
    .uuid({ message: 'must be a UUID' })
    .openapi({ param: { name: 'recommendationId', in: 'path' } }),
});

export const decideRecommendationBodySchema = z
  .object({
    reason: z.string().trim().min(1).max(2000).optional(),
    intervene: z.boolean().optional().openapi({
      description: 'On accept: also apply the matching intervention, in the same transaction',
    }),
  })
  .strict()
  .openapi('RecommendationDecision');

export const recommendationSchema = z
  .object({
    id: z.uuid(),
    targetType: z.enum(RECOMMENDATION_TARGET_TYPES),
    targetId: z.string(),
    suggestedAction: z.string(),
    reason: z.string(),
    confidence: z.number(),
    status: z.enum(RECOMMENDATION_STATUSES),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Recommendation');

export const decidedRecommendationSchema = recommendationSchema
  .extend({ interventionId: z.uuid().nullable() })
  .openapi('DecidedRecommendation');

export const recommendationPageSchema = z
  .object({ items: z.array(recommendationSchema), nextCursor: z.string().nullable() })
  .openapi('RecommendationPage');
