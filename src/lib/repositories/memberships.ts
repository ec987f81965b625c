import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db';
import type { OrgDb } from '../database/with-org';
import { orgMemberships, users } from '../database/schema';
import type { MembershipRole } from '../domain';
import { writeAuditEvent } from '../audit';
import type { OrgScope } from '../scope';
import { decodeCursor, toPage, type Page } from '../pagination';
import { memberCursorSchema } from '../validation/cursors';

export interface OrgAccess {
  org: { id: string; name: string; timezone: string };
  /** Null when the user is not a member of this (existing) org. */
  role: MembershipRole | null;
}

/**
 * The membership check behind every org route: the org (if it exists) and the user's role in it, in
 * one statement (app_org_access, migration 0016), before any scope exists: it is what makes the scope.
 */
export async function unsafeFindOrgAccess(
  db: Database,
  userId: string,
  orgId: string,
): Promise<OrgAccess | undefined> {
  const [row] = await queryRows<{
    orgId: string;
    orgName: string;
    timezone: string;
    role: MembershipRole | null;
  }>(
    db,
    sql`SELECT org_id AS "orgId", org_name AS "orgName", timezone, role FROM app_org_access(${userId}, ${orgId})`,
  );
  return row && { org: { id: row.orgId, name: row.orgName, timezone: row.timezone }, role: row.role };
}

/** The org of an API key's request (src/lib/api-keys.ts), in a transaction bound to the org asked for. */
export async function findOrgById(db: OrgDb, orgId: string): Promise<OrgAccess['org'] | undefined> {
  const [row] = await queryRows<OrgAccess['org']>(
    db,
    sql`SELECT o.id, o.name, o.timezone FROM orgs o WHERE o.id = ${orgId}`,
  );
  return row;
}

export interface UserOrg {
  orgId: string;
  orgName: string;
  role: MembershipRole;
}

/**
 * The orgs a user belongs to, across orgs (the org switcher, /api/me, sign-in events): unscoped by
 * nature, so it takes the raw database.
 */
export async function unsafeListOrgsOfUser(db: Database, userId: string): Promise<UserOrg[]> {
  // Row-level security lets no org's transaction see another's memberships: app_orgs_of_user
  // (migration 0010, decision 029) is the one way across.
  return queryRows<UserOrg>(
    db,
    sql`SELECT org_id AS "orgId", org_name AS "orgName", role FROM app_orgs_of_user(${userId}::uuid)`,
  );
}

export interface Member {
  id: string;
  userId: string;
  email: string;
  name: string;
  role: MembershipRole;
  createdAt: string;
}

const memberColumns = {
  id: orgMemberships.id,
  userId: orgMemberships.userId,
  email: users.email,
  name: users.name,
  role: sql<MembershipRole>`${orgMemberships.role}`,
  createdAt: orgMemberships.createdAt,
};

const toMember = (row: { createdAt: Date } & Omit<Member, 'createdAt'>): Member => ({
  ...row,
  createdAt: row.createdAt.toISOString(),
});

/** Members ordered by email; keyset-paginated on (email, id). */
export async function listMembers(
  db: OrgDb,
  scope: OrgScope,
  query: { limit: number; cursor?: string },
): Promise<Page<Member>> {
  const after = query.cursor ? decodeCursor(query.cursor, memberCursorSchema) : undefined;
  const rows = await db
    .select(memberColumns)
    .from(orgMemberships)
    .innerJoin(users, eq(users.id, orgMemberships.userId))
    .where(
      and(
        eq(orgMemberships.orgId, scope.orgId),
        after
          ? or(
              gt(users.email, after.email),
              and(eq(users.email, after.email), gt(orgMemberships.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(asc(users.email), asc(orgMemberships.id))
    .limit(query.limit + 1);
  return toPage(rows.map(toMember), query.limit, (l) => ({ email: l.email, id: l.id }));
}

export async function findMember(db: OrgDb, scope: OrgScope, memberId: string): Promise<Member | undefined> {
  const [row] = await db
    .select(memberColumns)
    .from(orgMemberships)
    .innerJoin(users, eq(users.id, orgMemberships.userId))
    .where(and(eq(orgMemberships.orgId, scope.orgId), eq(orgMemberships.id, memberId)));
  return row && toMember(row);
}

/** Users are not an org's rows: any transaction (or none) will do. */
export async function findUserIdByEmail(db: Database, email: string): Promise<string | undefined> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email.toLowerCase()));
  return row?.id;
}

export async function findMemberByUserId(
  db: OrgDb,
  scope: OrgScope,
  userId: string,
): Promise<Member | undefined> {
  const [row] = await db
    .select(memberColumns)
    .from(orgMemberships)
    .innerJoin(users, eq(users.id, orgMemberships.userId))
    .where(and(eq(orgMemberships.orgId, scope.orgId), eq(orgMemberships.userId, userId)));
  return row && toMember(row);
}

/** Locks the org's owner rows until the transaction ends, and counts them: two demotions cannot race. */
export async function lockAndCountOwners(tx: OrgDb, scope: OrgScope): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`SELECT id FROM org_memberships WHERE org_id = ${scope.orgId} AND role = 'owner' FOR UPDATE`,
  );
  return rows.length;
}

export async function insertMember(
  tx: OrgDb,
  scope: OrgScope,
  input: { userId: string; email: string; role: MembershipRole },
): Promise<string> {
  const [row] = await tx
    .insert(orgMemberships)
    .values({ orgId: scope.orgId, userId: input.userId, role: input.role })
    .returning({ id: orgMemberships.id });
  await writeAuditEvent(tx, scope, {
    type: 'member.added',
    targetType: 'user',
    targetId: input.userId,
    metadata: { memberId: row!.id, email: input.email, role: input.role },
  });
  return row!.id;
}

export async function updateMemberRole(
  tx: OrgDb,
  scope: OrgScope,
  member: Member,
  role: MembershipRole,
): Promise<void> {
  await tx
    .update(orgMemberships)
    .set({ role })
    .where(and(eq(orgMemberships.orgId, scope.orgId), eq(orgMemberships.id, member.id)));
  await writeAuditEvent(tx, scope, {
    type: 'member.role_changed',
    targetType: 'user',
    targetId: member.userId,
    metadata: { memberId: member.id, email: member.email, from: member.role, to: role },
  });
}

export async function deleteMember(tx: OrgDb, scope: OrgScope, member: Member): Promise<void> {
  await tx
    .delete(orgMemberships)
    .where(and(eq(orgMemberships.orgId, scope.orgId), eq(orgMemberships.id, member.id)));
  await writeAuditEvent(tx, scope, {
    type: 'member.removed',
    targetType: 'user',
    targetId: member.userId,
    metadata: { memberId: member.id, email: member.email, role: member.role },
  });
}
