import type { Context, MiddlewareHandler } from 'hono';
import { getCurrentUser } from '../lib/auth';
import { AppError } from '../lib/errors';
import type { ApiEnv } from './context';

/**
 * The signed-in user (or a 401), with better-auth's refreshed cookie passed on to the response; with
 * `orgId`, the membership there is read with the session when it can be (CurrentUser.readWithSession).
 */
export async function requireCurrentUser(c: Context<ApiEnv>, orgId: string | null = null) {
  const { auth, database, settings } = c.get('deps');
  const current = await getCurrentUser(
    auth,
    database.db,
    c.req.raw.headers,
    settings.absoluteSessionHours,
    orgId,
  );
  if (!current) throw new AppError('unauthenticated', 'Sign in to continue.');
  for (const cookie of current.setCookies) c.header('set-cookie', cookie, { append: true });
  c.set('currentUser', current);
  return current;
}

export const sessionRequired: MiddlewareHandler<ApiEnv> = async (c, next) => {
  await requireCurrentUser(c);
  await next();
};
