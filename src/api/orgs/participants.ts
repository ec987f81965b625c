import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { exportStream, exportHeaders } from '../../lib/export-format';
import type { ParticipantRow } from '../../lib/repositories/participants';
import {
  exportParticipants,
  viewParticipant,
  viewParticipantList,
} from '../../lib/services/views/participants';
import { viewSegments } from '../../lib/services/views/segments';
import { orgParamsSchema } from '../../lib/validation/common-api';
import {
  exportParticipantsQuerySchema,
  listParticipantsQuerySchema,
  participantDetailSchema,
  participantPageSchema,
  segmentListSchema,
} from '../../lib/validation/participants';
import type { ApiEnv } from '../context';
import { json, orgRouteErrors, problemContent } from '../openapi-schemas';
import { heavy } from './heavy';
import { needs } from './middleware';

const segmentsRoute = createRoute({
  method: 'get',
  path: '/segments',
  summary: 'The computed segments with their sizes',
  tags: ['participants'],
  middleware: [needs('segments.read'), heavy()] as const,
  request: { params: orgParamsSchema },
  responses: { 200: { description: 'Segments', content: json(segmentListSchema) }, ...orgRouteErrors },
});

const listRoute = createRoute({
  method: 'get',
  path: '/participants',
  summary:
    'The org’s participants, filtered by q, stage, role and segment, sorted by name, last activity, relationships or created date (keyset-paginated)',
  tags: ['participants'],
  middleware: [needs('participants.read')] as const,
  request: { params: orgParamsSchema, query: listParticipantsQuerySchema },
  responses: {
    200: { description: 'A page of participants', content: json(participantPageSchema) },
    ...orgRouteErrors,
  },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/participants/export',
  summary: 'Export the participants matching the list’s filters, in its order, as CSV or NDJSON, streamed',
  tags: ['participants'],
  middleware: [needs('participants.read'), heavy()] as const,
  request: { params: orgParamsSchema, query: exportParticipantsQuerySchema },
  responses: {
    200: {
      description: 'The participants',
      content: {
        'text/csv': { schema: z.string() },
        'application/x-ndjson': { schema: z.string() },
      },
    },
    ...orgRouteErrors,
  },
});

const CSV_COLUMNS: readonly (keyof ParticipantRow)[] = [
  'id',
  'displayName',
  'email',
  'role',
  'origin',
  'lifecycleStage',
  'degree',
  'lastActivityAt',
  'createdAt',
];

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
  .openapi(segmentsRoute, async (c) => c.json(await viewSegments(c.var.db, c.var.scope), 200))
  // GET /api/orgs/:orgId/participants
  .openapi(listRoute, async (c) => {
    const page = await viewParticipantList(c.var.db, c.var.scope, c.req.valid('query'));
    return c.json(page, 200);
  })
  // GET /api/orgs/:orgId/participants/export (before :participantId, which would claim the path)
  .openapi(exportRoute, async (c) => {
    const { format, ...filters } = c.req.valid('query');
    const rows = await exportParticipants(c.var.db, c.var.scope, { format, filters });
    const body = exportStream(rows, format, CSV_COLUMNS);
    return c.body(body, 200, exportHeaders(format, `participants-${c.var.scope.orgId}`));
  })
  // GET /api/orgs/:orgId/participants/:participantId
  .openapi(detailRoute, async (c) => {
    const { participantId } = c.req.valid('param');
    const detail = await viewParticipant(c.var.db, c.var.scope, participantId);
    return c.json(detail, 200);
  });
