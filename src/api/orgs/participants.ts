import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { exportHeaders, textStream } from '../../lib/export-format';
import {
  exportParticipants,
  exportRelationships,
  exportSegment,
  viewParticipantJson,
  viewParticipantList,
  type ParticipantDetail,
} from '../../lib/services/views/participants';
import { viewSegments } from '../../lib/services/views/segments';
import { orgParamsSchema } from '../../lib/validation/common-api';
import {
  exportParticipantsQuerySchema,
  exportRelationshipsQuerySchema,
  exportSegmentQuerySchema,
  segmentParamsSchema,
  listParticipantsQuerySchema,
  participantDetailSchema,
  participantPageSchema,
  segmentListSchema,
} from '../../lib/validation/participants';
import type { ApiEnv } from '../context';
import { writtenJson } from '../written-json';
import { json, orgRouteErrors, problemContent } from '../openapi-schemas';
import { heavy } from './heavy';
import { needs } from './middleware';

/** A streamed download in either format. */
const download = (description: string) => ({
  200: {
    description,
    content: {
      'text/csv': { schema: z.string() },
      'application/x-ndjson': { schema: z.string() },
    },
  },
  ...orgRouteErrors,
});

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
  responses: download('The participants'),
});

const relationshipsExportRoute = createRoute({
  method: 'get',
  path: '/relationships/export',
  summary:
    'Export the org’s relationships (each participant by id and email) as CSV or NDJSON, streamed; the CSV imports back',
  tags: ['participants'],
  middleware: [needs('graph.read'), heavy()] as const,
  request: { params: orgParamsSchema, query: exportRelationshipsQuerySchema },
  responses: download('The relationships, in id order'),
});

const segmentExportRoute = createRoute({
  method: 'get',
  path: '/segments/{segment}/export',
  summary: 'Export the members of one segment, by name, as CSV or NDJSON, streamed',
  tags: ['participants'],
  middleware: [needs('segments.read'), heavy()] as const,
  request: { params: segmentParamsSchema, query: exportSegmentQuerySchema },
  responses: download('The segment’s members'),
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
  .openapi(segmentsRoute, async (c) => c.json(await viewSegments(c.get('db'), c.get('scope')), 200))
  // GET /api/orgs/:orgId/participants
  .openapi(listRoute, async (c) => {
    const page = await viewParticipantList(c.get('db'), c.get('scope'), c.req.valid('query'));
    return c.json(page, 200);
  })
  // GET /api/orgs/:orgId/participants/export (before :participantId, which would claim the path)
  .openapi(exportRoute, async (c) => {
    const { format, ...filters } = c.req.valid('query');
    const body = textStream(await exportParticipants(c.get('database'), c.get('scope'), { format, filters }));
    return c.body(body, 200, exportHeaders(format, `participants-${c.get('scope').orgId}`));
  })
  // GET /api/orgs/:orgId/relationships/export
  .openapi(relationshipsExportRoute, async (c) => {
    const query = c.req.valid('query');
    const body = textStream(await exportRelationships(c.get('database'), c.get('scope'), query));
    return c.body(body, 200, exportHeaders(query.format, `relationships-${c.get('scope').orgId}`));
  })
  // GET /api/orgs/:orgId/segments/:segment/export
  .openapi(segmentExportRoute, async (c) => {
    const { segment } = c.req.valid('param');
    const { format } = c.req.valid('query');
    const body = textStream(await exportSegment(c.get('database'), c.get('scope'), { format, segment }));
    return c.body(body, 200, exportHeaders(format, `segment-${segment}-${c.get('scope').orgId}`));
  })
  // GET /api/orgs/:orgId/participants/:participantId
  .openapi(detailRoute, async (c) => {
    const { participantId } = c.req.valid('param');
    const json = await viewParticipantJson(c.get('db'), c.get('scope'), participantId);
    // PostgreSQL wrote the answer (decision 066).
    return writtenJson<ParticipantDetail>(c, json);
  });
