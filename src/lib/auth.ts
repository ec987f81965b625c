import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { COOKIE_PREFIX } from './auth-cookie';
import type { Database, DatabaseHandle } from './db';
import { accounts, sessions, users, verifications } from './database/schema';
import type { MembershipRole } from './domain';
import { AppError } from './errors';
import { describeDatabaseError } from './http/database-errors';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyPassword } from './password';
import { can, type Permission } from './permissions';
import { writeAuditEvent, writeOrgAuditEvent } from './audit';
import { unsafeWithOrgId, withOrg } from './database/with-org';
import { unsafeFindOrgAccess, type OrgAccess } from './repositories/memberships';
import { deleteSession, unsafeFindSessionByToken, type SessionWithUser } from './repositories/sessions';
import { hasCookieStartingWith, readCookie, verifiedToken } from './session-cookie';
import { createOrgScope, type MemberScope, type RequestScope } from './scope';
import { logger } from './observability/logger';

// Identity is better-auth's (email + password, sessions in our database); org scoping and roles are ours.

export interface AuthSettings {
  secret: string;
  /** The console's public origin, e.g. https://console.example.com. */
  baseURL: string;
  /** Secure cookies: on in production. */
  secureCookies: boolean;
  idleMinutes: number;
  absoluteHours: number;
  /** Origins allowed to call sign-in and sign-out; the API's CSRF check applies the same list. */
  trustedOrigins: (request?: Request) => string[];
}

export function createAuth(database: DatabaseHandle, settings: AuthSettings) {
  return betterAuth({
    appName: 'Operator Console',
    baseURL: settings.baseURL,
    basePath: '/api/auth',
    secret: settings.secret,
    // The tables' names are the models' in the plural (users, sessions, accounts, verifications).
    database: drizzleAdapter(database.db, {
      provider: 'pg',
      schema: { users, sessions, accounts, verifications },
      usePlural: true,
    }),
    session: {
      // Idle expiry: every use after the first minute pushes the end out by the idle period again.
      expiresIn: settings.idleMinutes * 60,
      updateAge: 60,
      // Every request reads the session from the database, so sign-out and expiry act at once.
      cookieCache: { enabled: false },
    },
    emailAndPassword: {
      enabled: true,
      // Accounts are made by administrators (`npm run admin`), never by visitors.
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
      password: { hash: hashPassword, verify: ({ hash, password }) => verifyPassword(hash, password) },
    },
    // Sign-in throttling is ours, per account and per IP, kept in the database (src/lib/rate-limit.ts).
    rateLimit: { enabled: false },
    advanced: {
      // joins: a session and its user in one statement (drizzle's relational query over the relations
      // in schema.ts) instead of two, on every request (bench -- detail).
      database: { generateId: 'uuid', joins: true },
      cookiePrefix: COOKIE_PREFIX,
      useSecureCookies: settings.secureCookies,
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', secure: settings.secureCookies },
    },
    trustedOrigins: (request) => settings.trustedOrigins(request),
    telemetry: { enabled: false },
    // Failed sign-ins are audited (auth.sign_in_failed); better-auth's per-attempt warnings are noise.
    // Its errors reach the API's error handler too, which answers and logs them; here one line each,
    // without the failed statement, whose parameters hold the session token.
    logger: {
      level: 'error',
      log: (level, message, ...args) =>
        logger().error(
          { auth: level, ...(args.length ? { cause: describeDatabaseError(args[0]) } : {}) },
          `auth: ${message}`,
        ),
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

export interface CurrentUser {
  user: { id: string; email: string; name: string };
  session: { id: string; createdAt: Date; expiresAt: Date };
  /** Set-Cookie headers from a session refresh, for the response. */
  setCookies: string[];
  /**
   * The org getCurrentUser was asked about and the user's role there (access null: no such org), read
   * with the session; absent when it was not (the library answered).
   */
  readWithSession?: MembershipRead;
}

/** A membership check made for `orgId`. */
export interface MembershipRead {
  orgId: string;
  access: OrgAccess | null;
}

/** What reading a session without the library needs to know of the library's settings. */
interface SessionRules {
  secret: string;
  tokenCookie: string;
  sessionDataCookie: string;
  dontRememberCookie: string;
  expiresInMs: number;
  updateAgeMs: number;
}

const sessionRules = new WeakMap<Auth, Promise<SessionRules>>();

function rulesOf(auth: Auth): Promise<SessionRules> {
  let rules = sessionRules.get(auth);
  if (!rules) {
    rules = auth.$context.then((context) => ({
      secret: context.secret,
      tokenCookie: context.authCookies.sessionToken.name,
      sessionDataCookie: context.authCookies.sessionData.name,
      dontRememberCookie: context.authCookies.dontRememberToken.name,
      expiresInMs: context.sessionConfig.expiresIn * 1000,
      updateAgeMs: context.sessionConfig.updateAge * 1000,
    }));
    sessionRules.set(auth, rules);
  }
  return rules;
}

/**
 * The session when reading it needs nothing of better-auth (decision 051): a well-signed cookie and
 * nothing beside it the library would act on, a session that has neither expired nor come due for its
 * idle refresh — then one statement reads it, its user and the membership of `orgId`. Null otherwise:
 * better-auth decides (it deletes, extends or refuses), exactly as it did before this path existed.
 */
async function readSessionDirectly(
  auth: Auth,
  db: Database,
  headers: Headers,
  orgId: string | null,
): Promise<SessionWithUser | null> {
  const cookies = headers.get('cookie');
  if (!cookies) return null;
  const rules = await rulesOf(auth);
  const signed = readCookie(cookies, rules.tokenCookie);
  if (signed === null || readCookie(cookies, rules.dontRememberCookie) !== null) return null;
  if (hasCookieStartingWith(cookies, rules.sessionDataCookie)) return null;
  const token = verifiedToken(signed, rules.secret);
  if (token === null) return null;
  const found = await unsafeFindSessionByToken(db, token, orgId);
  if (!found) return null;
  const now = Date.now();
  const expiresAt = found.session.expiresAt.getTime();
  if (expiresAt <= now || expiresAt - rules.expiresInMs + rules.updateAgeMs <= now) return null;
  return found;
}

async function readSessionWithLibrary(auth: Auth, headers: Headers): Promise<CurrentUser | null> {
  const result = await auth.api.getSession({ headers, returnHeaders: true });
  const found = result.response;
  if (!found) return null;
  return {
    user: { id: found.user.id, email: found.user.email, name: found.user.name },
    session: {
      id: found.session.id,
      createdAt: new Date(found.session.createdAt),
      expiresAt: new Date(found.session.expiresAt),
    },
    setCookies: result.headers.getSetCookie(),
  };
}

/**
 * The signed-in user of a request, or null. Enforces the absolute session lifetime beside
 * better-auth's idle expiry: a session older than `absoluteHours` is deleted and counts as none. With
 * `orgId` (a well-formed id), the membership there is read in the same statement when it can be.
 */
export async function getCurrentUser(
  auth: Auth,
  db: Database,
  headers: Headers,
  absoluteHours: number,
  orgId: string | null = null,
): Promise<CurrentUser | null> {
  const direct = await readSessionDirectly(auth, db, headers, orgId);
  const current: CurrentUser | null = direct
    ? {
        user: direct.user,
        session: direct.session,
        setCookies: [],
        ...(orgId === null ? {} : { readWithSession: { orgId, access: direct.orgAccess } }),
      }
    : await readSessionWithLibrary(auth, headers);
  if (!current) return null;
  if (Date.now() - current.session.createdAt.getTime() >= absoluteHours * 3_600_000) {
    await deleteSession(db, current.session.id);
    return null;
  }
  return current;
}

/** A denied attempt, as the audit log records it. */
export interface AttemptedAction {
  method: string;
  path: string;
}

/** Why access was refused; the HTTP answer is the same 403 for both, so org ids leak nothing. */
export class OrgAccessDeniedError extends AppError {
  constructor(readonly reason: 'no_such_org' | 'not_a_member') {
    super('forbidden', 'You do not have access to this org.');
  }
}

export class PermissionDeniedError extends AppError {
  constructor(
    readonly permission: Permission,
    /** Audited as the event's reason: the role lacks it, or an API key asks for what only people may do. */
    readonly reason: 'insufficient_role' | 'not_with_an_api_key' = 'insufficient_role',
  ) {
    super(
      'forbidden',
      reason === 'insufficient_role'
        ? 'Your role in this org does not allow this.'
        : 'Only a signed-in member may do this, not an API key.',
    );
  }
}

/**
 * The one membership check (DESIGN.md §4): the org comes from the URL, the user from the session, the
 * role from the database. Returns the verified scope, or throws OrgAccessDeniedError — after writing
 * `access.denied` to the org's audit log when the org exists.
 */
export async function resolveOrgContext(
  db: Database,
  user: { id: string; email: string },
  orgId: string,
  attempt: AttemptedAction,
  /** The membership as read with the session (CurrentUser.readWithSession), when it was. */
  readWithSession?: MembershipRead,
): Promise<MemberScope> {
  // The org asked for is not verified yet: the lookup is what verifies it.
  const access =
    readWithSession?.orgId === orgId ? readWithSession.access : await unsafeFindOrgAccess(db, user.id, orgId);
  if (access && !access.role) {
    await unsafeWithOrgId(db, orgId, (tx) =>
      writeOrgAuditEvent(
        tx,
        orgId,
        { userId: user.id, role: null },
        {
          type: 'access.denied',
          targetType: 'org',
          targetId: orgId,
          metadata: { ...attempt, reason: 'not_a_member' },
        },
      ),
    );
  }
  if (!access) throw new OrgAccessDeniedError('no_such_org');
  if (!access.role) throw new OrgAccessDeniedError('not_a_member');
  return createOrgScope({
    orgId: access.org.id,
    orgName: access.org.name,
    timezone: access.org.timezone,
    userId: user.id,
    userEmail: user.email,
    role: access.role,
  });
}

const ROLE_ORDER: MembershipRole[] = ['viewer', 'operator', 'admin', 'owner'];

export function hasRole(scope: RequestScope, minimum: MembershipRole): boolean {
  return ROLE_ORDER.indexOf(scope.role) >= ROLE_ORDER.indexOf(minimum);
}

/**
 * What only a signed-in member may do, whatever a key's role (docs/decisions/033): managing keys, the
 * members and the audit streams — so that a leaked key can neither give itself a successor, nor add
 * someone, nor silence or redirect the audit log's delivery.
 */
export const PEOPLE_ONLY: ReadonlySet<Permission> = new Set([
  'api_keys.manage',
  'members.manage',
  'audit.stream',
]);

/** Throws PermissionDeniedError unless `scope`'s role holds `permission` (and, for a key, it may). */
export function requirePermission(scope: RequestScope, permission: Permission): void {
  if (!can(scope.role, permission)) throw new PermissionDeniedError(permission);
  if (scope.actor.kind === 'api_key' && PEOPLE_ONLY.has(permission)) {
    throw new PermissionDeniedError(permission, 'not_with_an_api_key');
  }
}

/** Throws unless `scope`'s role is at least `minimum` (viewer < operator < admin < owner). */
export function requireRole(scope: RequestScope, minimum: MembershipRole): void {
  if (!hasRole(scope, minimum)) throw new AppError('forbidden', `This needs the ${minimum} role or higher.`);
}

/** Records a refused permission check in the org's audit log. */
export async function auditPermissionDenied(
  db: Database,
  scope: RequestScope,
  error: PermissionDeniedError,
  attempt: AttemptedAction,
): Promise<void> {
  await withOrg(db, scope, (tx) =>
    writeAuditEvent(tx, scope, {
      type: 'access.denied',
      targetType: 'org',
      targetId: scope.orgId,
      metadata: { ...attempt, reason: error.reason, permission: error.permission },
    }),
  );
}

declare global {
  var __operatorConsoleAuth: { auth: Auth; absoluteHours: number } | undefined;
}

/** The running app's auth, shared with the pages through globalThis (see appDatabase in db.ts). */
export function setAppAuth(auth: Auth, absoluteHours: number): void {
  globalThis.__operatorConsoleAuth = { auth, absoluteHours };
}

export function appAuth(): { auth: Auth; absoluteHours: number } {
  if (!globalThis.__operatorConsoleAuth) throw new Error('Auth has not been set up yet');
  return globalThis.__operatorConsoleAuth;
}
