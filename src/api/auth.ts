import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { writeOrgAuditEvent, type AuditEvent } from '../lib/audit';
import { unsafeWithOrgId } from '../lib/database/with-org';
import type { Database } from '../lib/db';
import { AppError } from '../lib/errors';
import { isExhausted, consume, reset } from '../lib/rate-limit';
import { findUserIdByEmail, unsafeListOrgsOfUser } from '../lib/repositories/memberships';
import { emailSchema } from '../lib/validation/common';
import type { ApiEnv } from './context';
import { problemContent } from './openapi-schemas';
import { clientIp } from './request-info';

// better-auth answers sign-in and sign-out; around it we throttle failed sign-ins per account and per
// IP, keep the session token out of the response body, and write the audit events.

const signInBody = z
  .object({
    email: emailSchema.openapi({ example: 'operator@ironfront.example' }),
    password: z.string().min(1).max(1024),
    rememberMe: z.boolean().optional(),
  })
  .openapi('SignInRequest');

const signedInSchema = z
  .object({ user: z.object({ id: z.string(), email: z.string(), name: z.string() }) })
  .openapi('SignedIn');

const signInRoute = createRoute({
  method: 'post',
  path: '/auth/sign-in/email',
  summary: 'Sign in with email and password; sets the session cookie',
  tags: ['auth'],
  security: [],
  request: { body: { required: true, content: { 'application/json': { schema: signInBody } } } },
  responses: {
    200: {
      description: 'Signed in; the session cookie is set',
      content: { 'application/json': { schema: signedInSchema } },
    },
    400: { description: 'Malformed request', content: problemContent },
    401: {
      description: 'Invalid email or password (one message for every failure)',
      content: problemContent,
    },
    429: { description: 'Too many failed sign-ins for this account or address', content: problemContent },
  },
});

const signOutRoute = createRoute({
  method: 'post',
  path: '/auth/sign-out',
  summary: 'Sign out: ends the session server-side and clears the cookie',
  tags: ['auth'],
  security: [{ session: [] }],
  responses: {
    204: { description: 'Signed out (also when there was no session)' },
    403: { description: 'Cross-site request refused', content: problemContent },
  },
});

const INVALID_CREDENTIALS = 'Invalid email or password.';

async function auditUserOrgs(db: Database, userId: string, actorUserId: string | null, event: AuditEvent) {
  const orgs = await unsafeListOrgsOfUser(db, userId);
  if (!orgs.length) return;
  // One transaction for all of them, each org's event in a savepoint bound to that org.
  await db.transaction(async (tx) => {
    for (const org of orgs) {
      await unsafeWithOrgId(tx, org.orgId, (orgTx) =>
        writeOrgAuditEvent(
          orgTx,
          org.orgId,
          { userId: actorUserId, role: actorUserId ? org.role : null },
          event,
        ),
      );
    }
  });
}

function forward(c: Context<ApiEnv>, body?: unknown): Promise<Response> {
  const headers = new Headers(c.req.raw.headers);
  headers.delete('content-length');
  if (body !== undefined) headers.set('content-type', 'application/json');
  return c.get('deps').auth.handler(
    new Request(c.req.url, {
      method: 'POST',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

function copyCookies(from: Response, c: Context<ApiEnv>): void {
  for (const cookie of from.headers.getSetCookie()) c.header('set-cookie', cookie, { append: true });
}

export const authRoutes = new OpenAPIHono<ApiEnv>()
  .openapi(signInRoute, async (c) => {
    const { email, password, rememberMe } = c.req.valid('json');
    const { limiters, settings, database } = c.get('deps');
    const ip = clientIp(c, settings.trustProxy);
    const [account, address] = await Promise.all([
      isExhausted(limiters.signInFailuresByAccount, email),
      isExhausted(limiters.signInFailuresByIp, ip),
    ]);
    if (account.blocked || address.blocked) {
      const retryAfter = Math.max(
        account.blocked ? account.resetSeconds : 0,
        address.blocked ? address.resetSeconds : 0,
        1,
      );
      throw new AppError('rate_limited', 'Too many failed sign-ins. Try again later.', undefined, {
        'retry-after': String(retryAfter),
      });
    }

    const response = await forward(c, { email, password, rememberMe });
    const userId = await findUserIdByEmail(database.db, email);
    const context = { ip, userAgent: c.req.header('user-agent') ?? null };
    if (response.ok && userId) {
      await reset(limiters.signInFailuresByAccount, email);
      await auditUserOrgs(database.db, userId, userId, {
        type: 'auth.signed_in',
        targetType: 'user',
        targetId: userId,
        metadata: { method: 'email', ...context },
      });
      const { user } = (await response.json()) as { user: { id: string; email: string; name: string } };
      copyCookies(response, c);
      return c.json({ user: { id: user.id, email: user.email, name: user.name } }, 200);
    }
    if (response.status === 401 || response.status === 400) {
      await Promise.all([
        consume(limiters.signInFailuresByAccount, email),
        consume(limiters.signInFailuresByIp, ip),
      ]);
      if (userId) {
        await auditUserOrgs(database.db, userId, null, {
          type: 'auth.sign_in_failed',
          targetType: 'user',
          targetId: userId,
          metadata: { reason: 'invalid_credentials', ...context },
        });
      }
      throw new AppError('unauthenticated', INVALID_CREDENTIALS);
    }
    throw new AppError(
      response.status === 403 ? 'forbidden' : 'internal',
      `Sign-in was refused (${response.status}).`,
    );
  })
  .openapi(signOutRoute, async (c) => {
    copyCookies(await forward(c), c);
    return c.body(null, 204);
  });
