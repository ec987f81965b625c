import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { events, orgMemberships } from '../../src/lib/database/schema';
import { createOrgWithMembers, createTestApi, createUser, signIn } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

describeEachDatabase('members', ({ db }) => {
  async function setup() {
    const api = createTestApi(db());
    const a = await createOrgWithMembers(db(), 'Org A', {
      owner: 'owner@a.example',
      admin: 'admin@a.example',
      viewer: 'viewer@a.example',
    });
    const b = await createOrgWithMembers(db(), 'Org B', { owner: 'owner@b.example' });
    return {
      api,
      a,
      b,
      owner: await signIn(api, 'owner@a.example'),
      admin: await signIn(api, 'admin@a.example'),
    };
  }

  it('keeps the last owner: no demotion, no removal, until another owner exists', async () => {
    const { api, a, owner } = await setup();
    const self = `/api/orgs/${a.org.id}/members/${a.users.owner!.memberId}`;
    const demote = await api.request(self, { method: 'PATCH', cookie: owner, body: { role: 'admin' } });
    expect(demote.status).toBe(409);
    expect((await demote.json()).detail).toMatch(/at least one owner/);
    expect((await api.request(self, { method: 'DELETE', cookie: owner })).status).toBe(409);
    const [still] = await db()
      .db.select()
      .from(orgMemberships)
      .where(eq(orgMemberships.id, a.users.owner!.memberId));
    expect(still!.role).toBe('owner');

    const promote = await api.request(`/api/orgs/${a.org.id}/members/${a.users.admin!.memberId}`, {
      method: 'PATCH',
      cookie: owner,
      body: { role: 'owner' },
    });
    expect(promote.status).toBe(200);
    expect(
      (await api.request(self, { method: 'PATCH', cookie: owner, body: { role: 'admin' } })).status,
    ).toBe(200);
  });

  it('lets only owners grant or take away admin and owner, and audits the refusal', async () => {
    const { api, a, admin } = await setup();
    await createUser(db(), 'new@a.example');
    const grant = await api.request(`/api/orgs/${a.org.id}/members`, {
      method: 'POST',
      cookie: admin,
      body: { email: 'new@a.example', role: 'admin' },
    });
    expect(grant.status).toBe(403);
    const removeOwner = await api.request(`/api/orgs/${a.org.id}/members/${a.users.owner!.memberId}`, {
      method: 'DELETE',
      cookie: admin,
    });
    expect(removeOwner.status).toBe(403);
    const denied = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, a.org.id), eq(events.eventType, 'access.denied')));
    expect(denied).toHaveLength(2);
    expect(denied[0]!.metadata).toMatchObject({
      reason: 'insufficient_role',
      permission: 'members.grant_admin',
    });
    // Admins manage the other roles.
    const add = await api.request(`/api/orgs/${a.org.id}/members`, {
      method: 'POST',
      cookie: admin,
      body: { email: 'new@a.example', role: 'operator' },
    });
    expect(add.status).toBe(201);
  });

  it("acts on a lowered role and a removed membership at the member's next request, in the same session", async () => {
    const { api, a, owner, admin } = await setup();
    const members = `/api/orgs/${a.org.id}/members`;
    const invite = (email: string) =>
      api.request(members, { method: 'POST', cookie: admin, body: { email, role: 'viewer' } });
    await createUser(db(), 'first@a.example');
    await createUser(db(), 'second@a.example');
    expect((await invite('first@a.example')).status).toBe(201);
    const list = (await (await api.request(members, { cookie: owner })).json()) as {
      items: { id: string; email: string }[];
    };
    const adminMember = list.items.find((m) => m.email === 'admin@a.example')!;
    const memberPath = `${members}/${adminMember.id}`;
    expect(
      (await api.request(memberPath, { method: 'PATCH', cookie: owner, body: { role: 'viewer' } })).status,
    ).toBe(200);
    // No cache between the two: the very next request is a viewer's.
    expect((await invite('second@a.example')).status).toBe(403);
    const read = () => api.request(`/api/orgs/${a.org.id}/participants`, { cookie: admin });
    expect((await read()).status).toBe(200);
    expect((await api.request(memberPath, { method: 'DELETE', cookie: owner })).status).toBe(204);
    expect((await read()).status).toBe(403);
    expect((await api.request('/api/me', { cookie: admin })).status).toBe(200);
  });

  it('adds, changes and removes members, auditing each change with before and after', async () => {
    const { api, a, owner } = await setup();
    const user = await createUser(db(), 'new@a.example');
    const added = await api.request(`/api/orgs/${a.org.id}/members`, {
      method: 'POST',
      cookie: owner,
      body: { email: 'NEW@a.example', role: 'viewer' },
    });
    expect(added.status).toBe(201);
    const member = await added.json();
    expect(member).toMatchObject({ userId: user.id, email: 'new@a.example', role: 'viewer' });
    const path = `/api/orgs/${a.org.id}/members/${member.id}`;
    expect(
      (await api.request(path, { method: 'PATCH', cookie: owner, body: { role: 'operator' } })).status,
    ).toBe(200);
    expect((await api.request(path, { method: 'DELETE', cookie: owner })).status).toBe(204);
    const log = await db()
      .db.select({
        type: events.eventType,
        actor: events.actorUserId,
        role: events.actorRole,
        target: events.targetId,
        metadata: events.metadata,
      })
      .from(events)
      .where(and(eq(events.orgId, a.org.id), eq(events.targetId, user.id)))
      .orderBy(events.createdAt);
    expect(log.map((e) => e.type)).toEqual(['member.added', 'member.role_changed', 'member.removed']);
    expect(log.every((e) => e.actor === a.users.owner!.id && e.role === 'owner')).toBe(true);
    expect(log[1]!.metadata).toMatchObject({ from: 'viewer', to: 'operator' });
  });

  it('answers 422 for an unknown email, 409 for an existing member, 404 for another org’s member, 400 for malformed input', async () => {
    const { api, a, b, owner } = await setup();
    const base = `/api/orgs/${a.org.id}/members`;
    const unknown = await api.request(base, {
      method: 'POST',
      cookie: owner,
      body: { email: 'ghost@a.example', role: 'viewer' },
    });
    expect(unknown.status).toBe(422);
    const existing = await api.request(base, {
      method: 'POST',
      cookie: owner,
      body: { email: 'viewer@a.example', role: 'viewer' },
    });
    expect(existing.status).toBe(409);
    const foreign = await api.request(`${base}/${b.users.owner!.memberId}`, {
      method: 'PATCH',
      cookie: owner,
      body: { role: 'viewer' },
    });
    expect(foreign.status).toBe(404);
    const badId = await api.request(`${base}/not-a-uuid`, { method: 'DELETE', cookie: owner });
    expect(badId.status).toBe(400);
    expect((await badId.json()).errors).toContainEqual({ path: 'memberId', message: 'must be a UUID' });
    const badOrg = await api.request('/api/orgs/nope/members', { cookie: owner });
    expect(badOrg.status).toBe(400);
    const badRole = await api.request(base, {
      method: 'POST',
      cookie: owner,
      body: { email: 'x@a.example', role: 'superuser' },
    });
    expect(badRole.status).toBe(400);
    const badJson = await api.request(base, { method: 'POST', cookie: owner, body: '{"email": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.headers.get('content-type')).toBe('application/problem+json');
    const missingOrg = await api.request('/api/orgs/00000000-0000-4000-8000-000000000000/members', {
      cookie: owner,
    });
    expect(missingOrg.status).toBe(403); // the same answer as for an org you are not in
  });

  it('pages through members without gaps or repeats', async () => {
    const { api, a, owner } = await setup();
    for (let i = 0; i < 5; i++) {
      const u = await createUser(db(), `m${i}@a.example`);
      await api.request(`/api/orgs/${a.org.id}/members`, {
        method: 'POST',
        cookie: owner,
        body: { email: u.email, role: 'viewer' },
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await (
        await api.request(`/api/orgs/${a.org.id}/members${query}`, { cookie: owner })
      ).json();
      seen.push(...page.items.map((m: { email: string }) => m.email));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(8);
    const bad = await api.request(`/api/orgs/${a.org.id}/members?cursor=garbage`, { cookie: owner });
    expect(bad.status).toBe(400);
  });
});

describeEachDatabase('request bodies', ({ db }) => {
  it('answers 400 for malformed JSON, 413 for an oversized body and 415 for another content type, as problem+json', async () => {
    const api = createTestApi(db());
    const { org } = await createOrgWithMembers(db(), 'Org', { owner: 'owner@example.com' });
    const cookie = await signIn(api, 'owner@example.com');
    const post = (body: string, contentType = 'application/json') =>
      api.request(`/api/orgs/${org.id}/members`, {
        method: 'POST',
        cookie,
        body,
        headers: { 'content-type': contentType },
      });
    const malformed = await post('{"email": "a@example.com",');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toBe('application/problem+json');
    const huge = await post(
      JSON.stringify({ email: 'a@example.com', role: 'viewer', pad: 'x'.repeat(1024 * 1024) }),
    );
    expect(huge.status).toBe(413);
    expect((await huge.json()).title).toBe('Payload too large');
    const form = await post('email=a@example.com&role=viewer', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
    expect(form.headers.get('content-type')).toBe('application/problem+json');
  });
});
