import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { logger } from '../lib/observability/logger';
import { metrics } from '../lib/observability/metrics';
import { requestIdFrom, runInRequest } from '../lib/observability/request-context';
import type { ApiEnv } from './context';

/**
 * Gives the request its id (the caller's X-Request-Id when it is plain, as for pages in src/server.ts),
 * echoed in the response, and runs the rest of the request in its context (the request id on every log line and query of it) and
 * records it: the latency histogram by route pattern, and one log line. The path is logged without its
 * query string, which can hold a search term.
 */
export const observeRequest: MiddlewareHandler<ApiEnv> = (c, next) => {
  const requestId = requestIdFrom(c.req.header('x-request-id'), c.var.deps.settings.trustProxy);
  c.set('requestId', requestId);
  c.header('X-Request-Id', requestId);
  return runInRequest({ requestId }, async () => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = performance.now() - started;
      // The pattern (`/api/orgs/:orgId/participants/:id`), never the path: one series per route.
      const route = routePath(c, -1);
      const status = c.res.status;
      metrics().httpDuration.observe({ method: c.req.method, route, status: String(status) }, ms / 1000);
      logger().info(
        { method: c.req.method, route, path: c.req.path, status, ms: Math.round(ms * 100) / 100 },
        'request',
      );
    }
  });
};
