import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { writeAuditEvent } from '../../lib/audit';
import { AppError } from '../../lib/errors';
import { findParticipantDetail, listParticipants } from '../../lib/repositories/participants';
import { countSegments } from '../../lib/repositories/segments';
import { orgParamsSchema } from '../../lib/validation/common-api';
import {
  listParticipantsQuerySchema,
  participantDetailSchema,
  participantPageSchema,
  segmentListSchema,
} from '../../lib/validation/participants';
import type { ApiEnv } from '../context';
import { json, orgRouteErrors, problemContent } from '../openapi-schemas';
import { needs } from './middleware';

const segmentsRoute = createRoute({
  method: 'get',
  path: '/segments',
  summary: 'The computed segments with their sizes',
  tags: ['participants'],
  middleware: [needs('segments.read')] as const,
  request: { params: orgParamsSchema },
  responses: { 200: { description: 'Segments', content: json(segmentListSchema) }, ...orgRouteErrors },
});

const listRoute = createRoute({
  method: 'get',
  path: '/participants',
  summary: 'The org’s participants by name, filtered by q, stage, role and segment (keyset-paginated)',
  tags: ['participants'],
  middleware: [needs('participants.read')] as const,
  request: { params: orgParamsSchema, query: listParticipantsQuerySchema },
  responses: {
    200: { description: 'A page of participants', content: json(participantPageSchema) },
    ...orgRouteErrors,
  },
});

const detailRoute = createRoute({
  method: 'get',
  path: '/participants/{participantId}',
  summary: 'A participant with relationships, recommendations, interventions and recent events',
  tags: ['participants'],
  middleware: [needs('participants.read')] as const,
  request: {
    params: orgParamsSchema.extend({
      participantId: z
        .uuid({ message: 'must be a UUID' })
        .openapi({ param: { name: 'participantId', in: 'path' } }),
    }),
  },
  responses: {
    200: { description: 'The participant', content: json(participantDetailSchema) },
    ...orgRouteErrors,
    404: { description: 'No such participant in this org', content: problemContent },
  },
});

export const participantRoutes = new OpenAPIHono<ApiEnv>()
  // GET /api/orgs/:orgId/segments
  .openapi(segmentsRoute, async (c) => {
    const db = c.var.deps.database.db;
    const segments = await countSegments(db, c.var.scope);
    await writeAuditEvent(db, c.var.scope, {
      type: 'segments.viewed',
      targetType: 'org',
      targetId: c.var.scope.orgId,
      metadata: { counts: Object.fromEntries(segments.map((s) => [s.key, s.count])) },
    });
    return c.json({ segments }, 200);
  })
  // GET /api/orgs/:orgId/participants
  .openapi(listRoute, async (c) => {
    const db = c.var.deps.database.db;
    const query = c.req.valid('query');
    const page = await listParticipants(db, c.var.scope, query);
    const { limit: _limit, cursor, ...filters } = query;
    await writeAuditEvent(db, c.var.scope, {
      type: 'participants.listed',
      targetType: 'org',
      targetId: c.var.scope.orgId,
      metadata: { filters, count: page.items.length, page: cursor ? 'next' : 'first' },
    });
    return c.json(page, 200);
  })
  // GET /api/orgs/:orgId/participants/:participantId
  .openapi(detailRoute, async (c) => {
    const db = c.var.deps.database.db;
    const { participantId } = c.req.valid('param');
    const detail = await findParticipantDetail(db, c.var.scope, participantId);
    if (!detail) throw new AppError('not_found', 'No such participant in this org.');
    await writeAuditEvent(db, c.var.scope, {
      type: 'participant.viewed',
      targetType: 'participant',
      targetId: participantId,
      metadata: { relationships: detail.relationshipCount },
    });
    return c.json(detail, 200);
  });
