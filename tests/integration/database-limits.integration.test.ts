import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { openPostgres, queryRows, type DatabaseHandle } from '../../src/lib/db';
import { describeEachDatabase } from '../setup/databases';
import { sqlState } from '../setup/sql-state';

// The bounds on waiting for the database (docs/decisions/026): each connection carries lock_timeout and
// idle_in_transaction_session_timeout from its first statement, the pool gives up on a connection after
// the acquire timeout, and a connection lost inside a transaction does not take the process down.

describeEachDatabase(
  'connection limits',
  ({ db }) => {
    const opened: DatabaseHandle[] = [];
    const open = (url: string, limits: Parameters<typeof openPostgres>[1]['limits'], poolSize = 2) => {
      const handle = openPostgres(url, { poolSize, limits });
      opened.push(handle);
      return handle;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((handle) => handle.close()));
    });

    const setting = async (handle: DatabaseHandle, name: string) =>
      (await queryRows<{ value: string }>(handle.db, sql`SELECT current_setting(${name}) AS value`))[0]!
        .value;

    it('sets lock_timeout and idle_in_transaction_session_timeout on every connection, keeping the URL’s options', async () => {
      const url = new URL(db().url!);
      url.searchParams.set('options', '-c statement_timeout=4321');
      const handle = open(url.toString(), { lockTimeoutMs: 1234, idleInTransactionTimeoutMs: 5678 });
      expect(await setting(handle, 'lock_timeout')).toBe('1234ms');
      expect(await setting(handle, 'idle_in_transaction_session_timeout')).toBe('5678ms');
      expect(await setting(handle, 'statement_timeout')).toBe('4321ms');
      const defaults = open(db().url!, undefined);
      expect(await setting(defaults, 'lock_timeout')).toBe('5s');
      expect(await setting(defaults, 'idle_in_transaction_session_timeout')).toBe('1min');
    });

    it('gives up on a lock held by another transaction after lock_timeout (55P03)', async () => {
      const holder = open(db().url!, undefined);
      const waiter = open(db().url!, { lockTimeoutMs: 100 });
      await holder.db.execute(sql`CREATE TABLE IF NOT EXISTS limits_probe (id int PRIMARY KEY)`);
      await holder.db.execute(sql`INSERT INTO limits_probe VALUES (1) ON CONFLICT DO NOTHING`);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holding = holder.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT id FROM limits_probe WHERE id = 1 FOR UPDATE`);
        locked();
        await released;
      });
      await isLocked;
      try {
        expect(
          await sqlState(() => waiter.db.execute(sql`SELECT id FROM limits_probe WHERE id = 1 FOR UPDATE`)),
        ).toBe('55P03');
      } finally {
        release();
        await holding;
        await holder.db.execute(sql`DROP TABLE limits_probe`);
      }
    });

    it('ends a transaction left idle past the timeout, and the process and the pool carry on', async () => {
      const handle = open(db().url!, { idleInTransactionTimeoutMs: 100 }, 1);
      // Without a listener on the checked-out client, the server's FATAL would be an uncaught exception.
      await expect(
        handle.db.transaction(async (tx) => {
          await tx.execute(sql`SELECT 1`);
          await waitUntilTerminated(db(), tx);
          await tx.execute(sql`SELECT 1`);
        }),
      ).rejects.toThrow();
      expect(await setting(handle, 'lock_timeout')).toBe('5s');
    });

    it('refuses a query after the acquire timeout when every connection is taken', async () => {
      // The timeout covers opening a connection too: long enough for the holder's on a busy machine.
      const handle = open(db().url!, { acquireTimeoutMs: 2000 }, 1);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let taken!: () => void;
      const isTaken = new Promise<void>((resolve) => (taken = resolve));
      const holding = handle.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT 1`);
        taken();
        await released;
      });
      await Promise.race([isTaken, holding]);
      try {
        await expect(handle.db.execute(sql`SELECT 1`)).rejects.toMatchObject({
          cause: { message: expect.stringMatching(/timeout exceeded when trying to connect/) },
        });
      } finally {
        release();
        await holding;
      }
    });
  },
  { keepData: true, only: 'postgres' },
);

/** Polls from another connection until the server has ended the transaction's session. */
async function waitUntilTerminated(observer: DatabaseHandle, tx: Pick<DatabaseHandle['db'], 'execute'>) {
  const [{ pid }] = (await queryRows<{ pid: number }>(tx, sql`SELECT pg_backend_pid() AS pid`)) as [
    { pid: number },
  ];
  for (;;) {
    const [row] = await queryRows<{ alive: boolean }>(
      observer.db,
      sql`SELECT count(*) > 0 AS alive FROM pg_stat_activity WHERE pid = ${pid}`,
    );
    if (!row!.alive) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
