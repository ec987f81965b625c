import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  createAuditStream,
  removeAuditStream,
  testAuditStream,
  viewAuditStreams,
  viewDeliveries,
} from '../../lib/services/audit-streams';
import {
  auditDeliveryListSchema,
  auditStreamListSchema,
  auditStreamParamsSchema,
  createAuditStreamBodySchema,
  createdAuditStreamSchema,
} from '../../lib/validation/audit-streams';
import { orgParamsSchema } from '../../lib/validation/common-api';
import type { ApiEnv } from '../context';
import { json, orgRouteErrors, problemContent } from '../openapi-schemas';
import { needs } from './middleware';

const notFound = { 404: { description: 'No such audit stream in this org', content: problemContent } };

const listRoute = createRoute({
  method: 'get',
  path: '/audit-streams',
  summary: 'The org’s audit streams: where each stands in the chain, failures, last error',
  tags: ['audit'],
  middleware: [needs('audit.stream')] as const,
  request: { params: orgParamsSchema },
  responses: { 200: { description: 'The streams', content: json(auditStreamListSchema) }, ...orgRouteErrors },
});

const createStreamRoute = createRoute({
  method: 'post',
  path: '/audit-streams',
  summary: 'Stream the audit log to an HTTPS endpoint, in signed batches, from now on',
  description:
    'Events are POSTed as JSON batches in seq order, at least once (deduplicate on each event’s id), signed ' +
    'with HMAC-SHA256 over "<X-Audit-Timestamp>.<body>" in X-Audit-Signature (v1=<hex>). The answer holds ' +
    'the secret, shown this once. Plain http is accepted for localhost outside production only.',
  tags: ['audit'],
  middleware: [needs('audit.stream')] as const,
  request: { params: orgParamsSchema, body: { required: true, content: json(createAuditStreamBodySchema) } },
  responses: {
    201: { description: 'The stream and its secret', content: json(createdAuditStreamSchema) },
    ...orgRouteErrors,
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/audit-streams/{streamId}',
  summary: 'Stop streaming to this endpoint',
  tags: ['audit'],
  middleware: [needs('audit.stream')] as const,
  request: { params: auditStreamParamsSchema },
  responses: { 204: { description: 'Removed' }, ...orgRouteErrors, ...notFound },
});

const testRoute = createRoute({
  method: 'post',
  path: '/audit-streams/{streamId}/test',
  summary: 'Send a test event: an audit.stream_tested event, delivered like any other',
  tags: ['audit'],
  middleware: [needs('audit.stream')] as const,
  request: { params: auditStreamParamsSchema },
  responses: {
    202: {
      description: 'Written; the next delivery carries it',
      content: json(z.object({ testId: z.uuid() }).openapi('AuditStreamTest')),
    },
    ...orgRouteErrors,
    ...notFound,
  },
});

const deliveriesRoute = createRoute({
  method: 'get',
  path: '/audit-streams/{streamId}/deliveries',
  summary: 'The stream’s latest 50 delivery attempts, newest first',
  tags: ['audit'],
  middleware: [needs('audit.stream')] as const,
  request: { params: auditStreamParamsSchema },
  responses: {
    200: { description: 'The delivery log', content: json(auditDeliveryListSchema) },
    ...orgRouteErrors,
    ...notFound,
  },
});

export const auditStreamRoutes = new OpenAPIHono<ApiEnv>()
  // GET /api/orgs/:orgId/audit-streams
  .openapi(listRoute, async (c) => c.json(await viewAuditStreams(c.get('db'), c.get('scope')), 200))
  // POST /api/orgs/:orgId/audit-streams
  .openapi(createStreamRoute, async (c) => {
    const production = c.get('deps').settings.production;
    return c.json(await createAuditStream(c.get('db'), c.get('scope'), c.req.valid('json'), production), 201);
  })
  // DELETE /api/orgs/:orgId/audit-streams/:streamId
  .openapi(deleteRoute, async (c) => {
    await removeAuditStream(c.get('db'), c.get('scope'), c.req.valid('param').streamId);
    return c.body(null, 204);
  })
  // POST /api/orgs/:orgId/audit-streams/:streamId/test
  .openapi(testRoute, async (c) =>
    c.json(await testAuditStream(c.get('db'), c.get('scope'), c.req.valid('param').streamId), 202),
  )
  // GET /api/orgs/:orgId/audit-streams/:streamId/deliveries
  .openapi(deliveriesRoute, async (c) =>
    c.json(await viewDeliveries(c.get('db'), c.get('scope'), c.req.valid('param').streamId), 200),
  );
