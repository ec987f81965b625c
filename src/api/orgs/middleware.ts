import type { Context, MiddlewareHandler, Next } from 'hono';
import { bearerSecret, resolveApiKeyContext } from '../../lib/api-keys';
import { writeAuditEvent } from '../../lib/audit';
import {
  auditPermissionDenied,
  type AttemptedAction,
  PermissionDeniedError,
  requirePermission,
  resolveOrgContext,
} from '../../lib/auth';
import { APP_ERROR_CODES, AppError } from '../../lib/errors';
import type { Permission } from '../../lib/permissions';
import type { Database } from '../../lib/db';
import { withOrg } from '../../lib/database/with-org';
import type { RequestScope } from '../../lib/scope';
import { uuidSchema } from '../../lib/validation/common';
import type { ApiEnv } from '../context';
import { idempotent } from './idempotency';
import { requireCurrentUser } from '../session';
import { logger } from '../../lib/observability/logger';

/**
 * The choke point of every `/api/orgs/:orgId/*` route: an API key (`Authorization: Bearer`) or else
 * the session (401) → well-formed org id (400) → membership, or the key's own org (403, the same for a
 * missing org) → per-user (per-key) and per-org rate limits (429). Handlers find the verified scope in
 * `c.get('scope')`; nothing else makes one. Every request made with a key is audited as `api_key.used`.
 */
export const orgScopeMiddleware: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const secret = bearerSecret(c.req.header('authorization'));
  const orgId = c.req.param('orgId') ?? '';
  const wellFormed = uuidSchema.safeParse(orgId).success;
  // The session first (401 before 400), with the membership of a well-formed org id read beside it.
  const current = secret === null ? await requireCurrentUser(c, wellFormed ? orgId : null) : null;
  if (!wellFormed) {
    throw new AppError('bad_request', 'The org id is not valid.', [
      { path: 'orgId', message: 'must be a UUID' },
    ]);
  }
  const { database } = c.get('deps');
  const attempt = { method: c.req.method, path: c.req.path };
  const scope = current
    ? await resolveOrgContext(database.db, current.user, orgId, attempt, current.readWithSession)
    : await resolveApiKeyContext(database.db, secret!, orgId, attempt);
  c.set('scope', scope);
  c.set('db', database.db);
  if (scope.actor.kind !== 'api_key') return limitAndRun(c, scope, next);
  try {
    await limitAndRun(c, scope, next);
  } catch (error) {
    // Refused here (429) rather than by a handler: the error handler has not answered yet.
    const status = error instanceof AppError ? APP_ERROR_CODES[error.code].status : 500;
    await auditKeyUse(database.db, scope, attempt, status);
    throw error;
  }
  await auditKeyUse(database.db, scope, attempt, c.res.status);
};

async function limitAndRun(c: Context<ApiEnv>, scope: RequestScope, next: Next): Promise<void> {
  const { database, limiters } = c.get('deps');
  const [user, org] = await Promise.all([
    limiters.apiByUser.consume(scope.principalId),
    limiters.apiByOrg.consume(scope.orgId),
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
}

/**
 * One event per request made with a key, refused ones included: what a script did, call by call. The
 * request's own work has committed by now: a failure here is logged, not answered as a 500 that would
 * invite the script to do it again.
 */
async function auditKeyUse(db: Database, scope: RequestScope, attempt: AttemptedAction, status: number) {
  try {
    await withOrg(db, scope, (tx) =>
      writeAuditEvent(tx, scope, {
        type: 'api_key.used',
        targetType: 'api_key',
        targetId: scope.principalId,
        metadata: { ...attempt, status },
      }),
    );
  } catch (error) {
    logger().error(
      { err: error, method: attempt.method, path: attempt.path },
      'api_key.used was not written',
    );
  }
}

/** A route middleware that carries its permission, so a test can find every route's declaration. */
export type PermissionMiddleware = MiddlewareHandler<ApiEnv> & { permission: Permission };

/**
 * Declares the permission an org route needs. It runs before input validation (STYLE.md §5); the org
 * middleware writes a refusal to the org's audit log as `access.denied`. Only then comes the
 * Idempotency-Key (./idempotency.ts): a stored answer is replayed to those who may still ask for it.
 */
export function needs(permission: Permission): PermissionMiddleware {
  const middleware: MiddlewareHandler<ApiEnv> = async (c, next) => {
    if (!c.get('deps').withoutRoutePermissions) requirePermission(c.get('scope'), permission);
    return idempotent(c, next);
  };
  return Object.assign(middleware, { permission });
}
