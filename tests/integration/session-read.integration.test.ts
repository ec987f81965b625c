import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { sessions } from '../../src/lib/database/schema';
import { metrics } from '../../src/lib/observability/metrics';
import { verifiedToken } from '../../src/lib/session-cookie';
import { createOrgWithMembers, createTestApi, signIn, type TestApi } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

// Decision 051: a request whose session needs nothing of better-auth is answered from one statement
// (session, user, membership); every other case is the library's, as before. These tests hold the
// seam: the same cookies, the same refresh, the same refusals on either side of it.

const IDLE_MINUTES = 30;

describeEachDatabase('reading the session without the auth library', ({ db }) => {
  async function setUp(): Promise<{ api: TestApi; cookie: string; orgId: string }> {
    const api = createTestApi(db(), { SESSION_IDLE_MINUTES: String(IDLE_MINUTES) });
    const { org } = await createOrgWithMembers(db(), 'Alpha', { operator: 'sam@example.com' });
    return { api, cookie: await signIn(api, 'sam@example.com'), orgId: org.id };
  }

  const expiresAt = async () => (await db().db.select({ at: sessions.expiresAt }).from(sessions))[0]!.at;

  it("verifies better-auth's own cookie: its token is the session's", async () => {
    const { api, cookie } = await setUp();
    const [token] = await db().db.select({ token: sessions.token }).from(sessions);
    const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
    expect(verifiedToken(value, (await api.deps.auth.$context).secret)).toBe(token!.token);
  });

  it('answers a fresh session as it is, and hands one due for its refresh to the library, which extends it', async () => {
    const { api, cookie, orgId } = await setUp();
    const fresh = await api.request(`/api/orgs/${orgId}/participants`, { cookie });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.getSetCookie()).toEqual([]);
    // Last refreshed five minutes ago (the refresh is due a minute after the last): the library
    // moves the end out by the idle period again and sends the cookie anew.
    await db()
      .db.update(sessions)
      .set({ expiresAt: sql`now() + make_interval(mins => ${IDLE_MINUTES - 5})` })
      .where(sql`true`);
    const due = await api.request(`/api/orgs/${orgId}/participants`, { cookie });
    expect(due.status).toBe(200);
    expect(due.headers.getSetCookie().some((c) => /session_token=/.test(c))).toBe(true);
    expect((await expiresAt()).getTime() - Date.now()).toBeGreaterThan((IDLE_MINUTES - 1) * 60_000);
  });

  it('refuses an expired session, a forged signature and a cookie of another secret', async () => {
    const { api, cookie, orgId } = await setUp();
    const path = `/api/orgs/${orgId}/participants`;
    const [name, value] = [
      cookie.slice(0, cookie.indexOf('=')),
      decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)),
    ];
    const token = value.slice(0, value.lastIndexOf('.'));
    const forged = `${name}=${encodeURIComponent(`${token}.${'A'.repeat(43)}=`)}`;
    expect((await api.request(path, { cookie: forged })).status).toBe(401);
    const otherApi = createTestApi(db(), { AUTH_SECRET: 'another-secret-'.padEnd(48, 'y') });
    expect((await otherApi.request(path, { cookie })).status).toBe(401);
    expect((await api.request(path, { cookie })).status).toBe(200);
    await db()
      .db.update(sessions)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(sql`true`);
    expect((await api.request(path, { cookie })).status).toBe(401);
    // The library ended it: the row is gone, as before this path existed.
    expect(await db().db.select().from(sessions)).toHaveLength(0);
  });

  it('leaves a session kept only for the browser session (dont_remember) to the library', async () => {
    const { api, orgId } = await setUp();
    const response = await api.request('/api/auth/sign-in/email', {
      method: 'POST',
      body: { email: 'sam@example.com', password: 'test password 12345', rememberMe: false },
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(response.status).toBe(200);
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .join('; ');
    expect(cookie).toMatch(/dont_remember=/);
    const answer = await api.request(`/api/orgs/${orgId}/participants`, { cookie });
    expect(answer.status).toBe(200);
  });

  it('reads the Secure-prefixed cookie of production the same way', async () => {
    const base = 'https://console.example.com';
    const api = createTestApi(db(), { NODE_ENV: 'production', PUBLIC_URL: base });
    const { org } = await createOrgWithMembers(db(), 'Alpha', { operator: 'sam@example.com' });
    const signedIn = await api.app.request(`${base}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { origin: base, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'sam@example.com', password: 'test password 12345' }),
    });
    const cookie = signedIn.headers
      .getSetCookie()
      .find((c) => c.startsWith('__Secure-'))!
      .split(';')[0]!;
    const directReads = async () =>
      (await metrics().queryDuration.get()).values
        .filter(
          (v) =>
            v.metricName === 'db_query_duration_seconds_count' &&
            v.labels.query === 'sessions.unsafeFindSessionByToken',
        )
        .reduce((sum, v) => sum + v.value, 0);
    const before = await directReads();
    const answer = await api.app.request(`${base}/api/orgs/${org.id}/participants`, {
      headers: { cookie, origin: base, 'sec-fetch-site': 'same-origin' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.getSetCookie()).toEqual([]);
    // Read by the direct path (one statement), not handed to the library.
    expect(await directReads()).toBe(before + 1);
  });

  it('reads the membership of the org asked for, never of another', async () => {
    const { api, cookie, orgId } = await setUp();
    const { org: beta } = await createOrgWithMembers(db(), 'Beta', {});
    expect((await api.request(`/api/orgs/${orgId}/participants`, { cookie })).status).toBe(200);
    expect((await api.request(`/api/orgs/${beta.id}/participants`, { cookie })).status).toBe(403);
    expect((await api.request(`/api/orgs/${crypto.randomUUID()}/participants`, { cookie })).status).toBe(403);
    // A malformed id is a 400, after the session (a 401 without one).
    expect((await api.request('/api/orgs/not-a-uuid/participants', { cookie })).status).toBe(400);
    expect((await api.request('/api/orgs/not-a-uuid/participants')).status).toBe(401);
    const [session] = await db().db.select({ id: sessions.id }).from(sessions);
    await db().db.delete(sessions).where(eq(sessions.id, session!.id));
    expect((await api.request(`/api/orgs/${orgId}/participants`, { cookie })).status).toBe(401);
  });
});
