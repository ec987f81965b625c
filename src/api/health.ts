import type http from 'node:http';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { databaseFor, type DatabaseHandle } from '../lib/db';
import { RETRY_AFTER_UNAVAILABLE_SECONDS } from '../lib/http/database-errors';
import { requestIdFrom, runInRequest } from '../lib/observability/request-context';
import { logger } from '../lib/observability/logger';
import { observeRequestDone } from '../lib/observability/request-observer';
import type { ApiDependencies, ApiEnv } from './context';

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

type HealthBody = z.infer<typeof healthSchema>;

/** The answer to a health check: 200 when the database answered its ping, else 503 and why. */
async function healthAnswer(database: DatabaseHandle): Promise<{ status: 200 | 503; body: HealthBody }> {
  // The ping has a connection of its own: a health check queued behind org work would fail an app
  // that is only busy (docs/decisions/024).
  const failure = await checkDatabase(databaseFor(database, 'health'));
  if (!failure) return { status: 200, body: { status: 'ok', database: 'ok' } };
  return { status: 503, body: { status: 'unavailable', database: 'unreachable', reason: failure } };
}

const retryAfter = String(RETRY_AFTER_UNAVAILABLE_SECONDS);

export const healthRoutes = new OpenAPIHono<ApiEnv>().openapi(healthRoute, async (c) => {
  const { status, body } = await healthAnswer(c.get('database'));
  if (status === 200) return c.json(body as HealthBody & { status: 'ok' }, 200);
  c.header('retry-after', retryAfter);
  return c.json(body, 503);
});

/**
 * `GET /api/health` answered on node:http before the API's router (docs/decisions/046): a load
 * balancer's probe, many a second, pays for the answer and its record, not for a framework's request
 * and response objects. The same answer as the route above (which the OpenAPI document and in-process
 * callers use), with what the API's middleware gives every answer: `Cache-Control: no-store`, the
 * request id, the latency histogram and the request's log line. False when the request is not one.
 */
export function answerHealthCheck(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  deps: Pick<ApiDependencies, 'database' | 'settings'>,
): boolean {
  if (req.url !== '/api/health' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const started = performance.now();
  const requestId = requestIdFrom(req.headers['x-request-id']?.toString(), deps.settings.trustProxy);
  const send = (status: number, body: object, headers: Record<string, string>, type = 'application/json') => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
      'x-request-id': requestId,
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
  void runInRequest({ requestId }, async () => {
    let status = 500;
    try {
      const answer = await healthAnswer(deps.database);
      status = answer.status;
      send(answer.status, answer.body, answer.status === 503 ? { 'retry-after': retryAfter } : {});
    } catch (error) {
      // Nothing above throws today (the ping's failures are its answer); were it to, the check gets
      // the API's answer to an error rather than no answer.
      logger().error({ err: error }, 'health check failed');
      send(
        500,
        { type: 'about:blank', title: 'Internal Server Error', status: 500 },
        {},
        'application/problem+json',
      );
    } finally {
      const ms = performance.now() - started;
      observeRequestDone(
        { method: req.method!, route: '/api/health', path: '/api/health', status, ms },
        true,
      );
    }
  });
  return true;
}
