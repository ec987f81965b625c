import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import {
  appAuth,
  getCurrentUser,
  OrgAccessDeniedError,
  resolveOrgContext,
  type CurrentUser,
} from '../../lib/auth';
import { appDatabase } from '../../lib/db';
import type { OrgScope } from '../../lib/scope';
import { uuidSchema } from '../../lib/validation/common';

// Pages reach data through the same checks as the API: the session from better-auth, the org scope
// from resolveOrgContext.

export async function pageUser(): Promise<CurrentUser | null> {
  // Reading the request headers first also tells Next.js that these pages are never prerendered.
  const requestHeaders = await headers();
  const { auth, absoluteHours } = appAuth();
  const database = await appDatabase();
  return getCurrentUser(auth, database.db, requestHeaders, absoluteHours);
}

/** The signed-in user, or a redirect to the sign-in page that comes back to `returnTo`. */
export async function requirePageUser(returnTo: string): Promise<CurrentUser> {
  const user = await pageUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return user;
}

/** The verified scope for a console page, or null when the user has no access (already audited). */
export async function pageScope(
  orgId: string,
  path: string,
): Promise<{ user: CurrentUser; scope: OrgScope | null }> {
  const user = await requirePageUser(path);
  const database = await appDatabase();
  if (!uuidSchema.safeParse(orgId).success) return { user, scope: null };
  try {
    return { user, scope: await resolveOrgContext(database.db, user.user, orgId, { method: 'GET', path }) };
  } catch (error) {
    if (error instanceof OrgAccessDeniedError) return { user, scope: null };
    throw error;
  }
}
