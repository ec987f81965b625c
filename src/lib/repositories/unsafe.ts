// The deliberately unscoped queries: the admin command line and the seed act for the operator of the
// installation, before any org scope exists. Nothing reachable from an HTTP request may call these.
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db';
import { unsafeWithOrgId } from '../database/with-org';
import { writeOrgAuditEvent } from '../audit';
import { accounts, orgMemberships, orgs, users } from '../database/schema';
import type { MembershipRole } from '../domain';
import { uuidSchema } from '../validation/common';

export interface OrgRow {
  id: string;
  name: string;
  timezone: string;
}

const orgColumns = { id: orgs.id, name: orgs.name, timezone: orgs.timezone };

/** `ref` is an org id or an org name (case-insensitive). */
export async function unsafeFindOrg(db: Database, ref: string): Promise<OrgRow | undefined> {
  const byId = uuidSchema.safeParse(ref).success;
  const [row] = await db
    .select(orgColumns)
    .from(orgs)
    .where(byId ? eq(orgs.id, ref) : sql`lower(${orgs.name}) = lower(${ref})`)
    .limit(1);
  return row;
}

export async function unsafeCreateOrg(
  db: Database,
  input: { name: string; timezone: string },
): Promise<OrgRow> {
  const [row] = await db.insert(orgs).values(input).returning(orgColumns);
  return row!;
}

/** With their member counts, which cross orgs: app_org_member_counts (migration 0010, decision 029). */
export async function unsafeListOrgs(db: Database): Promise<(OrgRow & { members: number })[]> {
  return queryRows<OrgRow & { members: number }>(
    db,
    sql`SELECT o.id, o.name, o.timezone, coalesce(c.members, 0) AS members
        FROM orgs o LEFT JOIN app_org_member_counts() c ON c.org_id = o.id
        ORDER BY o.name`,
  );
}

export async function unsafeFindUserByEmail(
  db: Database,
  email: string,
): Promise<{ id: string; email: string } | undefined> {
  const [row] = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(eq(users.email, email.toLowerCase()))
    .limit(1);
  return row;
}

/** A user with an email+password credential, stored where better-auth reads it (accounts, provider "credential"). */
export async function unsafeCreateUserWithPassword(
  db: Database,
  input: { email: string; name: string; passwordHash: string },
): Promise<{ id: string; email: string }> {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ email: input.email.toLowerCase(), name: input.name })
      .returning({ id: users.id, email: users.email });
    await tx.insert(accounts).values({
      userId: user!.id,
      accountId: user!.id,
      providerId: 'credential',
      password: input.passwordHash,
    });
    return user!;
  });
}

export async function unsafeFindMembership(
  db: Database,
  orgId: string,
  userId: string,
): Promise<{ id: string; role: string } | undefined> {
  const [row] = await unsafeWithOrgId(db, orgId, (tx) =>
    tx
      .select({ id: orgMemberships.id, role: orgMemberships.role })
      .from(orgMemberships)
      .where(sql`${orgMemberships.orgId} = ${orgId} AND ${orgMemberships.userId} = ${userId}`)
      .limit(1),
  );
  return row;
}

/** Adds the membership and its `member.added` audit event in one transaction; the actor is the system. */
export async function unsafeAddMembership(
  db: Database,
  input: { orgId: string; userId: string; role: MembershipRole; via: string },
): Promise<{ id: string }> {
  return unsafeWithOrgId(db, input.orgId, async (tx) => {
    const [membership] = await tx
      .insert(orgMemberships)
      .values({ orgId: input.orgId, userId: input.userId, role: input.role })
      .returning({ id: orgMemberships.id });
    await writeOrgAuditEvent(
      tx,
      input.orgId,
      { userId: null, role: null },
      {
        type: 'member.added',
        targetType: 'user',
        targetId: input.userId,
        metadata: { role: input.role, via: input.via },
      },
    );
    return membership!;
  });
}
