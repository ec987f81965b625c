import { createApiApp } from '../../src/api/app';
import type { ApiDependencies } from '../../src/api/context';
import { buildApiDependencies } from '../../src/api/dependencies';
import type { DatabaseHandle } from '../../src/lib/db';
import { parseEnv } from '../../src/lib/env';
import { hashPassword } from '../../src/lib/password';
import {
  unsafeAddMembership,
  unsafeCreateOrg,
  unsafeCreateUserWithPassword,
} from '../../src/lib/repositories/unsafe';
import type { MembershipRole } from '../../src/lib/domain';

export const ORIGIN = 'http://localhost';
export const TEST_PASSWORD = 'test password 12345';

/**
 * The API app on a test database, configured like production but with test-sized limits. It connects as
 * the database's app role when the database has one (TestDatabase.app). `testOnly` sets the
 * dependencies that exist for tests alone (ApiDependencies.withoutRoutePermissions).
 */
export function createTestApi(
  database: DatabaseHandle & { app?: DatabaseHandle },
  env: Record<string, string> = {},
  testOnly: Pick<ApiDependencies, 'withoutRoutePermissions'> = {},
) {
  const built = buildApiDependencies(
    database.app ?? database,
    parseEnv({
      NODE_ENV: 'test',
      AUTH_SECRET: 'test-secret-'.padEnd(48, 'x'),
      PUBLIC_URL: ORIGIN,
      TRUST_PROXY: '1',
      ...env,
    }),
  );
  const deps: ApiDependencies = { ...built, ...testOnly };
  const app = createApiApp(deps);
  /** A request as our own pages send it: same origin, with the session cookie when given. */
  const request = (
    path: string,
    init: { method?: string; cookie?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    app.request(path, {
      method: init.method ?? 'GET',
      headers: {
        origin: ORIGIN,
        'sec-fetch-site': 'same-origin',
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.cookie ? { cookie: init.cookie } : {}),
        ...init.headers,
      },
      body:
        init.body === undefined
          ? undefined
          : typeof init.body === 'string' || init.body instanceof Uint8Array
            ? (init.body as string | Uint8Array<ArrayBuffer>)
            : JSON.stringify(init.body),
    });
  return { app, deps, request };
}

export type TestApi = ReturnType<typeof createTestApi>;

/** Signs in through the API and returns the session cookie (name=value). */
export async function signIn(
  api: TestApi,
  email: string,
  password = TEST_PASSWORD,
  ip = '203.0.113.1',
): Promise<string> {
  const response = await api.request('/api/auth/sign-in/email', {
    method: 'POST',
    body: { email, password },
    headers: { 'x-forwarded-for': ip },
  });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  return sessionCookie(response)!;
}

export function sessionCookie(response: Response): string | undefined {
  const cookie = response.headers.getSetCookie().find((c) => /session_token=/.test(c));
  return cookie?.split(';')[0];
}

let passwordHash: Promise<string> | undefined;

/** A user with the shared test password (hashed once per file: scrypt is deliberately slow). */
export async function createUser(db: DatabaseHandle, email: string) {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  return unsafeCreateUserWithPassword(db.db, {
    email,
    name: email.split('@')[0]!,
    passwordHash: await passwordHash,
  });
}

export async function createOrgWithMembers(
  db: DatabaseHandle,
  name: string,
  members: Partial<Record<MembershipRole, string>>,
) {
  const org = await unsafeCreateOrg(db.db, { name, timezone: 'UTC' });
  const users: Partial<Record<MembershipRole, { id: string; email: string; memberId: string }>> = {};
  for (const [role, email] of Object.entries(members) as [MembershipRole, string][]) {
    const user = await createUser(db, email);
    const membership = await unsafeAddMembership(db.db, {
      orgId: org.id,
      userId: user.id,
      role,
      via: 'test',
    });
    users[role] = { ...user, memberId: membership.id };
  }
  return { org, users };
}
