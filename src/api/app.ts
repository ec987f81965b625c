import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { COOKIE_PREFIX } from '../lib/auth-cookie';
import { AppError } from '../lib/errors';
import { databaseErrorToAppError, describeDatabaseError } from '../lib/http/database-errors';
import { problemFor, problemResponse } from '../lib/http/problem';
import { authRoutes } from './auth';
import type { ApiDependencies, ApiEnv } from './context';
import { limitBodySize, requireJsonBody } from './body-rules';
import { csrfProtection } from './csrf';
import { meRoutes } from './me';
import { createOrgRouter } from './orgs';
import { healthRoutes } from './health';
import { metricsRoutes } from './metrics';
import { observeRequest } from './observe-request';
import { logger } from '../lib/observability/logger';

export const API_VERSION = '0.1.0';

export const OPENAPI_CONFIG = {
  openapi: '3.1.0' as const,
  info: {
    title: 'Operator Console API',
    version: API_VERSION,
    description:
      'Every org route is scoped to one org and checked against the caller’s role. A caller is a member ' +
      'signed in (the session cookie that `POST /api/auth/sign-in/email` sets; state-changing requests ' +
      'must come from the console’s origin) or an org’s API key, sent as `Authorization: Bearer oc_…`, ' +
      'acting with the key’s role. /api/health and sign-in need neither.',
  },
  // Either scheme opens the org routes; the few open routes say `security: []`.
  security: [{ session: [] }, { apiKey: [] }] as Record<string, string[]>[],
};

/** The two ways to authenticate, as the OpenAPI document names them (OPENAPI_CONFIG.security). */
function registerSecuritySchemes(app: ApiApp): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: `${COOKIE_PREFIX}.session_token`,
    description: 'The console’s session, set by POST /api/auth/sign-in/email.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'oc_ and 43 base64url characters',
    description:
      'An org’s API key (Members page, or POST /api/orgs/{orgId}/api-keys); it acts with its role.',
  });
}

/**
 * The Hono app behind `/api/*`. Its dependencies are injected so that tests call it in-process with
 * `app.request()` on a database of their own.
 */
export function createApiApp(deps: ApiDependencies) {
  const app = new OpenAPIHono<ApiEnv>({
    // Invalid input anywhere is a 400 problem that names the failing fields (DESIGN.md §5).
    defaultHook: (result, c) => {
      if (result.success) return;
      const fields = result.error.issues.map((i) => ({
        path: i.path.join('.') || '(root)',
        message: i.message,
      }));
      return problemResponse(c, problemFor('bad_request', 'The request is not valid.', fields));
    },
  }).basePath('/api');

  // Org data, sessions and problems are the caller's alone: no browser or proxy cache may keep them.
  // The other security headers src/server.ts sets on every response, the API's included.
  // Set before the answer exists, it goes into the answer as it is made; only a Response a handler made
  // itself (the auth library's) is given it after. c.header() after next() would make @hono/node-server
  // turn its lightweight answer into a whole fetch Response with a stream, for every request.
  app.use('*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    await next();
    if (c.res.headers.get('cache-control') !== 'no-store') c.res.headers.set('Cache-Control', 'no-store');
  });
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('database', deps.database);
    // Every request is light until heavy() says otherwise; a light answer is whole when next() returns.
    const endLight = deps.lightFirst.begin();
    c.set('endLight', endLight);
    try {
      await next();
    } finally {
      endLight();
    }
  });
  app.use('*', observeRequest);
  app.use('*', csrfProtection);
  app.use('*', limitBodySize);
  app.use('*', requireJsonBody);

  app.route('/', healthRoutes);
  app.route('/', metricsRoutes);
  app.route('/', authRoutes);
  app.route('/', meRoutes);
  app.route('/orgs/:orgId', createOrgRouter());

  registerSecuritySchemes(app);
  app.doc31('/openapi.json', OPENAPI_CONFIG);

  app.notFound((c) =>
    problemResponse(c, problemFor('not_found', `No API route for ${c.req.method} ${c.req.path}.`)),
  );

  app.onError((caught, c) => {
    // PostgreSQL's data errors, unique violations and an unreachable or saturated database have
    // answers of their own (400, 409, 503); see src/lib/http/database-errors.ts.
    const mapped = databaseErrorToAppError(caught);
    if (mapped) logDatabaseError(c, mapped, caught);
    const error = mapped ?? caught;
    if (error instanceof AppError) {
      return problemResponse(
        c,
        { ...error.extensions, ...problemFor(error.code, error.message, error.fields) },
        error.headers,
      );
    }
    if (error instanceof HTTPException && error.status === 400 && /JSON/i.test(error.message)) {
      return problemResponse(
        c,
        problemFor('bad_request', 'The request body is not valid JSON.', [
          { path: 'body', message: 'is not valid JSON' },
        ]),
      );
    }
    if (error instanceof HTTPException && error.status < 500) {
      return problemResponse(c, { ...problemFor('bad_request', error.message), status: error.status });
    }
    logger().error({ err: error, method: c.req.method, path: c.req.path }, 'unexpected error');
    return problemResponse(
      c,
      problemFor('internal', `Something went wrong; reference ${c.get('requestId')}.`),
    );
  });

  return app;
}

export type ApiApp = ReturnType<typeof createApiApp>;

// A data error reaching the database is a gap in validation, and an outage is worth a line per request
// while it lasts; a conflict is ordinary.
function logDatabaseError(c: Context<ApiEnv>, mapped: AppError, error: unknown): void {
  if (mapped.code === 'conflict') return;
  const fields = {
    method: c.req.method,
    path: c.req.path,
    code: mapped.code,
    cause: describeDatabaseError(error),
  };
  if (mapped.code === 'bad_request') logger().warn(fields, 'database refused the request');
  else logger().error(fields, 'database unavailable');
}
