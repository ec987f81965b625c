import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { eraseParticipantData } from '../../lib/services/erasure';
import { eraseParticipantBodySchema, erasureParamsSchema, erasureSchema } from '../../lib/validation/erasure';
import type { ApiEnv } from '../context';
import { json, orgRouteErrors, problemContent } from '../openapi-schemas';
import { needs } from './middleware';

const eraseRoute = createRoute({
  method: 'post',
  path: '/participants/{participantId}/erase',
  summary: 'Erase a participant’s personal data on their request (owner): cannot be undone',
  description:
    'Removes their email and name, the notes about them, and every copy of either in interventions, ' +
    'recommendations, community names, jobs and the personal parts of audit events. The participant ' +
    'keeps its id, relationships and stage; the audit chain still verifies (docs/decisions/034).',
  tags: ['participants'],
  middleware: [needs('participants.erase')] as const,
  request: {
    params: erasureParamsSchema,
    body: { required: true, content: json(eraseParticipantBodySchema) },
  },
  responses: {
    200: { description: 'What was erased, by place', content: json(erasureSchema) },
    ...orgRouteErrors,
    404: { description: 'No such participant in this org', content: problemContent },
    409: { description: 'Already erased', content: problemContent },
  },
});

export const erasureRoutes = new OpenAPIHono<ApiEnv>()
  // POST /api/orgs/:orgId/participants/:participantId/erase
  .openapi(eraseRoute, async (c) => {
    const { participantId } = c.req.valid('param');
    return c.json(
      await eraseParticipantData(c.get('db'), c.get('scope'), participantId, c.req.valid('json')),
      200,
    );
  });
