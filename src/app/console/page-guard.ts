import { headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import {
  appAuth,
  auditPermissionDenied,
  getCurrentUser,
  OrgAccessDeniedError,
  PermissionDeniedError,
  resolveOrgContext,
  type CurrentUser,
} from '../../lib/auth';
import { appDatabase, type Database } from '../../lib/db';
import { can, type Permission } from '../../lib/permissions';
import { unsafeListOrgsOfUser, type UserOrg } from '../../lib/repositories/memberships';
import type { MemberScope } from '../../lib/scope';
import { uuidSchema } from '../../lib/validation/common';

// The one guard of console pages: the session, the membership and the role, checked as the API checks
// them (resolveOrgContext, the role table) and audited the same way. Each step is cache()d for the
// request, so the layout and the page share one lookup and a refusal is written to the log once.

export interface OrgPage {
  db: Database;
  user: CurrentUser;
  scope: MemberScope;
  /** The user's orgs, for the switcher. */
  orgs: UserOrg[];
}

/** The signed-in user of this request, or null. Reading the headers also keeps the page dynamic. */
export const pageUser = cache(async (): Promise<CurrentUser | null> => {
  const requestHeaders = await headers();
  const { auth, absoluteHours } = appAuth();
  const { db } = await appDatabase();
  return getCurrentUser(auth, db, requestHeaders, absoluteHours);
});

/** The signed-in user, or a redirect to the sign-in page that comes back to `returnTo`. */
export async function requirePageUser(returnTo: string): Promise<CurrentUser> {
  const user = await pageUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return user;
}

const resolveOrgPage = cache(async (orgId: string): Promise<OrgPage> => {
  const path = `/console/${orgId}`;
  const user = await requirePageUser(path);
  const { db } = await appDatabase();
  if (!uuidSchema.safeParse(orgId).success) forbidden();
  try {
    const scope = await resolveOrgContext(db, user.user, orgId, { method: 'GET', path });
    return { db, user, scope, orgs: await unsafeListOrgsOfUser(db, user.user.id) };
  } catch (error) {
    // Not a member, or no such org: one answer for both (docs/decisions/009), already audited.
    if (error instanceof OrgAccessDeniedError) forbidden();
    throw error;
  }
});

// Keyed by org and permission, so a refused page writes one access.denied however many components ask.
const refusePage = cache(async (orgId: string, permission: Permission): Promise<never> => {
  const { db, scope } = await resolveOrgPage(orgId);
  await auditPermissionDenied(db, scope, new PermissionDeniedError(permission), {
    method: 'GET',
    path: `/console/${orgId}`,
  });
  forbidden();
});

/**
 * The verified org scope for a console page (layout or page), after the session (redirect to sign-in),
 * the membership (403 page) and, when given, the permission the page needs (403 page, audited as
 * `access.denied` like the API's refusals).
 */
export async function requireOrgPage({
  params,
  permission,
}: {
  params: Promise<{ orgId: string }>;
  permission?: Permission;
}): Promise<OrgPage> {
  const { orgId } = await params;
  const page = await resolveOrgPage(orgId);
  if (permission && !can(page.scope.role, permission)) return refusePage(orgId, permission);
  return page;
}
