import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { decideRecommendation } from '../../lib/services/recommendations';
import { viewRecommendationStats } from '../../lib/services/views/recommendation-stats';
import { viewRecommendations } from '../../lib/services/views/recommendations';
import { orgParamsSchema } from '../../lib/validation/common-api';
import {
  acceptRecommendationBodySchema,
  dismissRecommendationBodySchema,
  listRecommendationsQuerySchema,
  recommendationPageSchema,
  recommendationParamsSchema,
  recommendationStatsSchema,
  decidedRecommendationSchema,
} from '../../lib/validation/recommendations';
import type { ApiEnv } from '../context';
import { json, orgRouteErrors, problemContent } from '../openapi-schemas';
import { needs } from './middleware';

const listRoute = createRoute({
  method: 'get',
  path: '/recommendations',
  summary:
    'Atlas recommendations, newest first, filtered by status, suggested action and target type (keyset-paginated), each with its target as it is now',
  tags: ['recommendations'],
  middleware: [needs('recommendations.read')] as const,
  request: { params: orgParamsSchema, query: listRecommendationsQuerySchema },
  responses: {
    200: { description: 'A page of recommendations', content: json(recommendationPageSchema) },
    ...orgRouteErrors,
  },
});

const statsRoute = createRoute({
  method: 'get',
  path: '/recommendations/stats',
  summary:
    'Per Atlas detector, how many of its recommendations were accepted and dismissed, by week (the org’s time zone, Monday first) over the last 12 weeks',
  tags: ['recommendations'],
  middleware: [needs('recommendations.read')] as const,
  request: { params: orgParamsSchema },
  responses: {
    200: { description: 'Acceptance per detector and week', content: json(recommendationStatsSchema) },
    ...orgRouteErrors,
  },
});

const decisionResponses = {
  200: {
    description: 'The decided recommendation (and the intervention it applied, if asked)',
    content: json(decidedRecommendationSchema),
  },
  ...orgRouteErrors,
  404: { description: 'No such recommendation in this org', content: problemContent },
  409: { description: 'Already accepted or dismissed', content: problemContent },
};

const acceptRoute = createRoute({
  method: 'post',
  path: '/recommendations/{recommendationId}/accept',
  summary: 'Accept a pending recommendation, with an optional reason and its matching intervention',
  tags: ['recommendations'],
  middleware: [needs('recommendations.decide')] as const,
  request: {
    params: recommendationParamsSchema,
    body: { required: false, content: json(acceptRecommendationBodySchema) },
  },
  responses: {
    ...decisionResponses,
    422: {
      description: 'Banned wording in the reason, or intervene for an action without a matching intervention',
      content: problemContent,
    },
  },
});

const dismissRoute = createRoute({
  method: 'post',
  path: '/recommendations/{recommendationId}/dismiss',
  summary:
    'Dismiss a pending recommendation with a reason code (later: snoozed for a chosen time) and an optional note',
  tags: ['recommendations'],
  middleware: [needs('recommendations.decide')] as const,
  request: {
    params: recommendationParamsSchema,
    body: { required: true, content: json(dismissRecommendationBodySchema) },
  },
  responses: {
    ...decisionResponses,
    422: {
      description: 'Banned wording in the note, or a snoozeUntil not within the next year',
      content: problemContent,
    },
  },
});

export const recommendationRoutes = new OpenAPIHono<ApiEnv>()
  // GET /api/orgs/:orgId/recommendations
  .openapi(listRoute, async (c) => {
    const page = await viewRecommendations(c.get('db'), c.get('scope'), c.req.valid('query'));
    return c.json(page, 200);
  })
  // GET /api/orgs/:orgId/recommendations/stats
  .openapi(statsRoute, async (c) => c.json(await viewRecommendationStats(c.get('db'), c.get('scope')), 200))
  // POST /api/orgs/:orgId/recommendations/:recommendationId/accept
  .openapi(acceptRoute, async (c) => {
    const body = c.req.valid('json') ?? {};
    const { recommendationId } = c.req.valid('param');
    const input = { decision: 'accepted', reason: body.reason, intervene: body.intervene } as const;
    return c.json(await decideRecommendation(c.get('db'), c.get('scope'), recommendationId, input), 200);
  })
  // POST /api/orgs/:orgId/recommendations/:recommendationId/dismiss
  .openapi(dismissRoute, async (c) => {
    const { reasonCode, note, reason, snoozeDays, snoozeUntil } = c.req.valid('json');
    const { recommendationId } = c.req.valid('param');
    const input = {
      decision: 'dismissed',
      reasonCode,
      note: note ?? reason,
      noteField: reason !== undefined ? 'reason' : 'note',
      snoozeDays,
      snoozeUntil,
    } as const;
    return c.json(await decideRecommendation(c.get('db'), c.get('scope'), recommendationId, input), 200);
  });
