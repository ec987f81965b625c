import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { databaseFor } from '../lib/db';
import type { ApiEnv } from './context';

const healthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    database: z.enum(['ok', 'unreachable']),
  })
  .openapi('Health');

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  summary: 'Liveness and database reachability',
  tags: ['operations'],
  responses: {
    200: {
      description: 'The app and its database answer',
      content: { 'application/json': { schema: healthSchema } },
    },
    503: {
      description: 'The database does not answer',
      content: { 'application/json': { schema: healthSchema } },
    },
  },
});

// A health check must answer quickly even when the database hangs rather than refuses.
const PING_TIMEOUT_MS = 2000;

// The ping has a connection of its own: a health check queued behind org work would fail an app that
// is only busy (docs/decisions/024).
export const healthRoutes = new OpenAPIHono<ApiEnv>().openapi(healthRoute, async (c) => {
  const reachable = await Promise.race([
    databaseFor(c.var.database, 'health')
      .ping()
      .then(
        () => true,
        () => false,
      ),
    new Promise<boolean>((resolve) => setTimeout(resolve, PING_TIMEOUT_MS, false).unref()),
  ]);
  return reachable
    ? c.json({ status: 'ok' as const, database: 'ok' as const }, 200)
    : c.json({ status: 'unavailable' as const, database: 'unreachable' as const }, 503);
});
