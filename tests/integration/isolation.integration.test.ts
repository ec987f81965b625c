import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { HeavyMiddleware } from '../../src/api/orgs/heavy';
import { LightFirst } from '../../src/lib/light-first';
import { databaseFor, openDatabase, openPostgres, queryRows, type LaneLayout } from '../../src/lib/db';
import { unsafeAddMembership } from '../../src/lib/repositories/unsafe';
import { seedDemo } from '../../src/lib/seed/demo';
import { sql } from 'drizzle-orm';
import {
  createOrgWithMembers,
  createTestApi,
  createUser,
  signIn,
  TEST_PASSWORD,
  type TestApi,
} from '../setup/api';
import { describeEachDatabase, type TestDatabase } from '../setup/databases';

// Heavy requests are limited per user and per org, and run on connections of their own; light
// requests and the health check go on beside them (docs/decisions/024).

const LIMITS = {
  HEAVY_REQUESTS_PER_USER: '2',
  HEAVY_REQUESTS_PER_ORG: '3',
  HEAVY_REQUESTS_PER_PROCESS: '5',
  // Ample for the requests these tests start while the rest are held.
  RATE_LIMIT_USER_PER_MINUTE: '100000',
  RATE_LIMIT_ORG_PER_MINUTE: '100000',
};

interface World {
  api: TestApi;
  orgId: string;
  otherOrgId: string;
  participantId: string;
  /** Two admins of the demo org, and an admin of another org. */
  cookies: { first: string; second: string; other: string };
}

async function buildWorld(db: TestDatabase, api: TestApi): Promise<World> {
  const { orgId } = await seedDemo(db.db, { operatorPassword: TEST_PASSWORD });
  const second = await createUser(db, 'second-admin@example.com');
  await unsafeAddMembership(db.db, { orgId, userId: second.id, role: 'admin', via: 'test' });
  const other = await createOrgWithMembers(db, 'Other org', { admin: 'other-admin@example.com' });
  const [participant] = await queryRows<{ id: string }>(
    db.db,
    sql`SELECT id FROM participants WHERE org_id = ${orgId} LIMIT 1`,
  );
  return {
    api,
    orgId,
    otherOrgId: other.org.id,
    participantId: participant!.id,
    cookies: {
      first: await signIn(api, 'operator@ironfront.example'),
      second: await signIn(api, 'second-admin@example.com'),
      other: await signIn(api, 'other-admin@example.com'),
    },
  };
}

const get = (w: World, cookie: string, url: string) => w.api.request(url, { cookie });
const eventsExport = (w: World, cookie: string, orgId = w.orgId) =>
  get(w, cookie, `/api/orgs/${orgId}/events/export?format=csv`);

async function expectRefused(response: Response) {
  expect(response.status).toBe(429);
  expect(response.headers.get('retry-after')).toBe('1');
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(((await response.json()) as { detail: string }).detail).toMatch(/heavy requests/);
}

describeEachDatabase('heavy requests', ({ db }) => {
  it('lets a user run two at once: the third waits, then gets 429 with Retry-After, while light requests, the org’s other users and other orgs go on', async () => {
    const w = await buildWorld(db(), createTestApi(db(), { ...LIMITS, HEAVY_QUEUE_WAIT_MS: '100' }));
    // An export holds its slots until its body has been read: these two are left unread.
    const held = [await eventsExport(w, w.cookies.first), await eventsExport(w, w.cookies.first)];
    expect(held.map((r) => r.status)).toEqual([200, 200]);

    await expectRefused(await eventsExport(w, w.cookies.first));
    await expectRefused(await get(w, w.cookies.first, `/api/orgs/${w.orgId}/graph?format=compact`));
    await expectRefused(await get(w, w.cookies.first, `/api/orgs/${w.orgId}/segments`));

    // Light requests are not counted, a neighbourhood among them; nor is the health check.
    expect((await get(w, w.cookies.first, `/api/orgs/${w.orgId}/participants`)).status).toBe(200);
    const focus = `/api/orgs/${w.orgId}/graph?focus=${w.participantId}`;
    expect((await get(w, w.cookies.first, focus)).status).toBe(200);
    expect((await w.api.request('/api/health')).status).toBe(200);

    // The org's third slot goes to its second admin; then the org is full, for them too.
    const third = await eventsExport(w, w.cookies.second);
    expect(third.status).toBe(200);
    await expectRefused(await eventsExport(w, w.cookies.second));
    // Another org is unaffected.
    const elsewhere = await eventsExport(w, w.cookies.other, w.otherOrgId);
    expect(elsewhere.status).toBe(200);

    // A download read to the end frees its slots; so does one broken off.
    expect(await held[0]!.text()).toMatch(/^id,createdAt,eventType/);
    await held[1]!.body!.cancel();
    const again = await eventsExport(w, w.cookies.first);
    expect(again.status).toBe(200);
    for (const response of [again, third, elsewhere]) await response.text();
    expect((await get(w, w.cookies.first, `/api/orgs/${w.orgId}/segments`)).status).toBe(200);
  });

  it('holds the process to its own limit, all orgs together', async () => {
    const w = await buildWorld(
      db(),
      createTestApi(db(), { ...LIMITS, HEAVY_REQUESTS_PER_PROCESS: '2', HEAVY_QUEUE_WAIT_MS: '100' }),
    );
    const held = [
      await eventsExport(w, w.cookies.first),
      await eventsExport(w, w.cookies.other, w.otherOrgId),
    ];
    expect(held.map((r) => r.status)).toEqual([200, 200]);
    // Neither the second admin nor the user is at a limit of their own, or of their org.
    await expectRefused(await eventsExport(w, w.cookies.second));
    expect((await get(w, w.cookies.second, `/api/orgs/${w.orgId}/participants`)).status).toBe(200);
    await held[1]!.text();
    const admitted = await eventsExport(w, w.cookies.second);
    expect(admitted.status).toBe(200);
    await Promise.all([held[0]!.text(), admitted.text()]);
  });

  it('sends a heavy answer only while no light request is in flight (up to a pause), and counts no heavy one as light', async () => {
    const w = await buildWorld(db(), createTestApi(db(), { ...LIMITS, HEAVY_QUEUE_WAIT_MS: '100' }));
    w.api.deps.lightFirst = new LightFirst({ maxPauseMs: 60_000, sliceMs: 60_000 });
    const endLight = w.api.deps.lightFirst.begin();
    const exporting = await eventsExport(w, w.cookies.first);
    expect(exporting.status).toBe(200);
    // The export, once admitted, is not light work: only the mark held here is in flight.
    expect(w.api.deps.lightFirst.inFlight).toBe(1);
    const reading = exporting.text();
    let read = false;
    void reading.then(() => (read = true));
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(read).toBe(false);
    endLight();
    expect(await reading).toMatch(/^id,createdAt,eventType/);
    expect(w.api.deps.lightFirst.inFlight).toBe(0);
  });

  it('gives a waiting request the first slot that frees, and refuses none that fit', async () => {
    const w = await buildWorld(db(), createTestApi(db(), { ...LIMITS, HEAVY_QUEUE_WAIT_MS: '60000' }));
    const gate = w.api.deps.heavyRequests;
    const held = [await eventsExport(w, w.cookies.first), await eventsExport(w, w.cookies.first)];
    const waiting = eventsExport(w, w.cookies.first);
    await vi.waitFor(() => expect(gate.waiting).toBe(1));
    await held[0]!.text();
    const admitted = await waiting;
    expect(admitted.status).toBe(200);
    expect(gate.waiting).toBe(0);
    await Promise.all([held[1]!.text(), admitted.text()]);
  });

  it('frees the slots of a refused request at once: bad input is 400, and costs no slot afterwards', async () => {
    const w = await buildWorld(db(), createTestApi(db(), { ...LIMITS, HEAVY_QUEUE_WAIT_MS: '100' }));
    for (let i = 0; i < 3; i++) {
      const response = await get(w, w.cookies.first, `/api/orgs/${w.orgId}/events/export?format=xml`);
      expect(response.status).toBe(400);
    }
    const response = await eventsExport(w, w.cookies.first);
    expect(response.status).toBe(200);
    await response.text();
  });
});

it('marks the routes that read a whole org or start a job as heavy, and every export, run and import', () => {
  const probe = createTestApi({ db: {} } as TestDatabase);
  const heavyRoutes = probe.app.routes
    .filter((route) => (route.handler as Partial<HeavyMiddleware>).heavy)
    .map((route) => `${route.method} ${route.path}`);
  expect(heavyRoutes.sort()).toEqual(
    [
      'GET /api/orgs/:orgId/events/export',
      'GET /api/orgs/:orgId/events/verify',
      'GET /api/orgs/:orgId/graph',
      'GET /api/orgs/:orgId/participants/export',
      'GET /api/orgs/:orgId/relationships/export',
      'GET /api/orgs/:orgId/segments',
      'GET /api/orgs/:orgId/segments/:segment/export',
      'POST /api/orgs/:orgId/atlas/run',
      'POST /api/orgs/:orgId/imports',
      'POST /api/orgs/:orgId/stages/run',
    ].sort(),
  );
  const mustBeHeavy = probe.app.routes.filter(
    (route) => route.method !== 'ALL' && /\/(export|run|imports)$/.test(route.path),
  );
  for (const route of mustBeHeavy) expect(heavyRoutes).toContain(`${route.method} ${route.path}`);
});

const LANES: LaneLayout = {
  lightStatementTimeoutMs: 10_000,
  heavy: { size: 2, statementTimeoutMs: 60_000 },
  job: { size: 1, statementTimeoutMs: 300_000 },
  health: { size: 1, statementTimeoutMs: 1000 },
};

describeEachDatabase(
  'database lanes',
  ({ db }) => {
    let laned: ReturnType<typeof openPostgres>;
    let locker: pg.Client;
    beforeAll(async () => {
      laned = openPostgres(db().url!, { poolSize: 3, lanes: LANES });
      locker = new pg.Client({ connectionString: db().url });
      await locker.connect();
    });
    afterAll(async () => {
      await locker.end();
      await laned.close();
    });

    it('runs heavy requests on their own pool: with every heavy slot and connection stuck, light requests and health answer', async () => {
      const w = await buildWorld(db(), createTestApi(laned, { ...LIMITS, HEAVY_QUEUE_WAIT_MS: '100' }));
      // The whole graph reads relationships, which no light request below touches.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE relationships IN ACCESS EXCLUSIVE MODE');
      const compact = `/api/orgs/${w.orgId}/graph?format=compact`;
      const stuck = [get(w, w.cookies.first, compact), get(w, w.cookies.first, compact)];
      try {
        const heavyPool = databaseFor(laned, 'heavy').pool!;
        // A connection that is still starting up waits for the lock without showing in pg_stat_activity.
        await vi.waitFor(
          async () => {
            const { rows } = await locker.query<{ waiting: number }>(
              `SELECT count(*)::int AS waiting FROM pg_locks
             WHERE NOT granted AND relation = 'relationships'::regclass`,
            );
            expect(rows[0]!.waiting).toBe(2);
          },
          { timeout: 20_000, interval: 50 },
        );
        // Both of them on the heavy pool, which they fill; the main pool has every connection free.
        expect([heavyPool.totalCount, heavyPool.idleCount]).toEqual([2, 0]);
        expect(laned.pool!.totalCount).toBe(laned.pool!.idleCount);

        const health = await w.api.request('/api/health');
        expect([health.status, await health.json()]).toEqual([200, { status: 'ok', database: 'ok' }]);
        for (const cookie of [w.cookies.first, w.cookies.second]) {
          expect((await get(w, cookie, `/api/orgs/${w.orgId}/participants`)).status).toBe(200);
        }
        await expectRefused(await get(w, w.cookies.first, compact));
      } finally {
        await locker.query('COMMIT');
      }
      const answers = await Promise.all(stuck);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      await Promise.all(answers.map((r) => r.text()));
    });

    it('gives each class its statement_timeout, and cancels a light statement that outruns it', async () => {
      const timeoutOf = async (workClass: 'light' | 'heavy' | 'job' | 'health') => {
        const [row] = await queryRows<{ statement_timeout: string }>(
          databaseFor(laned, workClass).db,
          sql`SHOW statement_timeout`,
        );
        return row!.statement_timeout;
      };
      expect([
        await timeoutOf('light'),
        await timeoutOf('heavy'),
        await timeoutOf('job'),
        await timeoutOf('health'),
      ]).toEqual(['10s', '1min', '5min', '1s']);

      const strict = openPostgres(db().url!, {
        poolSize: 1,
        lanes: { ...LANES, lightStatementTimeoutMs: 50 },
      });
      try {
        await expect(strict.db.execute(sql`SELECT pg_sleep(30)`)).rejects.toMatchObject({
          cause: { code: '57014' },
        });
      } finally {
        await strict.close();
      }
    });
  },
  { only: 'postgres' },
);

it('gives the embedded server a pool per class over its socket; health answers with every heavy connection taken', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-lanes-'));
  const handle = await openDatabase({ dataDir, poolSize: 2, lanes: LANES, role: 'server' });
  const taken: pg.PoolClient[] = [];
  try {
    const heavyPool = databaseFor(handle, 'heavy').pool!;
    expect([handle.pool!.options.max, heavyPool.options.max]).toEqual([2, 2]);
    expect(databaseFor(handle, 'health').pool).not.toBe(handle.pool);
    for (let i = 0; i < LANES.heavy.size; i++) taken.push(await heavyPool.connect());
    expect(heavyPool.idleCount).toBe(0);
    const health = await createTestApi(handle).app.request('/api/health');
    expect(health.status).toBe(200);
    await databaseFor(handle, 'job').ping();
  } finally {
    for (const client of taken) client.release();
    await handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 180_000);
