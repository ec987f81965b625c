import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { events, idempotencyKeys, orgMemberships } from '../../src/lib/database/schema';
import { createOrgWithMembers, createTestApi, createUser, signIn } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

// Idempotency-Key (issue 9, item 6): the route's permission is checked before a stored answer is
// replayed, and the key is completed in the action's own transaction.

describeEachDatabase('Idempotency-Key', ({ db }) => {
  async function setup() {
    const api = createTestApi(db());
    const a = await createOrgWithMembers(db(), 'Org A', {
      owner: 'owner@a.example',
      admin: 'admin@a.example',
    });
    const newcomer = await createUser(db(), 'new@a.example');
    const [owner, admin] = [await signIn(api, 'owner@a.example'), await signIn(api, 'admin@a.example')];
    const addMember = (cookie: string, key: string) =>
      api.request(`/api/orgs/${a.org.id}/members`, {
        method: 'POST',
        cookie,
        body: { email: 'new@a.example', role: 'viewer' },
        headers: { 'idempotency-key': key },
      });
    const memberships = () =>
      db()
        .db.select({ id: orgMemberships.id })
        .from(orgMemberships)
        .where(and(eq(orgMemberships.orgId, a.org.id), eq(orgMemberships.userId, newcomer.id)));
    const eventsOf = (type: string, targetId?: string) =>
      db()
        .db.select()
        .from(events)
        .where(
          and(
            eq(events.orgId, a.org.id),
            eq(events.eventType, type),
            targetId ? eq(events.targetId, targetId) : undefined,
          ),
        );
    return { api, a, newcomer, owner, admin, addMember, memberships, eventsOf };
  }

  it('refuses a replay once the role no longer allows the route, and audits it like any denial', async () => {
    const { api, a, owner, admin, addMember, eventsOf } = await setup();
    const first = await addMember(admin, 'add-1');
    expect(first.status).toBe(201);
    expect((await addMember(admin, 'add-1')).headers.get('idempotent-replayed')).toBe('true');

    const lowered = await api.request(`/api/orgs/${a.org.id}/members/${a.users.admin!.memberId}`, {
      method: 'PATCH',
      cookie: owner,
      body: { role: 'viewer' },
    });
    expect(lowered.status).toBe(200);

    const replay = await addMember(admin, 'add-1');
    expect(replay.status).toBe(403);
    expect(replay.headers.get('idempotent-replayed')).toBeNull();
    expect((await replay.json()).detail).toMatch(/role in this org does not allow/);
    const denied = await eventsOf('access.denied');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({
      actorUserId: a.users.admin!.id,
      actorRole: 'viewer',
      metadata: {
        method: 'POST',
        path: `/api/orgs/${a.org.id}/members`,
        reason: 'insufficient_role',
        permission: 'members.manage',
      },
    });
  });

  it('never leaves an action done without its key: a failure completing the key undoes the action', async () => {
    const { newcomer, owner, addMember, memberships, eventsOf } = await setup();
    // A real failure at the last statement of the action's transaction: storing the answer.
    await db().db.execute(sql`
      CREATE FUNCTION fail_completion() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'completion failed on purpose'; END $$`);
    await db().db.execute(sql`
      CREATE TRIGGER fail_completion BEFORE UPDATE ON idempotency_keys
      FOR EACH ROW WHEN (NEW.response_status IS NOT NULL) EXECUTE FUNCTION fail_completion()`);
    try {
      const failed = await addMember(owner, 'add-2');
      expect(failed.status).toBe(500);
      expect(await memberships()).toEqual([]);
      expect(await eventsOf('member.added', newcomer.id)).toEqual([]);
      // The key was released: a retry runs for real rather than answering 409 for ever.
      expect(await db().db.select().from(idempotencyKeys)).toEqual([]);
    } finally {
      await db().db.execute(sql`DROP TRIGGER fail_completion ON idempotency_keys`);
      await db().db.execute(sql`DROP FUNCTION fail_completion()`);
    }

    const retry = await addMember(owner, 'add-2');
    expect(retry.status).toBe(201);
    const replay = await addMember(owner, 'add-2');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(await retry.json());
    expect(await memberships()).toHaveLength(1);
    expect(await eventsOf('member.added', newcomer.id)).toHaveLength(1);
    const [key] = await db().db.select().from(idempotencyKeys);
    expect(key).toMatchObject({ key: 'add-2', responseStatus: 201 });
  });
});
