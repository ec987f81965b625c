import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { databaseFor, type DatabaseHandle } from '../lib/db';
import { RETRY_AFTER_UNAVAILABLE_SECONDS } from '../lib/http/database-errors';
import type { ApiEnv } from './context';

const healthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    database: z.enum(['ok', 'unreachable']),
    /** Why the database counts as unreachable (never the driver's message: this route is public). */
    reason: z.enum(['timeout', 'failed']).optional(),
  })
  .openapi('Health');

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  summary: 'Liveness and database reachability',
  tags: ['operations'],
  security: [],
  responses: {
    200: {
      description: 'The app and its database answer',
      content: { 'application/json': { schema: healthSchema } },
    },
    503: {
      description:
        'The database does not answer: within the time allowed (`timeout`) or at all (`failed`). Retry-After says when to look again.',
      content: { 'application/json': { schema: healthSchema } },
    },
  },
});

// A health check must answer quickly even when the database hangs rather than refuses.
const PING_TIMEOUT_MS = 2000;

type Failure = 'timeout' | 'failed';

/** The database's answer to one ping within PING_TIMEOUT_MS: undefined when it answered. */
async function pingWithin(database: DatabaseHandle): Promise<Failure | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(resolve, PING_TIMEOUT_MS, 'timeout');
  });
  try {
    return await Promise.race([
      database.ping().then(
        () => undefined,
        () => 'failed' as const,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// Checks that arrive while a ping is on its way share its answer: the health lane is one connection
// (below), and a load balancer probing many times a second must not queue on it (bench -- health
// measured 0.08× of a bare server before, a ping per check on the one connection).
const inFlight = new WeakMap<DatabaseHandle, Promise<Failure | undefined>>();

function checkDatabase(database: DatabaseHandle): Promise<Failure | undefined> {
  let pending = inFlight.get(database);
  if (!pending) {
    pending = pingWithin(database).finally(() => inFlight.delete(database));
    inFlight.set(database, pending);
  }
  return pending;
}

// The ping has a connection of its own: a health check queued behind org work would fail an app that
// is only busy (docs/decisions/024).
export const healthRoutes = new OpenAPIHono<ApiEnv>().openapi(healthRoute, async (c) => {
  const failure = await checkDatabase(databaseFor(c.var.database, 'health'));
  if (!failure) return c.json({ status: 'ok' as const, database: 'ok' as const }, 200);
  c.header('retry-after', String(RETRY_AFTER_UNAVAILABLE_SECONDS));
  return c.json({ status: 'unavailable' as const, database: 'unreachable' as const, reason: failure }, 503);
});
