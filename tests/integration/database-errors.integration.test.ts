import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  databaseErrorToAppError,
  RETRY_AFTER_BUSY_SECONDS,
  RETRY_AFTER_UNAVAILABLE_SECONDS,
  sqlStateOf,
} from '../../src/lib/http/database-errors';
import { createTestApi } from '../setup/api';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../setup/databases';

// The mapper on errors the drivers really raise: PostgreSQL's and PGlite's answers through drizzle
// (which wraps them in `cause`), pg's own connection and pool errors, Node's socket errors. Only the
// server states a test cannot bring about on the shared server (crash, startup, too many connections)
// are pg DatabaseErrors made here, the class pg itself builds from the server's error message.

async function failure(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to fail');
}

function expectStatus(error: unknown, status: number, retryAfter?: number) {
  const mapped = databaseErrorToAppError(error);
  expect(mapped, String(error)).toBeDefined();
  expect({ status: mapped!.code, retryAfter: mapped!.headers?.['retry-after'] }).toEqual({
    status: { 400: 'bad_request', 409: 'conflict', 503: 'unavailable' }[status],
    retryAfter: retryAfter === undefined ? undefined : String(retryAfter),
  });
  return mapped!;
}

const DATA_ERRORS = [
  { state: '22P02', query: sql`select ${'not-a-uuid'}::uuid`, detail: /wrong form/ },
  { state: '22007', query: sql`select ${'yesterday-ish'}::timestamptz`, detail: /date or time .* not valid/ },
  { state: '22008', query: sql`select ${'0000-01-01T00:00:00Z'}::timestamptz`, detail: /out of range/ },
  { state: '22021', query: sql`select ${'a\u0000b'}::text`, detail: /NUL/ },
  { state: '22P05', query: sql`select ${'{"a":"\\u0000"}'}::jsonb ->> 'a'`, detail: /NUL/ },
  { state: '22003', query: sql`select ${'99999999999'}::int`, detail: /number .* out of range/ },
  { state: '22012', query: sql`select 1 / ${0}::int`, detail: /^A value in the request is not valid\.$/ },
];

describeEachDatabase(
  'database errors',
  ({ db, kind }) => {
    it.each(DATA_ERRORS)('class 22 $state through drizzle → 400 without the statement', async (c) => {
      const error = await failure(() => db().db.execute(c.query));
      expect(sqlStateOf(error)).toBe(c.state);
      const mapped = expectStatus(error, 400);
      expect(mapped.message).toMatch(c.detail);
      expect(mapped.message).not.toMatch(/select|::|not-a-uuid|yesterday|0000-01|99999|\\u0000/i);
    });

    it('22001 (too long for the column) → 400, 23505 (unique) → 409', async () => {
      const tooLong = await failure(() =>
        db().db.transaction(async (tx) => {
          await tx.execute(sql`create temp table short_text (v varchar(2)) on commit drop`);
          await tx.execute(sql`insert into short_text values (${'abc'})`);
        }),
      );
      expect(sqlStateOf(tooLong)).toBe('22001');
      expect(expectStatus(tooLong, 400).message).toMatch(/too long/);
      const duplicate = await failure(() =>
        db().db.transaction(async (tx) => {
          await tx.execute(sql`create temp table unique_text (v text primary key) on commit drop`);
          await tx.execute(sql`insert into unique_text values (${'a'}), (${'a'})`);
        }),
      );
      expect(sqlStateOf(duplicate)).toBe('23505');
      expectStatus(duplicate, 409);
    });

    it('a syntax error or a missing table is a bug: no mapping, the API answers 500', async () => {
      const error = await failure(() => db().db.execute(sql`select * from no_such_table`));
      expect(sqlStateOf(error)).toBe('42P01');
      expect(databaseErrorToAppError(error)).toBeUndefined();
    });

    it('the API answers a data error 400 and an outage 503 with Retry-After, as problem+json', async () => {
      const { app } = createTestApi(db());
      const dataError = await failure(() => db().db.execute(sql`select ${'x'}::uuid`));
      const refused = await connectionRefused();
      app.get('/data-error', () => Promise.reject(dataError));
      app.get('/refused', () => Promise.reject(refused));
      app.get('/bug', () => Promise.reject(new Error('select secret from somewhere')));

      const bad = await app.request('/api/data-error');
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toBe('application/problem+json');
      const badBody = await bad.text();
      expect(JSON.parse(badBody)).toMatchObject({ status: 400, title: 'Bad request' });
      expect(badBody).not.toMatch(/select|::uuid|"x"/);

      const down = await app.request('/api/refused');
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe(String(RETRY_AFTER_UNAVAILABLE_SECONDS));
      expect(await down.json()).toMatchObject({ status: 503, title: 'Service unavailable' });

      const bug = await app.request('/api/bug');
      expect(bug.status).toBe(500);
      expect(await bug.text()).not.toMatch(/secret/);
    });

    if (kind === 'pglite') {
      // Opened in a hook: a second PGlite takes a while on a busy machine, and hooks may.
      let closed: TestDatabase;
      beforeAll(async () => {
        closed = await createTestDatabase('pglite');
        await closed.dispose();
      });

      it('a closed PGlite → 503', async () => {
        const error = await failure(() => closed.db.execute(sql`select 1`));
        expectStatus(error, 503, RETRY_AFTER_UNAVAILABLE_SECONDS);
      });
    }

    if (kind === 'postgres') {
      let pool: pg.Pool;
      beforeAll(() => {
        // A new connection may take seconds on a busy machine; only the wait for a free one is cut short
        // (below), once both are held.
        pool = new pg.Pool({ connectionString: db().url, max: 2, connectionTimeoutMillis: 60_000 });
        pool.on('error', () => undefined);
      });
      afterAll(() => pool.end());

      it('a statement timeout (57014) → 503 busy', async () => {
        const error = await failure(() =>
          drizzle(pool).transaction(async (tx) => {
            await tx.execute(sql`set local statement_timeout = 20`);
            await tx.execute(sql`select pg_sleep(5)`);
          }),
        );
        expect(sqlStateOf(error)).toBe('57014');
        expect(expectStatus(error, 503, RETRY_AFTER_BUSY_SECONDS).message).toMatch(/longer than/);
      });

      it('a lock timeout (55P03) → 503 busy', async () => {
        const holder = await pool.connect();
        try {
          await holder.query('begin; select pg_advisory_xact_lock(7001)');
          const error = await failure(() =>
            drizzle(pool).transaction(async (tx) => {
              await tx.execute(sql`set local lock_timeout = 20`);
              await tx.execute(sql`select pg_advisory_xact_lock(7001)`);
            }),
          );
          expect(sqlStateOf(error)).toBe('55P03');
          expectStatus(error, 503, RETRY_AFTER_BUSY_SECONDS);
        } finally {
          await holder.query('rollback');
          holder.release();
        }
      });

      it('the backend terminated mid-query (57P01) → 503, and the pool timing out on acquire → 503', async () => {
        const victim = await pool.connect();
        victim.on('error', () => undefined);
        const killer = await pool.connect();
        try {
          const { rows } = await victim.query<{ pid: number }>('select pg_backend_pid() as pid');
          const running = victim.query('select pg_sleep(30)').then(
            () => undefined,
            (error: unknown) => error,
          );
          // Both clients are out: a third request waits for the pool and gives up (pg reads the
          // timeout from its options at each request).
          pool.options.connectionTimeoutMillis = 200;
          const exhausted = await failure(() => drizzle(pool).execute(sql`select 1`));
          pool.options.connectionTimeoutMillis = 60_000;
          expect((exhausted as Error).cause).toMatchObject({
            message: 'timeout exceeded when trying to connect',
          });
          expectStatus(exhausted, 503, RETRY_AFTER_BUSY_SECONDS);

          await killer.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
          const terminated = await running;
          expect(sqlStateOf(terminated)).toBe('57P01');
          expectStatus(terminated, 503, RETRY_AFTER_UNAVAILABLE_SECONDS);
        } finally {
          victim.release(true);
          killer.release();
        }
      });
    }
  },
  { keepData: true },
);

/** A port nothing listens on: one a server just gave back. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function connectionRefused(): Promise<unknown> {
  const pool = new pg.Pool({ host: '127.0.0.1', port: await closedPort() });
  try {
    return await failure(() => drizzle(pool).execute(sql`select 1`));
  } finally {
    await pool.end();
  }
}

describe('database errors without a database', () => {
  const servers: net.Server[] = [];
  const listen = async (onConnection: (socket: net.Socket) => void) => {
    const server = net.createServer(onConnection).listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    return (server.address() as net.AddressInfo).port;
  };
  const held: net.Socket[] = [];
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('connection refused (wrapped by drizzle, and on a name with two addresses) → 503', async () => {
    const wrapped = await connectionRefused();
    expect(wrapped).toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    expectStatus(wrapped, 503, RETRY_AFTER_UNAVAILABLE_SECONDS);
    const client = new pg.Client({ host: 'localhost', port: await closedPort() });
    expectStatus(await failure(() => client.connect()), 503, RETRY_AFTER_UNAVAILABLE_SECONDS);
  });

  it('a server that hangs up, or never answers, → 503; a full pool that times out → 503 busy', async () => {
    const hangsUp = await listen((socket) => socket.destroy());
    const closedPool = new pg.Pool({ host: '127.0.0.1', port: hangsUp });
    const terminated = await failure(() => closedPool.query('select 1'));
    expect((terminated as Error).message).toBe('Connection terminated unexpectedly');
    expectStatus(terminated, 503, RETRY_AFTER_UNAVAILABLE_SECONDS);
    await closedPool.end();

    const silent = await listen((socket) => held.push(socket));
    const silentPool = new pg.Pool({ host: '127.0.0.1', port: silent, max: 1, connectionTimeoutMillis: 100 });
    const [first, second] = await Promise.all([
      failure(() => silentPool.query('select 1')),
      failure(() => silentPool.query('select 1')),
    ]);
    expect((first as Error).message).toBe('Connection terminated due to connection timeout');
    expectStatus(first, 503, RETRY_AFTER_UNAVAILABLE_SECONDS);
    expect((second as Error).message).toBe('timeout exceeded when trying to connect');
    expectStatus(second, 503, RETRY_AFTER_BUSY_SECONDS);
    await silentPool.end();
  });

  it("the embedded server's socket missing, a pool already ended → 503", async () => {
    const noSocket = new pg.Pool({ host: path.join(os.tmpdir(), 'no-such-socket-dir'), port: 5432 });
    const missing = await failure(() => noSocket.query('select 1'));
    expect(missing).toMatchObject({ code: 'ENOENT', syscall: 'connect' });
    expectStatus(missing, 503, RETRY_AFTER_UNAVAILABLE_SECONDS);
    await noSocket.end();
    expectStatus(await failure(() => noSocket.query('select 1')), 503, RETRY_AFTER_UNAVAILABLE_SECONDS);
  });

  it.each([
    ['57P02', 'terminating connection because of crash of another server process', 'unavailable'],
    ['57P03', 'the database system is starting up', 'unavailable'],
    ['08006', 'connection failure', 'unavailable'],
    ['08001', 'could not connect to server', 'unavailable'],
    ['53300', 'sorry, too many clients already', 'busy'],
    ['53200', 'out of memory', 'busy'],
    ['25P03', 'terminating connection due to idle-in-transaction timeout', 'busy'],
    ['40P01', 'deadlock detected', 'busy'],
  ])('server state %s (%s) → 503', (state, message, kind) => {
    const error = Object.assign(new pg.DatabaseError(message, message.length, 'error'), { code: state });
    const wrapped = new Error('Failed query: select 1', { cause: error });
    expectStatus(wrapped, 503, kind === 'busy' ? RETRY_AFTER_BUSY_SECONDS : RETRY_AFTER_UNAVAILABLE_SECONDS);
  });

  it('errors that are not the database’s pass through unmapped', () => {
    expect(databaseErrorToAppError(new Error('boom'))).toBeUndefined();
    expect(
      databaseErrorToAppError(Object.assign(new Error('no file'), { code: 'ENOENT', syscall: 'open' })),
    ).toBeUndefined();
    const cyclic: { message: string; cause?: unknown } = { message: 'loop' };
    cyclic.cause = { message: 'inner', cause: cyclic };
    expect(databaseErrorToAppError(cyclic)).toBeUndefined();
  });
});
