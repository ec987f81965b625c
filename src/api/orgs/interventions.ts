import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  applyIntervention,
  previewIntervention,
  reverseIntervention,
} from '../../lib/services/interventions';
import { viewIntervention, viewInterventions } from '../../lib/services/views/interventions';
import { orgParamsSchema } from '../../lib/validation/common-api';
import {
  createInterventionBodySchema,
  createInterventionQuerySchema,
  dryRunSchema,
  interventionDetailSchema,
  interventionPageSchema,
  interventionParamsSchema,
  interventionSchema,
  listInterventionsQuerySchema,
  reversalSchema,
  reverseInterventionBodySchema,
} from '../../lib/validation/interventions';
import type { ApiEnv } from '../context';
import { json, orgRouteErrors, problemContent } from '../openapi-schemas';
import { needs } from './middleware';

const idempotencyHeader = {
  description: 'A retried request with the same key returns the first answer and changes nothing',
};

const listRoute = createRoute({
  method: 'get',
  path: '/interventions',
  summary:
    'Interventions, newest first; filter by type, operator, creation time, target or reversed (keyset-paginated)',
  tags: ['interventions'],
  middleware: [needs('interventions.read')] as const,
  request: { params: orgParamsSchema, query: listInterventionsQuerySchema },
  responses: {
    200: { description: 'A page of interventions', content: json(interventionPageSchema) },
    ...orgRouteErrors,
  },
});

const detailRoute = createRoute({
  method: 'get',
  path: '/interventions/{interventionId}',
  summary: 'One intervention: each target by name with its previous and new state and result (audited)',
  tags: ['interventions'],
  middleware: [needs('interventions.read')] as const,
  request: { params: interventionParamsSchema },
  responses: {
    200: { description: 'The intervention and its targets', content: json(interventionDetailSchema) },
    ...orgRouteErrors,
    404: { description: 'No such intervention in this org', content: problemContent },
  },
});

const createInterventionRoute = createRoute({
  method: 'post',
  path: '/interventions',
  summary:
    'Apply an intervention to participants, relationships or a segment (or, with dryRun=1, only describe it)',
  description: `Idempotency-Key: ${idempotencyHeader.description}.`,
  tags: ['interventions'],
  middleware: [needs('interventions.write')] as const,
  request: {
    params: orgParamsSchema,
    query: createInterventionQuerySchema,
    body: { required: true, content: json(createInterventionBodySchema) },
  },
  responses: {
    201: {
      description: 'The intervention, with the previous and new state of each target',
      content: json(interventionSchema),
    },
    200: {
      description: 'Dry run: how many targets, how many would change, a sample before/after',
      content: json(dryRunSchema),
    },
    ...orgRouteErrors,
    404: { description: 'A target is not in this org', content: problemContent },
    422: {
      description: 'Banned wording, an empty or oversized segment, or a type that does not fit the scope',
      content: problemContent,
    },
  },
});

const reverseRoute = createRoute({
  method: 'post',
  path: '/interventions/{interventionId}/reverse',
  summary: 'Reverse an intervention: restore each target it still owns, with a reason',
  tags: ['interventions'],
  middleware: [needs('interventions.write')] as const,
  request: {
    params: interventionParamsSchema,
    body: { required: true, content: json(reverseInterventionBodySchema) },
  },
  responses: {
    200: {
      description: 'Reversed; the targets that could not be restored are listed',
      content: json(reversalSchema),
    },
    ...orgRouteErrors,
    404: { description: 'No such intervention in this org', content: problemContent },
    409: {
      description: 'Already reversed, or its targets changed since (they are named)',
      content: problemContent,
    },
    422: { description: 'The reason uses wording this product does not allow', content: problemContent },
  },
});

export const interventionRoutes = new OpenAPIHono<ApiEnv>()
  // GET /api/orgs/:orgId/interventions
  .openapi(listRoute, async (c) => {
    const page = await viewInterventions(c.get('db'), c.get('scope'), c.req.valid('query'));
    return c.json(page, 200);
  })
  // GET /api/orgs/:orgId/interventions/:interventionId
  .openapi(detailRoute, async (c) => {
    const { interventionId } = c.req.valid('param');
    return c.json(await viewIntervention(c.get('db'), c.get('scope'), interventionId), 200);
  })
  // POST /api/orgs/:orgId/interventions[?dryRun=1]
  .openapi(createInterventionRoute, async (c) => {
    const [db, scope, body] = [c.get('db'), c.get('scope'), c.req.valid('json')];
    if (c.req.valid('query').dryRun) return c.json(await previewIntervention(db, scope, body), 200);
    return c.json(await applyIntervention(db, scope, body), 201);
  })
  // POST /api/orgs/:orgId/interventions/:interventionId/reverse
  .openapi(reverseRoute, async (c) => {
    const { interventionId } = c.req.valid('param');
    const reversal = await reverseIntervention(
      c.get('db'),
      c.get('scope'),
      interventionId,
      c.req.valid('json').reason,
    );
    return c.json(reversal, 200);
  });
