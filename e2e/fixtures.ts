import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MembershipRole } from '../src/lib/domain';
import { hashPassword } from '../src/lib/password';
import {
  unsafeAddMembership,
  unsafeCreateUserWithPassword,
  unsafeFindMembership,
  unsafeFindUserByEmail,
} from '../src/lib/repositories/unsafe';
import { signInOverHttp } from '../tests/setup/server';
import type { E2eServer } from './server';

/** The password of every user the fixture makes. */
export const E2E_PASSWORD = 'e2e fixture password';

export interface E2eUser {
  id: string;
  email: string;
  role: MembershipRole;
}

// Per server and role, so concurrent logins of one role make the user once.
const users = new WeakMap<E2eServer, Map<MembershipRole, Promise<E2eUser>>>();

/** The fixture's user with `role` in the demo org (`e2e-<role>@ironfront.example`), made on first use. */
export function e2eUser(server: E2eServer, role: MembershipRole): Promise<E2eUser> {
  let byRole = users.get(server);
  if (!byRole) users.set(server, (byRole = new Map()));
  let user = byRole.get(role);
  if (!user) {
    user = ensureUser(server, role);
    byRole.set(role, user);
    user.catch(() => byRole.delete(role));
  }
  return user;
}

async function ensureUser(server: E2eServer, role: MembershipRole): Promise<E2eUser> {
  const db = server.database.db;
  const email = `e2e-${role}@ironfront.example`;
  const user =
    (await unsafeFindUserByEmail(db, email)) ??
    (await unsafeCreateUserWithPassword(db, {
      email,
      name: `E2E ${role}`,
      passwordHash: await hashPassword(E2E_PASSWORD),
    }));
  const membership = await unsafeFindMembership(db, server.orgId, user.id);
  if (!membership) {
    await unsafeAddMembership(db, { orgId: server.orgId, userId: user.id, role, via: 'e2e' });
  } else if (membership.role !== role) {
    throw new Error(`${email} is a ${membership.role} of the demo org, not a ${role}`);
  }
  return { id: user.id, email, role };
}

/**
 * Signs `target`'s browser context in as a member with `role` of the demo org, without the sign-in
 * page: the test process signs in through the API and hands the session cookie to the browser. Any
 * spec can start signed in, in any order.
 */
export async function login(
  target: Page | BrowserContext,
  { server, role }: { server: E2eServer; role: MembershipRole },
): Promise<E2eUser> {
  const context = 'context' in target ? target.context() : target;
  const user = await e2eUser(server, role);
  const cookie = await signInOverHttp(server.url, user.email, E2E_PASSWORD);
  await context.addCookies([
    {
      name: cookie.name,
      value: cookie.value,
      url: server.url,
      httpOnly: true,
      sameSite: 'Lax',
      expires: Math.floor(Date.now() / 1000) + cookie.maxAge,
    },
  ]);
  return user;
}

/** A new browser context and page, signed in as `role`; close the context when done. */
export async function signedInPage(
  browser: Browser,
  options: { server: E2eServer; role: MembershipRole },
): Promise<{ context: BrowserContext; page: Page; user: E2eUser }> {
  const context = await browser.newContext();
  const user = await login(context, options);
  return { context, page: await context.newPage(), user };
}
