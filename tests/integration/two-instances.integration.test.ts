import { afterAll, beforeAll, expect, it } from 'vitest';
import { JOB_HANDLERS } from '../../src/lib/jobs/handlers';
import { JobRunner } from '../../src/lib/jobs/runner';
import { createOrgWithMembers, createUser, TEST_PASSWORD } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';
import { signInOverHttp, startServer, type StartedServer } from '../setup/server';

// App instances are stateless (docs/scaling.md): two servers on one PostgreSQL database share sessions,
// rate limits, idempotency keys and the job queue, so a load balancer may send any request to either.
// They serve the API alone (scripts/chaos-api-server.ts: src/server.ts's API without the pages, which
// would take a production build and half a minute each to start), and a third process — this one —
// runs the jobs they queue.

const USER_LIMIT = 30;

describeEachDatabase(
  'two app instances on one database',
  ({ db }) => {
    let a: StartedServer;
    let b: StartedServer;
    let runner: JobRunner;
    let orgId: string;
    let cookie: string;

    beforeAll(async () => {
      const { org } = await createOrgWithMembers(db(), 'Shared org', {
        admin: 'admin@two.example',
        viewer: 'viewer@two.example',
        operator: 'limited@two.example',
      });
      orgId = org.id;
      await createUser(db(), 'newcomer@two.example');
      const shared = {
        DATABASE_URL: db().appUrl!,
        AUTH_SECRET: 'two-instances-secret-'.padEnd(48, 'x'),
        RATE_LIMIT_USER_PER_MINUTE: String(USER_LIMIT),
      };
      [a, b] = await Promise.all([
        startServer(shared, 'scripts/chaos-api-server.ts'),
        startServer(shared, 'scripts/chaos-api-server.ts'),
      ]);
      runner = new JobRunner(db().app.db, JOB_HANDLERS, { log: () => undefined, pollMs: 200 });
      runner.start();
      const session = await signInOverHttp(a.url, 'admin@two.example', TEST_PASSWORD);
      cookie = `${session.name}=${session.value}`;
    }, 600_000);

    afterAll(async () => {
      a?.child.kill('SIGKILL');
      b?.child.kill('SIGKILL');
      await runner?.stop();
    });

    const get = (server: StartedServer, path: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, { headers: { cookie, ...headers } });
    const post = (server: StartedServer, path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { cookie, origin: server.url, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });

    it('accepts a session signed in on one instance on the other, and ends it on both', async () => {
      const me = await get(b, '/api/me');
      expect(me.status).toBe(200);
      expect(((await me.json()) as { user: { email: string } }).user.email).toBe('admin@two.example');
      const other = await signInOverHttp(b.url, 'viewer@two.example', TEST_PASSWORD);
      const otherCookie = `${other.name}=${other.value}`;
      expect((await fetch(`${a.url}/api/me`, { headers: { cookie: otherCookie } })).status).toBe(200);
      const out = await fetch(`${a.url}/api/auth/sign-out`, {
        method: 'POST',
        headers: { cookie: otherCookie, origin: a.url, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(out.status).toBe(204);
      expect((await fetch(`${b.url}/api/me`, { headers: { cookie: otherCookie } })).status).toBe(401);
    });

    it('replays an idempotent request sent again to the other instance', async () => {
      const key = 'two-instances-member-0001';
      const body = { email: 'newcomer@two.example', role: 'viewer' };
      const first = await post(a, `/api/orgs/${orgId}/members`, body, { 'idempotency-key': key });
      expect(first.status, await first.clone().text()).toBe(201);
      const second = await post(b, `/api/orgs/${orgId}/members`, body, { 'idempotency-key': key });
      expect(second.status).toBe(201);
      expect(await second.text()).toBe(await first.text());
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      // Without the key, the other instance sees the member the first one added.
      const again = await post(b, `/api/orgs/${orgId}/members`, body);
      expect(again.status).toBe(409);
    });

    it('runs a job queued on one instance in another process, and shows its end on the other', async () => {
      const queued = await post(a, `/api/orgs/${orgId}/atlas/run`, {});
      expect(queued.status).toBe(202);
      const { id } = (await queued.json()) as { id: string };
      // Followed once a second: each look counts against the admin's allowance of the minute.
      let status = 'queued';
      for (let i = 0; i < 25 && (status === 'queued' || status === 'running'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const seen = await get(b, `/api/orgs/${orgId}/jobs/${id}`);
        expect(seen.status).toBe(200);
        status = ((await seen.json()) as { status: string }).status;
      }
      expect(status).toBe('succeeded');
    });

    it('counts one user’s requests against one limit across both instances', async () => {
      // A member who has made no org request yet: the limit is reached at exactly USER_LIMIT requests,
      // half of them answered by each instance.
      const session = await signInOverHttp(b.url, 'limited@two.example', TEST_PASSWORD);
      const limited = `${session.name}=${session.value}`;
      const statuses: number[] = [];
      for (let i = 0; i < USER_LIMIT + 2; i++) {
        const server = i % 2 ? b : a;
        statuses.push(
          (await fetch(`${server.url}/api/orgs/${orgId}/participants`, { headers: { cookie: limited } }))
            .status,
        );
      }
      expect(statuses.slice(0, USER_LIMIT).every((s) => s === 200)).toBe(true);
      expect(statuses.slice(USER_LIMIT)).toEqual([429, 429]);
    });
  },
  { only: 'postgres', keepData: true },
);
