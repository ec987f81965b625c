import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { events, sessions } from '../../src/lib/database/schema';
import {
  createOrgWithMembers,
  createTestApi,
  createUser,
  sessionCookie,
  signIn,
  TEST_PASSWORD,
} from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

describeEachDatabase('sign-in, sessions and sign-out', ({ db }) => {
  it('signs in with a session cookie that scripts cannot read, and audits it', async () => {
    const api = createTestApi(db());
    const { org, users } = await createOrgWithMembers(db(), 'Org', { owner: 'owner@example.com' });
    const response = await api.request('/api/auth/sign-in/email', {
      method: 'POST',
      body: { email: 'OWNER@example.com', password: TEST_PASSWORD },
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ user: { id: users.owner!.id, email: 'owner@example.com', name: 'owner' } });
    expect(JSON.stringify(body)).not.toContain('token');
    const cookie = response.headers
      .getSetCookie()
      .find((c) => c.startsWith('operator-console.session_token='))!;
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).not.toMatch(/; Secure/i);
    const [event] = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, org.id), eq(events.eventType, 'auth.signed_in')));
    expect(event).toMatchObject({
      actorUserId: users.owner!.id,
      actorRole: 'owner',
      targetType: 'user',
      targetId: users.owner!.id,
    });
  });

  it('answers every failed sign-in with the same message, and audits failures of known accounts', async () => {
    const api = createTestApi(db());
    const { org, users } = await createOrgWithMembers(db(), 'Org', { viewer: 'viewer@example.com' });
    const wrongPassword = await api.request('/api/auth/sign-in/email', {
      method: 'POST',
      body: { email: 'viewer@example.com', password: 'not the password' },
    });
    const unknownEmail = await api.request('/api/auth/sign-in/email', {
      method: 'POST',
      body: { email: 'nobody@example.com', password: 'not the password' },
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const [a, b] = [await wrongPassword.json(), await unknownEmail.json()];
    expect(a.detail).toBe('Invalid email or password.');
    expect(b).toEqual(a);
    const failed = await db().db.select().from(events).where(eq(events.eventType, 'auth.sign_in_failed'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ orgId: org.id, actorUserId: null, targetId: users.viewer!.id });
    expect(failed[0]!.metadata).toMatchObject({ reason: 'invalid_credentials' });
  });

  it('refuses a malformed sign-in with a 400 naming the field', async () => {
    const api = createTestApi(db());
    const response = await api.request('/api/auth/sign-in/email', {
      method: 'POST',
      body: { email: 'not-an-email', password: 'x' },
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errors).toContainEqual({
      path: 'email',
      message: 'must be an email address',
    });
  });

  it('issues a new session at every sign-in', async () => {
    const api = createTestApi(db());
    await createUser(db(), 'sam@example.com');
    const first = await signIn(api, 'sam@example.com');
    const response = await api.request('/api/auth/sign-in/email', {
      method: 'POST',
      cookie: first,
      body: { email: 'sam@example.com', password: TEST_PASSWORD },
    });
    expect(sessionCookie(response)).toBeDefined();
    expect(sessionCookie(response)).not.toBe(first);
  });

  it('answers /api/me with the user and their orgs, and 401 without a session', async () => {
    const api = createTestApi(db());
    const a = await createOrgWithMembers(db(), 'Alpha', { operator: 'sam@example.com' });
    expect((await api.request('/api/me')).status).toBe(401);
    const cookie = await signIn(api, 'sam@example.com');
    const me = await api.request('/api/me', { cookie });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({
      user: { id: a.users.operator!.id, email: 'sam@example.com', name: 'sam' },
      memberships: [{ orgId: a.org.id, orgName: 'Alpha', role: 'operator' }],
    });
  });

  it('ends the session server-side at sign-out: the old cookie no longer works', async () => {
    const api = createTestApi(db());
    await createUser(db(), 'sam@example.com');
    const cookie = await signIn(api, 'sam@example.com');
    expect((await api.request('/api/me', { cookie })).status).toBe(200);
    const out = await api.request('/api/auth/sign-out', { method: 'POST', cookie });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().some((c) => /session_token=;/.test(c) && /Max-Age=0/i.test(c))).toBe(
      true,
    );
    expect((await api.request('/api/me', { cookie })).status).toBe(401);
    expect(await db().db.select().from(sessions)).toHaveLength(0);
  });

  it('expires a session after the idle period', async () => {
    const api = createTestApi(db());
    await createUser(db(), 'sam@example.com');
    const cookie = await signIn(api, 'sam@example.com');
    await db()
      .db.update(sessions)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(sql`true`);
    expect((await api.request('/api/me', { cookie })).status).toBe(401);
  });

  it('extends an active session by the idle period, up to the absolute lifetime', async () => {
    const api = createTestApi(db(), { SESSION_IDLE_MINUTES: '30', SESSION_ABSOLUTE_HOURS: '12' });
    await createUser(db(), 'sam@example.com');
    const cookie = await signIn(api, 'sam@example.com');
    // Used two minutes after sign-in, with a minute of idle time left: the end moves out again.
    await db()
      .db.update(sessions)
      .set({
        createdAt: sql`now() - interval '2 minutes'`,
        expiresAt: sql`now() + interval '1 minute'`,
      })
      .where(sql`true`);
    expect((await api.request('/api/me', { cookie })).status).toBe(200);
    const [refreshed] = await db().db.select({ expiresAt: sessions.expiresAt }).from(sessions);
    expect(refreshed!.expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 60_000);
    // Past the absolute lifetime the session ends, however active it was, and is deleted.
    await db()
      .db.update(sessions)
      .set({ createdAt: sql`now() - interval '12 hours 1 second'` })
      .where(sql`true`);
    expect((await api.request('/api/me', { cookie })).status).toBe(401);
    expect(await db().db.select().from(sessions)).toHaveLength(0);
  });

  it('marks the cookie Secure in production', async () => {
    const api = createTestApi(db(), { NODE_ENV: 'production', PUBLIC_URL: 'https://console.example.com' });
    await createUser(db(), 'sam@example.com');
    const response = await api.app.request('https://console.example.com/api/auth/sign-in/email', {
      method: 'POST',
      headers: { origin: 'https://console.example.com', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'sam@example.com', password: TEST_PASSWORD }),
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((c) => c.includes('session_token='))!;
    expect(cookie).toMatch(/^__Secure-operator-console\.session_token=/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; HttpOnly/i);
  });
});

describeEachDatabase('cross-site requests', ({ db }) => {
  it('refuses a state-changing request with a session cookie from another site, changing nothing', async () => {
    const api = createTestApi(db());
    const { org } = await createOrgWithMembers(db(), 'Org', { owner: 'owner@example.com' });
    await createUser(db(), 'new@example.com');
    const cookie = await signIn(api, 'owner@example.com');
    const attempt = (headers: Record<string, string>) =>
      api.app.request(`/api/orgs/${org.id}/members`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ email: 'new@example.com', role: 'viewer' }),
      });
    for (const headers of <Record<string, string>[]>[
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: 'http://sub.localhost' },
      {},
    ]) {
      const response = await attempt(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    const members = await api.request(`/api/orgs/${org.id}/members`, { cookie });
    expect((await members.json()).items).toHaveLength(1);
    // The same request from our own pages goes through.
    expect((await attempt({ origin: 'http://localhost', 'sec-fetch-site': 'same-origin' })).status).toBe(201);
  });

  it('refuses a cross-site sign-out, keeping the session', async () => {
    const api = createTestApi(db());
    await createUser(db(), 'sam@example.com');
    const cookie = await signIn(api, 'sam@example.com');
    const response = await api.app.request('/api/auth/sign-out', {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(response.status).toBe(403);
    expect((await api.request('/api/me', { cookie })).status).toBe(200);
  });
});

describeEachDatabase('sign-in throttling', ({ db }) => {
  it('locks an account after repeated failures, even for the right password, and says when to retry', async () => {
    const api = createTestApi(db(), { SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '3', SIGN_IN_WINDOW_MINUTES: '15' });
    await createUser(db(), 'sam@example.com');
    await createUser(db(), 'kim@example.com');
    for (let i = 0; i < 3; i++) {
      const r = await api.request('/api/auth/sign-in/email', {
        method: 'POST',
        body: { email: 'sam@example.com', password: 'wrong password' },
        headers: { 'x-forwarded-for': `198.51.100.${i}` }, // different addresses: the account limit is per account
      });
      expect(r.status).toBe(401);
    }
    const locked = await api.request('/api/auth/sign-in/email', {
      method: 'POST',
      body: { email: 'sam@example.com', password: TEST_PASSWORD },
    });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(locked.headers.get('content-type')).toBe('application/problem+json');
    // Another account is not affected.
    expect(await signIn(api, 'kim@example.com')).toBeDefined();
  });

  it('limits failures per address across accounts', async () => {
    const api = createTestApi(db(), {
      SIGN_IN_MAX_FAILURES_PER_IP: '4',
      SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '100',
    });
    await createUser(db(), 'sam@example.com');
    for (let i = 0; i < 4; i++) {
      await api.request('/api/auth/sign-in/email', {
        method: 'POST',
        body: { email: `guess${i}@example.com`, password: 'wrong password' },
        headers: { 'x-forwarded-for': '192.0.2.7' },
      });
    }
    const fromSameAddress = await api.request('/api/auth/sign-in/email', {
      method: 'POST',
      body: { email: 'sam@example.com', password: TEST_PASSWORD },
      headers: { 'x-forwarded-for': '192.0.2.7' },
    });
    expect(fromSameAddress.status).toBe(429);
    expect(await signIn(api, 'sam@example.com', TEST_PASSWORD, '192.0.2.8')).toBeDefined();
  });

  it('forgets earlier failures after a successful sign-in', async () => {
    const api = createTestApi(db(), { SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '2' });
    await createUser(db(), 'sam@example.com');
    const fail = () =>
      api.request('/api/auth/sign-in/email', {
        method: 'POST',
        body: { email: 'sam@example.com', password: 'wrong password' },
      });
    expect((await fail()).status).toBe(401);
    await signIn(api, 'sam@example.com');
    expect((await fail()).status).toBe(401);
    expect(await signIn(api, 'sam@example.com')).toBeDefined();
  });
});

describeEachDatabase('API rate limits', ({ db }) => {
  it('sends RateLimit headers and answers 429 with Retry-After past the per-user limit', async () => {
    const api = createTestApi(db(), { RATE_LIMIT_USER_PER_MINUTE: '3', RATE_LIMIT_ORG_PER_MINUTE: '100' });
    const { org } = await createOrgWithMembers(db(), 'Org', { viewer: 'viewer@example.com' });
    const cookie = await signIn(api, 'viewer@example.com');
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await api.request(`/api/orgs/${org.id}`, { cookie });
      expect(r.status).toBe(200);
      expect(r.headers.get('ratelimit-limit')).toBe('3');
      remaining.push(r.headers.get('ratelimit-remaining')!);
      expect(Number(r.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await api.request(`/api/orgs/${org.id}`, { cookie });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect((await limited.json()).detail).toMatch(/Too many requests from you/);
  });

  it('limits an org as a whole, whichever of its members asks', async () => {
    const api = createTestApi(db(), { RATE_LIMIT_USER_PER_MINUTE: '100', RATE_LIMIT_ORG_PER_MINUTE: '2' });
    const { org } = await createOrgWithMembers(db(), 'Org', {
      viewer: 'v@example.com',
      operator: 'o@example.com',
    });
    const v = await signIn(api, 'v@example.com');
    const o = await signIn(api, 'o@example.com');
    expect((await api.request(`/api/orgs/${org.id}`, { cookie: v })).status).toBe(200);
    expect((await api.request(`/api/orgs/${org.id}`, { cookie: o })).status).toBe(200);
    const limited = await api.request(`/api/orgs/${org.id}`, { cookie: v });
    expect(limited.status).toBe(429);
    expect((await limited.json()).detail).toMatch(/for this org/);
  });
});
