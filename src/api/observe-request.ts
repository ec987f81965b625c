import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { requestIdFrom, runInRequest } from '../lib/observability/request-context';
import { observeRequestDone } from '../lib/observability/request-observer';
import type { ApiEnv } from './context';

/**
 * Gives the request its id (the caller's X-Request-Id when it is plain, as for pages in src/server.ts),
 * echoed in the response, and runs the rest of the request in its context (the request id on every log
 * line and query of it) and records it by its route pattern.
 */
export const observeRequest: MiddlewareHandler<ApiEnv> = (c, next) => {
  const requestId = requestIdFrom(c.req.header('x-request-id'), c.get('deps').settings.trustProxy);
  c.set('requestId', requestId);
  c.header('X-Request-Id', requestId);
  return runInRequest({ requestId }, async () => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = performance.now() - started;
      const { method, path } = c.req;
      observeRequestDone({ method, route: routePath(c, -1), path, status: c.res.status, ms }, true);
    }
  });
};
