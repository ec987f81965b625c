import crypto from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError } from '../lib/errors';
import { metrics } from '../lib/observability/metrics';
import type { ApiEnv } from './context';

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus metrics: per-route latency, per-query timing, slow queries, the process',
  description:
    'Prometheus text format. Needs `Authorization: Bearer <METRICS_TOKEN>`; without METRICS_TOKEN set the ' +
    'route does not exist (404).',
  tags: ['operations'],
  security: [],
  responses: {
    200: {
      description: 'The metrics, in Prometheus text exposition format 0.0.4',
      content: { 'text/plain': { schema: z.string() } },
    },
    401: { description: 'No token, or not METRICS_TOKEN' },
    404: { description: 'METRICS_TOKEN is not set' },
  },
});

function sameSecret(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

// The scraper's own token, not a member's session or an org's key: metrics span every org.
export const metricsRoutes = new OpenAPIHono<ApiEnv>().openapi(metricsRoute, async (c) => {
  const token = c.get('deps').settings.metricsToken;
  if (!token) throw new AppError('not_found', 'Metrics are off: set METRICS_TOKEN to serve them.');
  const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
  if (!given || !sameSecret(given, token)) {
    throw new AppError('unauthenticated', 'Metrics need Authorization: Bearer <METRICS_TOKEN>.', undefined, {
      'www-authenticate': 'Bearer realm="metrics"',
    });
  }
  const registry = metrics().registry;
  return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
});
