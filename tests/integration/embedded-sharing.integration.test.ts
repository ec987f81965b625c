import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedDatabaseBusyError, openDatabase, queryRows, type DatabaseHandle } from '../../src/lib/db';
import { lockPath } from '../../src/lib/database/embedded-lock';
import { runMigrations } from '../../src/lib/database/migrate';

// PGlite serves one process. The server shares it over a Unix socket; commands use that socket while
// the server runs, open the files themselves when it does not, and never open them twice.

let dataDir: string;
const open = (role: 'server' | 'command') => openDatabase({ dataDir, poolSize: 3, role });
const orgCount = async (handle: DatabaseHandle) =>
  (await queryRows<{ n: number }>(handle.db, sql`SELECT count(*)::int AS n FROM orgs`))[0]!.n;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-embedded-'));
});
afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the embedded database shared by the server', () => {
  it('lets a command work through the running server, and sees its writes', async () => {
    const server = await open('server');
    try {
      await runMigrations(server);
      const command = await open('command');
      expect(command.kind).toBe('embedded-via-server');
      await command.db.execute(sql`INSERT INTO orgs (name) VALUES ('Made by a command')`);
      await command.close();
      expect(await orgCount(server)).toBe(1);
    } finally {
      await server.close();
    }
    expect(fs.existsSync(lockPath(dataDir))).toBe(false);
  });

  it('answers concurrent parameterized queries from the server and a command each with their own result', async () => {
    // pglite-socket queues protocol messages one by one: two connections' Parse/Bind/Execute
    // sequences interleaved would bind one query's parameters to the other's statement.
    const server = await open('server');
    try {
      const command = await open('command');
      const echo = (who: 'server' | 'command', n: number) =>
        who === 'server'
          ? queryRows<{ n: number; who: string }>(server.db, sql`SELECT ${n}::int AS n, 'server' AS who`)
          : queryRows<{ n: number; who: string }>(command.db, sql`SELECT 'command' AS who, ${n}::int AS n`);
      // The command's transactions start and end between the server's messages (as an accept that
      // applies an intervention does beside a session lookup).
      const transactions = Array.from({ length: 15 }, (_, i) =>
        command.db.transaction(async (tx) => {
          await tx.execute(sql`SELECT ${i}::int AS n`);
          await tx.execute(sql`SELECT ${`t${i}`}::text AS t`);
        }),
      );
      const callers = Array.from({ length: 90 }, (_, i): 'server' | 'command' =>
        i % 3 === 0 ? 'command' : 'server',
      );
      const answers = await Promise.all(callers.map((who, i) => echo(who, i)));
      await Promise.all(transactions);
      expect(answers.map((rows) => rows[0])).toEqual(callers.map((who, n) => ({ n, who })));
      await command.close();
    } finally {
      await server.close();
    }
  });

  it('keeps a command’s open transaction apart from the server’s queries', async () => {
    const server = await open('server');
    try {
      await runMigrations(server);
      const command = await open('command');
      const client = await command.pool!.connect();
      await client.query('BEGIN');
      await client.query(`INSERT INTO orgs (name) VALUES ('Uncommitted')`);
      // The server's query waits for the transaction instead of running inside it.
      const serverSees = orgCount(server);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await client.query('ROLLBACK');
      client.release();
      expect(await serverSees).toBe(0);
      await command.close();
    } finally {
      await server.close();
    }
  });

  it('refuses a second server on the same data directory, naming the first', async () => {
    const server = await open('server');
    try {
      const second = open('server');
      await expect(second).rejects.toBeInstanceOf(EmbeddedDatabaseBusyError);
      await expect(second).rejects.toThrow(/in use by another console server \(pid \d+/);
    } finally {
      await server.close();
    }
  });

  it('opens the files directly when no server runs, and then keeps other processes out', async () => {
    const command = await open('command');
    expect(command.kind).toBe('embedded');
    await runMigrations(command);
    try {
      // Another process (a server here) must not open the same files while this command holds them.
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          `import('./src/lib/db.ts').then(({ openDatabase }) => openDatabase({ dataDir: ${JSON.stringify(dataDir)}, poolSize: 1, role: 'server' })).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); })`,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(3);
      expect(stderr).toContain('is in use by another command');
    } finally {
      await command.close();
    }
  });

  it('takes over a lock left behind by a process that died', async () => {
    fs.writeFileSync(
      lockPath(dataDir),
      JSON.stringify({
        pid: 2 ** 22 + 1,
        holder: 'server',
        command: 'crashed',
        startedAt: 'yesterday',
        socketDir: dataDir,
      }),
    );
    const command = await open('command');
    expect(command.kind).toBe('embedded');
    await command.close();
  });
});
