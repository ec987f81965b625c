import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/lib/db';
import { ensureProductionBuild } from '../../src/lib/next-build';
import { unsafeListOrgs } from '../../src/lib/repositories/unsafe';
import { DEMO_OPERATOR } from '../../src/lib/seed/demo-data';
import {
  ROOT,
  sessionCookieOf,
  signInOverHttp,
  startServer,
  type SessionCookie,
  type StartedServer,
} from '../setup/server';

// docs/decisions/014: someone who only browses pages keeps a sliding session. Time is simulated rather
// than waited for: moving the session row's timestamps back is, for the server, the same as that much
// time passing, and a small cookie jar drops the cookie when its Max-Age has run out, as a browser does.

const IDLE_MINUTES = 10;
const PASSWORD = 'sliding session password';

/** A browser's view of one cookie, on a clock the test moves forward. */
class CookieJar {
  private cookie: (SessionCookie & { expiresAt: number }) | undefined;
  now = 0;

  store(cookie: SessionCookie): void {
    this.cookie = { ...cookie, expiresAt: this.now + cookie.maxAge * 1000 };
  }

  header(): string | undefined {
    if (this.cookie && this.cookie.expiresAt <= this.now) this.cookie = undefined;
    return this.cookie && `${this.cookie.name}=${this.cookie.value}`;
  }
}

describe('a session kept alive by page views alone', () => {
  let dataDir: string;
  let server: StartedServer;
  let database: DatabaseHandle;
  let orgPage: string;

  beforeAll(async () => {
    ensureProductionBuild(ROOT, () => undefined);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-sliding-'));
    server = await startServer({
      DATA_DIR: dataDir,
      SEED_OPERATOR_PASSWORD: PASSWORD,
      SESSION_IDLE_MINUTES: String(IDLE_MINUTES),
    });
    // The server holds the embedded database; this connection goes through its socket.
    database = await openDatabase({ dataDir, poolSize: 1, role: 'command' });
    const [org] = await unsafeListOrgs(database.db);
    orgPage = `${server.url}/console/${org!.id}`;
  }, 600_000);

  afterAll(async () => {
    await database?.close();
    server?.child.kill('SIGTERM');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function signIn(jar: CookieJar): Promise<void> {
    jar.store(await signInOverHttp(server.url, DEMO_OPERATOR.email, PASSWORD));
  }

  /** Lets `minutes` pass for the server (every session row) and for the jar. */
  async function wait(jar: CookieJar, minutes: number): Promise<void> {
    const shift = sql`make_interval(secs => ${minutes * 60})`;
    await database.db.execute(
      sql`UPDATE sessions SET expires_at = expires_at - ${shift}, updated_at = updated_at - ${shift}, created_at = created_at - ${shift}`,
    );
    jar.now += minutes * 60_000;
  }

  /** Requests the org's overview page as a browser would, keeping any cookie it sets. */
  async function viewPage(jar: CookieJar): Promise<Response> {
    const cookie = jar.header();
    const response = await fetch(orgPage, {
      redirect: 'manual',
      headers: cookie ? { cookie } : {},
    });
    const refreshed = sessionCookieOf(response);
    if (refreshed) jar.store(refreshed);
    return response;
  }

  it('keeps signed in someone who only views pages, each within the idle time, for longer than it', async () => {
    const jar = new CookieJar();
    await signIn(jar);
    expect((await viewPage(jar)).status).toBe(200);
    for (let view = 0; view < 4; view++) {
      await wait(jar, IDLE_MINUTES * 0.7);
      const response = await viewPage(jar);
      expect(response.status).toBe(200);
      // The page answer itself carries the extended cookie: nothing but pages was requested.
      expect(sessionCookieOf(response)?.maxAge).toBe(IDLE_MINUTES * 60);
    }
    // 4 × 7 = 28 minutes after the last sign-in-time cookie would have lapsed at 10.
    expect(jar.now).toBeGreaterThan(2 * IDLE_MINUTES * 60_000);
    expect(jar.header()).toBeDefined();
    const me = await fetch(`${server.url}/api/me`, { headers: { cookie: jar.header()! } });
    expect(me.status).toBe(200);
  });

  it('signs out someone idle for longer than the idle time', async () => {
    const jar = new CookieJar();
    await signIn(jar);
    expect((await viewPage(jar)).status).toBe(200);
    const stale = jar.header()!;
    await wait(jar, IDLE_MINUTES + 1);

    // The browser has dropped the cookie: the console sends it to the sign-in page.
    expect(jar.header()).toBeUndefined();
    const withoutCookie = await viewPage(jar);
    expect(withoutCookie.status).toBe(307);
    expect(new URL(withoutCookie.headers.get('location')!, server.url).pathname).toBe('/sign-in');

    // A client that kept the cookie anyway is refused too: the session ended in the database.
    const withStale = await fetch(orgPage, { redirect: 'manual', headers: { cookie: stale } });
    expect(withStale.status).toBe(307);
    expect(new URL(withStale.headers.get('location')!, server.url).pathname).toBe('/sign-in');
    expect(sessionCookieOf(withStale)).toBeUndefined();
  });

  it('sets no cookie on pages outside the console, nor for a visitor without a session', async () => {
    const home = await fetch(server.url, { headers: { cookie: 'operator-console.session_token=forged' } });
    expect(home.headers.getSetCookie()).toEqual([]);
    const forged = await fetch(orgPage, {
      redirect: 'manual',
      headers: { cookie: 'operator-console.session_token=forged' },
    });
    expect(sessionCookieOf(forged)).toBeUndefined();
  });
});
