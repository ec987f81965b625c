import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { csvLine, linesStream } from '../../lib/export-format';
import type { AuditEventRow } from '../../lib/repositories/events';
import { exportAuditLog, viewAuditLog, type AuditExportFormat } from '../../lib/services/views/events';
import { orgParamsSchema } from '../../lib/validation/common-api';
import { eventPageSchema, exportEventsQuerySchema, listEventsQuerySchema } from '../../lib/validation/events';
import type { ApiEnv } from '../context';
import { orgRouteErrors } from '../openapi-schemas';
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
  middleware: [needs('audit.read')] as const,
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

const CSV_COLUMNS = [
  'id',
  'createdAt',
  'eventType',
  'actorUserId',
  'actorEmail',
  'actorRole',
  'targetType',
  'targetId',
  'metadata',
] as const;

function exportBody(rows: AsyncIterable<AuditEventRow>, format: AuditExportFormat) {
  return format === 'csv'
    ? linesStream(rows, csvLine(CSV_COLUMNS), (e) => csvLine(CSV_COLUMNS.map((k) => e[k])))
    : linesStream(rows, null, (e) => `${JSON.stringify(e)}\n`);
}

export const eventRoutes = new OpenAPIHono<ApiEnv>()
  // GET /api/orgs/:orgId/events
  .openapi(searchRoute, async (c) => {
    const page = await viewAuditLog(c.var.deps.database.db, c.var.scope, c.req.valid('query'));
    return c.json(page, 200);
  })
  // GET /api/orgs/:orgId/events/export
  .openapi(exportRoute, async (c) => {
    const { format, ...filters } = c.req.valid('query');
    const rows = await exportAuditLog(c.var.deps.database.db, c.var.scope, { format, filters });
    const stamp = new Date().toISOString().slice(0, 10);
    return c.body(exportBody(rows, format), 200, {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'content-disposition': `attachment; filename="audit-${c.var.scope.orgId}-${stamp}.${format}"`,
      'cache-control': 'no-store',
    });
  });
