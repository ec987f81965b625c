import type { MiddlewareHandler } from 'hono';
import {
  auditPermissionDenied,
  PermissionDeniedError,
  requirePermission,
  resolveOrgContext,
} from '../../lib/auth';
import { AppError } from '../../lib/errors';
import type { Permission } from '../../lib/permissions';
import { consume } from '../../lib/rate-limit';
import { uuidSchema } from '../../lib/validation/common';
import type { ApiEnv } from '../context';
import { idempotent } from './idempotency';
import { requireCurrentUser } from '../session';

/**
 * The choke point of every `/api/orgs/:orgId/*` route: session (401) → well-formed org id (400) →
 * membership (403, the same for a missing org) → per-user and per-org rate limits (429). Handlers
 * find the verified scope in `c.var.scope`; nothing else makes one.
 */
export const orgScopeMiddleware: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const current = await requireCurrentUser(c);
  const orgId = c.req.param('orgId') ?? '';
  if (!uuidSchema.safeParse(orgId).success) {
    throw new AppError('bad_request', 'The org id is not valid.', [
      { path: 'orgId', message: 'must be a UUID' },
    ]);
  }
  const { database, limiters } = c.var.deps;
  const scope = await resolveOrgContext(database.db, current.user, orgId, {
    method: c.req.method,
    path: c.req.path,
  });
  c.set('scope', scope);
  c.set('db', database.db);

  const [user, org] = await Promise.all([
    consume(limiters.apiByUser, scope.userId),
    consume(limiters.apiByOrg, scope.orgId),
  ]);
  const tightest = user.remaining <= org.remaining ? user : org;
  const headers = {
    'ratelimit-limit': String(tightest.limit),
    'ratelimit-remaining': String(tightest.remaining),
    'ratelimit-reset': String(tightest.resetSeconds),
  };
  if (user.blocked || org.blocked) {
    const blocked = user.blocked ? user : org;
    throw new AppError(
      'rate_limited',
      `Too many requests ${user.blocked ? 'from you' : 'for this org'}; try again in ${blocked.resetSeconds} s.`,
      undefined,
      {
        ...headers,
        'ratelimit-reset': String(blocked.resetSeconds),
        'retry-after': String(Math.max(blocked.resetSeconds, 1)),
      },
    );
  }
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  await next();
  // Whether the route's declared permission or a rule deeper down (granting admin) refused it.
  if (c.error instanceof PermissionDeniedError) {
    await auditPermissionDenied(database.db, scope, c.error, { method: c.req.method, path: c.req.path });
  }
};

/** A route middleware that carries its permission, so a test can find every route's declaration. */
export type PermissionMiddleware = MiddlewareHandler<ApiEnv> & { permission: Permission };

/**
 * Declares the permission an org route needs. It runs before input validation (STYLE.md §5); the org
 * middleware writes a refusal to the org's audit log as `access.denied`. Only then comes the
 * Idempotency-Key (./idempotency.ts): a stored answer is replayed to those who may still ask for it.
 */
export function needs(permission: Permission): PermissionMiddleware {
  const middleware: MiddlewareHandler<ApiEnv> = async (c, next) => {
    if (!c.var.deps.withoutRoutePermissions) requirePermission(c.var.scope, permission);
    return idempotent(c, next);
  };
  return Object.assign(middleware, { permission });
}
