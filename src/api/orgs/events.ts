import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { exportHeaders, textStream } from '../../lib/export-format';
import { exportAuditLog, verifyAuditLog, viewAuditLog } from '../../lib/services/views/events';
import { orgParamsSchema } from '../../lib/validation/common-api';
import {
  chainReportSchema,
  eventPageSchema,
  exportEventsQuerySchema,
  listEventsQuerySchema,
} from '../../lib/validation/events';
import type { ApiEnv } from '../context';
import { orgRouteErrors } from '../openapi-schemas';
import { heavy } from './heavy';
import { needs } from './middleware';

const searchRoute = createRoute({
  method: 'get',
  path: '/events',
  summary: 'Search the audit log, newest first (keyset-paginated)',
  tags: ['audit'],
  middleware: [needs('audit.read')] as const,
  request: { params: orgParamsSchema, query: listEventsQuerySchema },
  responses: {
    200: { description: 'A page of events', content: { 'application/json': { schema: eventPageSchema } } },
    ...orgRouteErrors,
  },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/events/export',
  summary: 'Export the matching audit events as CSV or NDJSON, streamed',
  tags: ['audit'],
  middleware: [needs('audit.read'), heavy()] as const,
  request: { params: orgParamsSchema, query: exportEventsQuerySchema },
  responses: {
    200: {
      description: 'The events, newest first',
      content: {
        'text/csv': { schema: z.string() },
        'application/x-ndjson': { schema: z.string() },
      },
    },
    ...orgRouteErrors,
  },
});

const verifyRoute = createRoute({
  method: 'get',
  path: '/events/verify',
  summary:
    'Verify the org’s audit chain from its first event: the first broken link and the last anchor that verifies',
  tags: ['audit'],
  // It reads and hashes the whole log.
  middleware: [needs('audit.read'), heavy()] as const,
  request: { params: orgParamsSchema },
  responses: {
    200: {
      description: 'The verification report (status broken is an answer, not an error)',
      content: { 'application/json': { schema: chainReportSchema } },
    },
    ...orgRouteErrors,
  },
});

export const eventRoutes = new OpenAPIHono<ApiEnv>()
  // GET /api/orgs/:orgId/events
  .openapi(searchRoute, async (c) => {
    const page = await viewAuditLog(c.get('db'), c.get('scope'), c.req.valid('query'));
    return c.json(page, 200);
  })
  // GET /api/orgs/:orgId/events/export
  .openapi(exportRoute, async (c) => {
    const { format, order, ...filters } = c.req.valid('query');
    const lines = await exportAuditLog(c.get('database'), c.get('scope'), { format, order, filters });
    return c.body(textStream(lines), 200, exportHeaders(format, `audit-${c.get('scope').orgId}`));
  })
  // GET /api/orgs/:orgId/events/verify
  .openapi(verifyRoute, async (c) =>
    c.json(await verifyAuditLog(c.get('db'), c.get('scope'), c.get('deps').auditKeys()), 200),
  );
