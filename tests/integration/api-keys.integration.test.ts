import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { apiKeys, events } from '../../src/lib/database/schema';
import { queryRows } from '../../src/lib/db';
import { createOrgWithMembers, createTestApi, signIn, type TestApi } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

describeEachDatabase('API keys', ({ db }) => {
  async function setup(env: Record<string, string> = {}) {
    const api = createTestApi(db(), env);
    const a = await createOrgWithMembers(db(), 'Org A', {
      owner: 'owner@a.example',
      admin: 'admin@a.example',
      operator: 'operator@a.example',
    });
    const b = await createOrgWithMembers(db(), 'Org B', { owner: 'owner@b.example' });
    return { api, a, b, admin: await signIn(api, 'admin@a.example') };
  }

  async function newKey(api: TestApi, orgId: string, cookie: string, body: Record<string, unknown>) {
    const response = await api.request(`/api/orgs/${orgId}/api-keys`, {
      method: 'POST',
      cookie,
      body: { expiresInDays: null, ...body },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as { id: string; secret: string; prefix: string; role: string };
  }

  /** A request as a script sends it: no cookie, no Origin, the key in Authorization. */
  const withKey = (
    api: TestApi,
    path: string,
    secret: string,
    init: { method?: string; body?: unknown } = {},
  ) =>
    api.app.request(path, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${secret}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  it('shows the secret once, keeps only its hash, and lists keys without it', async () => {
    const { api, a, admin } = await setup();
    // As the console sends it, with an Idempotency-Key: the answer kept for a retry has no secret.
    const created = await api.request(`/api/orgs/${a.org.id}/api-keys`, {
      method: 'POST',
      cookie: admin,
      body: { name: 'Nightly sync', role: 'viewer', expiresInDays: null },
      headers: { 'idempotency-key': 'create-key-1' },
    });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; secret: string; prefix: string };
    const retried = await api.request(`/api/orgs/${a.org.id}/api-keys`, {
      method: 'POST',
      cookie: admin,
      body: { name: 'Nightly sync', role: 'viewer', expiresInDays: null },
      headers: { 'idempotency-key': 'create-key-1' },
    });
    expect(await retried.json()).toMatchObject({ id: key.id, secret: null });
    expect(key.secret).toMatch(/^oc_[A-Za-z0-9_-]{43}$/);
    expect(key.secret.startsWith(key.prefix)).toBe(true);

    const list = await api.request(`/api/orgs/${a.org.id}/api-keys`, { cookie: admin });
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toContain(key.secret);
    expect(JSON.parse(text).items).toEqual([
      expect.objectContaining({ id: key.id, name: 'Nightly sync', role: 'viewer', prefix: key.prefix }),
    ]);
    expect(JSON.parse(text).items[0]).not.toHaveProperty('secret');

    // Nowhere in the database: not the secret, not its tail.
    const tail = key.secret.slice(key.prefix.length);
    const [row] = await db().db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(JSON.stringify(row)).not.toContain(tail);
    const [{ found }] = (await queryRows<{ found: number }>(
      db().db,
      sql`SELECT count(*)::int AS found FROM events WHERE metadata::text LIKE ${'%' + tail + '%'}`,
    )) as [{ found: number }];
    expect(found).toBe(0);
  });

  it('acts with the key’s role: a viewer key reads but may not write, an operator key writes', async () => {
    const { api, a, admin } = await setup();
    const viewer = await newKey(api, a.org.id, admin, { name: 'Read only', role: 'viewer' });
    const operator = await newKey(api, a.org.id, admin, { name: 'Writer', role: 'operator' });

    const read = await withKey(api, `/api/orgs/${a.org.id}/participants?limit=5`, viewer.secret);
    expect(read.status).toBe(200);
    // Reversing an intervention needs interventions.write: the viewer key is refused before the id
    // is looked up, the operator key passes and finds no such intervention.
    const reverse = `/api/orgs/${a.org.id}/interventions/00000000-0000-4000-8000-000000000000/reverse`;
    const body = { reason: 'Tried by a script' };
    expect((await withKey(api, reverse, viewer.secret, { method: 'POST', body })).status).toBe(403);
    expect((await withKey(api, reverse, operator.secret, { method: 'POST', body })).status).toBe(404);
    // No key audits, reads or admin work beyond its role.
    expect((await withKey(api, `/api/orgs/${a.org.id}/events`, operator.secret)).status).toBe(403);
  });

  it('audits every request made with a key, the key as the actor', async () => {
    const { api, a, admin } = await setup();
    const key = await newKey(api, a.org.id, admin, { name: 'Auditor', role: 'admin' });
    expect((await withKey(api, `/api/orgs/${a.org.id}/participants?limit=5`, key.secret)).status).toBe(200);
    expect((await withKey(api, `/api/orgs/${a.org.id}`, key.secret)).status).toBe(200);

    const rows = await db()
      .db.select()
      .from(events)
      .where(eq(events.orgId, a.org.id))
      .orderBy(events.createdAt);
    const byKey = rows.filter((e) => (e.metadata as Record<string, unknown>).apiKeyId === key.id);
    expect(byKey.map((e) => e.eventType)).toEqual(['participants.listed', 'api_key.used', 'api_key.used']);
    for (const event of byKey) {
      expect(event).toMatchObject({ actorUserId: null, actorRole: 'admin' });
      expect(event.metadata).toMatchObject({ actorType: 'api_key', apiKeyPrefix: key.prefix });
    }
    expect(byKey[1]!.metadata).toMatchObject({ method: 'GET', status: 200 });
    expect(byKey[2]!.metadata).toMatchObject({ path: `/api/orgs/${a.org.id}`, status: 200 });
    const created = rows.find((e) => e.eventType === 'api_key.created')!;
    expect(created).toMatchObject({ targetId: key.id, actorRole: 'admin' });
    expect(created.metadata).toMatchObject({ name: 'Auditor', role: 'admin', prefix: key.prefix });
  });

  it('refuses a key at once after it is revoked, and after it expires', async () => {
    const { api, a, admin } = await setup();
    const key = await newKey(api, a.org.id, admin, {
      name: 'Short lived',
      role: 'viewer',
      expiresInDays: 30,
    });
    const path = `/api/orgs/${a.org.id}/participants?limit=1`;
    expect((await withKey(api, path, key.secret)).status).toBe(200);

    const revoke = await api.request(`/api/orgs/${a.org.id}/api-keys/${key.id}`, {
      method: 'DELETE',
      cookie: admin,
    });
    expect(revoke.status).toBe(200);
    expect((await revoke.json()).revokedAt).toEqual(expect.any(String));
    const after = await withKey(api, path, key.secret);
    expect(after.status).toBe(401);
    expect((await after.json()).detail).toMatch(/revoked/);
    // Revoking again changes nothing and writes no second event.
    expect(
      (await api.request(`/api/orgs/${a.org.id}/api-keys/${key.id}`, { method: 'DELETE', cookie: admin }))
        .status,
    ).toBe(200);
    const revokedEvents = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, a.org.id), eq(events.eventType, 'api_key.revoked')));
    expect(revokedEvents).toHaveLength(1);

    const expiring = await newKey(api, a.org.id, admin, {
      name: 'Expiring',
      role: 'viewer',
      expiresInDays: 1,
    });
    expect((await withKey(api, path, expiring.secret)).status).toBe(200);
    await db().db.execute(
      sql`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = ${expiring.id}`,
    );
    const expired = await withKey(api, path, expiring.secret);
    expect(expired.status).toBe(401);
    expect((await expired.json()).detail).toMatch(/expired/);
  });

  it('refuses a key on another org’s routes (403, audited there) and unknown or malformed keys (401)', async () => {
    const { api, a, b, admin } = await setup();
    const key = await newKey(api, a.org.id, admin, { name: 'Org A only', role: 'admin' });
    const cross = await withKey(api, `/api/orgs/${b.org.id}/participants`, key.secret);
    expect(cross.status).toBe(403);
    const denied = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, b.org.id), eq(events.eventType, 'access.denied')));
    expect(denied).toHaveLength(1);
    expect(denied[0]!.metadata).toMatchObject({ reason: 'api_key_of_another_org', apiKeyPrefix: key.prefix });
    // A missing org answers as another's does.
    expect(
      (await withKey(api, `/api/orgs/00000000-0000-4000-8000-000000000000/participants`, key.secret)).status,
    ).toBe(403);

    const unknown = `oc_${'A'.repeat(43)}`;
    const wrong = await withKey(api, `/api/orgs/${a.org.id}/participants`, unknown);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/problem\+json/);
    // Another scheme leaves the session in charge (a proxy's Basic credentials, say).
    const withBasic = await api.request(`/api/orgs/${a.org.id}/participants`, {
      cookie: admin,
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(withBasic.status).toBe(200);
    expect(
      (
        await api.app.request(`/api/orgs/${a.org.id}/participants`, {
          headers: { authorization: 'Bearer oc_short' },
        })
      ).status,
    ).toBe(401);
    for (const header of ['Bearer', 'Bearer short', `Basic ${key.secret}`, `Bearer ${key.secret} extra`]) {
      const response = await api.app.request(`/api/orgs/${a.org.id}/participants`, {
        headers: { authorization: header },
      });
      expect(response.status, header).toBe(401);
    }
  });

  it('lets only signed-in admins and owners manage keys, never a key, and only below owner', async () => {
    const { api, a, admin } = await setup();
    const operator = await signIn(api, 'operator@a.example');
    const path = `/api/orgs/${a.org.id}/api-keys`;
    expect((await api.request(path, { cookie: operator })).status).toBe(403);
    const owner = await api.request(path, {
      method: 'POST',
      cookie: admin,
      body: { name: 'Too strong', role: 'owner', expiresInDays: null },
    });
    expect(owner.status).toBe(400);
    const key = await newKey(api, a.org.id, admin, { name: 'Admin key', role: 'admin' });
    const byKey = await withKey(api, path, key.secret, {
      method: 'POST',
      body: { name: 'Successor', role: 'admin', expiresInDays: null },
    });
    expect(byKey.status).toBe(403);
    expect((await byKey.json()).detail).toMatch(/signed-in member/);
    const denied = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, a.org.id), eq(events.eventType, 'access.denied')));
    expect(denied.map((e) => e.metadata)).toContainEqual(
      expect.objectContaining({ reason: 'not_with_an_api_key', apiKeyId: key.id }),
    );
    expect((await withKey(api, path, key.secret)).status).toBe(403);
    expect((await withKey(api, `${path}/${key.id}`, key.secret, { method: 'DELETE' })).status).toBe(403);
    // Nor the members, nor the audit log's streams: a leaked key cannot add anyone or silence the log.
    expect((await withKey(api, `/api/orgs/${a.org.id}/members`, key.secret)).status).toBe(403);
    expect(
      (
        await withKey(api, `/api/orgs/${a.org.id}/audit-streams`, key.secret, {
          method: 'POST',
          body: { url: 'https://siem.example.com/hook' },
        })
      ).status,
    ).toBe(403);
    for (const body of [
      { name: ' ', role: 'viewer', expiresInDays: null },
      { name: 'x', role: 'viewer', expiresInDays: 0 },
      { name: 'x', role: 'viewer', expiresInDays: 366 },
      { name: 'x', role: 'viewer', expiresInDays: 1.5 },
      { name: 'x', role: 'viewer' },
      { name: 'x', role: 'viewer', expiresInDays: null, secret: 'mine' },
    ]) {
      const response = await api.request(path, { method: 'POST', cookie: admin, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    const other = await api.request(`${path}/00000000-0000-4000-8000-000000000000`, {
      method: 'DELETE',
      cookie: admin,
    });
    expect(other.status).toBe(404);
  });

  it('shares the rate limits: a key has its own bucket, and the org’s is shared with members', async () => {
    const { api, a, admin } = await setup({ RATE_LIMIT_USER_PER_MINUTE: '3' });
    const key = await newKey(api, a.org.id, admin, { name: 'Busy script', role: 'viewer' });
    const path = `/api/orgs/${a.org.id}/participants?limit=1`;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await withKey(api, path, key.secret)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
