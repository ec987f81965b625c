import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../src/lib/db';
import { accounts, orgs, participants, recommendations, users } from '../../src/lib/database/schema';
import { verifyPassword } from '../../src/lib/password';
import { countDemoRows, seedDemo } from '../../src/lib/seed/demo';
import { DEMO_OPERATOR, DEMO_ORG } from '../../src/lib/seed/demo-data';
import { loadSyntheticOrg } from '../../src/lib/seed/load-synthetic';
import { describeEachDatabase } from '../setup/databases';

const PASSWORD = 'correct horse battery staple';

describeEachDatabase('demo seed', ({ db }) => {
  it('creates exactly the seed’s org, operator, participants, relationships, events and recommendations', async () => {
    const result = await seedDemo(db().db, { operatorPassword: PASSWORD });
    expect(result.inserted).toEqual({
      orgs: 1,
      users: 1,
      memberships: 1,
      participants: 12,
      relationships: 16,
      events: 5,
      recommendations: 3,
    });
    const [org] = await db().db.select().from(orgs);
    expect(org).toMatchObject({ name: 'Iron Front Digital', timezone: DEMO_ORG.timezone });
    expect(Intl.supportedValuesOf('timeZone')).toContain(org!.timezone);
    expect(await countDemoRows(db().db, org!.id)).toEqual({
      participants: 12,
      system_participants: 2,
      relationships: 16,
      events: 5,
      recommendations: 3,
      memberships: 1,
    });
    const [membership] = await queryRows<{ email: string; role: string }>(
      db().db,
      sql`SELECT u.email, m.role FROM org_memberships m JOIN users u ON u.id = m.user_id`,
    );
    expect(membership).toEqual({ email: DEMO_OPERATOR.email, role: 'owner' });
  });

  it('varies roles, origins, stages and activity, and leaves one participant without relationships', async () => {
    const { orgId } = await seedDemo(db().db, { operatorPassword: PASSWORD });
    const people = await db().db.select().from(participants).where(eq(participants.orgId, orgId));
    const regular = people.filter((p) => p.role !== 'system_participant');
    expect(regular).toHaveLength(10);
    expect(new Set(regular.map((p) => p.role)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(regular.map((p) => p.origin)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(regular.map((p) => p.lifecycleStage))).toEqual(
      new Set(['new', 'active', 'at_risk', 'dormant']),
    );
    expect(regular.some((p) => p.lastActivityAt === null)).toBe(true);
    const [{ isolated } = { isolated: 0 }] = await queryRows<{ isolated: number }>(
      db().db,
      sql`SELECT count(*)::int AS isolated FROM participants p WHERE p.org_id = ${orgId}
          AND NOT EXISTS (SELECT 1 FROM relationships r WHERE r.org_id = p.org_id
                          AND p.id IN (r.from_participant_id, r.to_participant_id))`,
    );
    expect(isolated).toBe(1);
    const recs = await db().db.select().from(recommendations);
    expect(recs.every((r) => r.reason.length > 20 && r.status === 'pending')).toBe(true);
  });

  it('stores the operator’s password as a verifiable scrypt hash on the credential account', async () => {
    await seedDemo(db().db, { operatorPassword: PASSWORD });
    const [account] = await db()
      .db.select({
        providerId: accounts.providerId,
        password: accounts.password,
        accountId: accounts.accountId,
        userId: accounts.userId,
      })
      .from(accounts);
    expect(account!.providerId).toBe('credential');
    expect(account!.accountId).toBe(account!.userId);
    // The cost is the test run's (TEST_PASSWORD_LOG2N); tests/unit/password.test.ts holds production to 2^17.
    expect(account!.password).toMatch(/^scrypt\$\d+\$8\$1\$/);
    expect(await verifyPassword(account!.password!, PASSWORD)).toBe(true);
    expect(await verifyPassword(account!.password!, 'wrong password!')).toBe(false);
  });

  it('generates a password only when none is configured and the operator is new', async () => {
    const first = await seedDemo(db().db);
    expect(first.generatedPassword).toMatch(/^[A-Za-z0-9]{20}$/);
    const [account] = await db().db.select({ password: accounts.password }).from(accounts);
    expect(await verifyPassword(account!.password!, first.generatedPassword!)).toBe(true);
    expect((await seedDemo(db().db)).generatedPassword).toBeUndefined();
  });

  it('changes nothing when run again, even after operators changed the data', async () => {
    const { orgId } = await seedDemo(db().db, { operatorPassword: PASSWORD });
    const before = await countDemoRows(db().db, orgId);
    await db()
      .db.update(participants)
      .set({ lifecycleStage: 'dormant' })
      .where(sql`${participants.orgId} = ${orgId} AND ${participants.displayName} = 'Ben Okafor'`);
    const [hashBefore] = await db().db.select({ password: accounts.password }).from(accounts);

    const again = await seedDemo(db().db, { operatorPassword: 'a different password' });
    expect(Object.values(again.inserted).every((n) => n === 0)).toBe(true);
    expect(again.orgId).toBe(orgId);
    expect(await countDemoRows(db().db, orgId)).toEqual(before);
    const [ben] = await db()
      .db.select({ stage: participants.lifecycleStage })
      .from(participants)
      .where(sql`${participants.orgId} = ${orgId} AND ${participants.displayName} = 'Ben Okafor'`);
    expect(ben!.stage).toBe('dormant');
    const [hashAfter] = await db().db.select({ password: accounts.password }).from(accounts);
    expect(hashAfter).toEqual(hashBefore);
    expect(await db().db.select({ id: users.id }).from(users)).toHaveLength(1);
  });
});

describeEachDatabase('synthetic org', ({ db }) => {
  const options = { participants: 3000, edges: 12_000, seed: 7, now: new Date('2026-06-01T12:00:00Z') };

  it('loads exactly the requested rows with communities, hubs and isolated participants', async () => {
    const result = await loadSyntheticOrg(db(), { name: 'Synthetic', timezone: 'UTC' }, options);
    const [stats] = await queryRows<Record<string, number>>(
      db().db,
      sql`WITH degree AS (
            SELECT p.id, count(r.id)::int AS d
            FROM participants p
            LEFT JOIN relationships r ON r.org_id = p.org_id AND p.id IN (r.from_participant_id, r.to_participant_id)
            WHERE p.org_id = ${result.orgId}
            GROUP BY p.id)
          SELECT (SELECT count(*)::int FROM participants WHERE org_id = ${result.orgId}) AS participants,
                 (SELECT count(*)::int FROM relationships WHERE org_id = ${result.orgId}) AS relationships,
                 (SELECT count(*)::int FROM degree WHERE d = 0) AS isolated,
                 (SELECT max(d) FROM degree) AS max_degree,
                 (SELECT avg(d)::float FROM degree) AS mean_degree,
                 (SELECT count(DISTINCT lifecycle_stage)::int FROM participants WHERE org_id = ${result.orgId}) AS stages,
                 (SELECT count(*)::int FROM participants WHERE org_id = ${result.orgId} AND last_activity_at IS NULL) AS never_active`,
    );
    expect(stats!.participants).toBe(3000);
    expect(stats!.relationships).toBe(12_000);
    expect(stats!.isolated).toBeGreaterThanOrEqual(60); // 2%, plus system accounts
    expect(stats!.isolated).toBeLessThan(150);
    expect(stats!.max_degree).toBeGreaterThan(stats!.mean_degree! * 20); // hubs
    expect(stats!.stages).toBe(4);
    expect(stats!.never_active).toBeGreaterThan(100);
  });

  it('is the same network for the same seed', async () => {
    const a = await loadSyntheticOrg(db(), { name: 'A', timezone: 'UTC' }, options);
    const b = await loadSyntheticOrg(db(), { name: 'B', timezone: 'UTC' }, options);
    // Ids differ per org; their last 12 hex digits are the row index, so compare the edges by index.
    const edges = (orgId: string) =>
      queryRows<{ e: string }>(
        db().db,
        sql`SELECT right(from_participant_id::text, 12) || '>' || right(to_participant_id::text, 12) || type AS e
            FROM relationships WHERE org_id = ${orgId} ORDER BY 1`,
      );
    expect(await edges(a.orgId)).toEqual(await edges(b.orgId));
  });
});
