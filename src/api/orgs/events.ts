import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { writeAuditEvent } from '../../lib/audit';
import { csvLine, linesStream } from '../../lib/export-format';
import { searchEvents, streamEvents, type AuditEventRow } from '../../lib/repositories/events';
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
  'actorRole',
  'targetType',
  'targetId',
  'metadata',
] as const;

export const eventRoutes = new OpenAPIHono<ApiEnv>()
  // GET /api/orgs/:orgId/events
  .openapi(searchRoute, async (c) => {
    const db = c.var.deps.database.db;
    const query = c.req.valid('query');
    const page = await searchEvents(db, c.var.scope, query);
    const { limit: _limit, cursor, ...filters } = query;
    await writeAuditEvent(db, c.var.scope, {
      type: 'audit.viewed',
      targetType: 'org',
      targetId: c.var.scope.orgId,
      metadata: { filters, count: page.items.length, page: cursor ? 'next' : 'first' },
    });
    return c.json(page, 200);
  })
  // GET /api/orgs/:orgId/events/export
  .openapi(exportRoute, async (c) => {
    const db = c.var.deps.database.db;
    const { format, ...filters } = c.req.valid('query');
    // The export is recorded before it starts: whoever took a copy, and of what, is in the log.
    await writeAuditEvent(db, c.var.scope, {
      type: 'audit.exported',
      targetType: 'org',
      targetId: c.var.scope.orgId,
      metadata: { format, filters },
    });
    const rows = streamEvents(db, c.var.scope, filters);
    const body =
      format === 'csv'
        ? linesStream(rows, csvLine(CSV_COLUMNS), (e: AuditEventRow) => csvLine(CSV_COLUMNS.map((k) => e[k])))
        : linesStream(rows, null, (e: AuditEventRow) => `${JSON.stringify(e)}\n`);
    const stamp = new Date().toISOString().slice(0, 10);
    return c.body(body, 200, {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'content-disposition': `attachment; filename="audit-${c.var.scope.orgId}-${stamp}.${format}"`,
      'cache-control': 'no-store',
    });
  });
