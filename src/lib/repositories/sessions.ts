import { eq, sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db';
import { sessions } from '../database/schema';
import { compiledSql } from '../database/compiled-sql';
import type { MembershipRole } from '../domain';
import type { OrgAccess } from './memberships';

/** Ends a session server-side: its cookie no longer signs anyone in. */
export async function deleteSession(db: Database, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

export interface SessionWithUser {
  session: { id: string; createdAt: Date; expiresAt: Date };
  user: { id: string; email: string; name: string };
  /** The org asked for and the user's role there (app_org_access); null when there is no such org. */
  orgAccess: OrgAccess | null;
}

// Every request reads its session: built once (decision 052).
const sessionByToken = compiledSql(
  'sessions.unsafeFindSessionByToken',
  ['orgId', 'token'],
  ({ orgId, token }) =>
    sql`SELECT s.id, s.created_at AS "createdAt", s.expires_at AS "expiresAt",
               u.id AS "userId", u.email, u.name,
               a.org_id AS "orgId", a.org_name AS "orgName", a.timezone, a.role
        FROM sessions s
        JOIN users u ON u.id = s.user_id
        LEFT JOIN LATERAL app_org_access(s.user_id, ${orgId}::uuid) a ON true
        WHERE s.token = ${token}`,
);

/**
 * A session by its token with its user and — when `orgId` is given — the membership behind an org
 * request, in one statement (decision 051): what better-auth's lookup and the membership check read
 * in two. Expiry is the caller's to judge.
 */
export async function unsafeFindSessionByToken(
  db: Database,
  token: string,
  orgId: string | null,
): Promise<SessionWithUser | undefined> {
  const [row] = await queryRows<{
    id: string;
    createdAt: Date | string;
    expiresAt: Date | string;
    userId: string;
    email: string;
    name: string;
    orgId: string | null;
    orgName: string | null;
    timezone: string | null;
    role: MembershipRole | null;
  }>(db, sessionByToken({ orgId, token }));
  if (!row) return undefined;
  return {
    session: { id: row.id, createdAt: new Date(row.createdAt), expiresAt: new Date(row.expiresAt) },
    user: { id: row.userId, email: row.email, name: row.name },
    orgAccess:
      row.orgId === null
        ? null
        : { org: { id: row.orgId, name: row.orgName!, timezone: row.timezone! }, role: row.role },
  };
}
