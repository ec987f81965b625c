import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { createPglite } from '../../src/lib/database/pglite';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, inject } from 'vitest';
import { fromPglite, openPostgres, queryRows, type DatabaseHandle } from '../../src/lib/db';
import { runMigrations } from '../../src/lib/database/migrate';
import { ensureAppLogin } from '../../src/lib/database/roles';

export type TestDatabaseKind = 'pglite' | 'postgres';

/**
 * A test's database. The handle itself connects as a superuser, for fixtures and inspection; `app` is
 * the connection the app under test gets — on PostgreSQL the test login role, a member of
 * operator_console_app like a deployment's (decision 029); on PGlite, which has only its superuser, the
 * same handle.
 */
export interface TestDatabase extends DatabaseHandle {
  testKind: TestDatabaseKind;
  /** Set on PostgreSQL: the URL of this file's own database as a superuser, for subprocesses. */
  url?: string;
  /** Set on PostgreSQL: the same database as the app's login role. */
  appUrl?: string;
  app: DatabaseHandle;
  dispose(): Promise<void>;
}

/** The login role the app under test connects as; fixed, because roles are shared by every database. */
export const TEST_APP_LOGIN = 'operator_console_test_app';

export function testDatabaseKinds(): TestDatabaseKind[] {
  return inject('postgresUrl') ? ['pglite', 'postgres'] : ['pglite'];
}

function withDatabase(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

const ROOT = path.resolve(import.meta.dirname, '../..');
const TEMPLATES = path.join(os.tmpdir(), 'operator-console-test-templates');

/** Names the migrated template by everything that shapes it: the migrations, the runner and PGlite. */
function templateFile(): string {
  const hash = crypto.createHash('sha256');
  const migrations = path.join(ROOT, 'drizzle');
  const files = fs.readdirSync(migrations, { recursive: true, encoding: 'utf8' }).sort();
  for (const file of files) {
    const full = path.join(migrations, file);
    if (fs.statSync(full).isFile()) hash.update(file).update(fs.readFileSync(full));
  }
  hash.update(fs.readFileSync(path.join(ROOT, 'src/lib/database/migrate.ts')));
  hash.update(fs.readFileSync(path.join(ROOT, 'node_modules/@electric-sql/pglite/package.json')));
  return path.join(TEMPLATES, `pglite-${hash.digest('hex').slice(0, 16)}.tar`);
}

/**
 * A migrated in-memory PGlite. A fresh PGlite runs initdb in WebAssembly (seconds of a busy core) and
 * then the migrations, for every test file; instead the first file to need one dumps its data directory
 * into a template under the system's temp directory, and every later file, in this run or the next,
 * loads that dump. Written under a temporary name and renamed, so a reader never sees half a file.
 */
async function migratedPglite(): Promise<PGlite> {
  const file = templateFile();
  if (fs.existsSync(file)) {
    try {
      return await createPglite({ loadDataDir: new Blob([fs.readFileSync(file)]) });
    } catch {
      // A template from a crashed writer or another PGlite build: make a fresh one below.
    }
  }
  const pglite = await createPglite();
  await runMigrations(fromPglite(pglite, 'memory'));
  const dump = Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer());
  fs.mkdirSync(TEMPLATES, { recursive: true });
  for (const old of fs.readdirSync(TEMPLATES)) {
    const full = path.join(TEMPLATES, old);
    if (!old.startsWith('pglite-') || full === file) continue;
    // Another test process may be writing this one right now (the files of a run start together);
    // only a partial file old enough to be a crashed writer's is removed.
    const unfinished = !old.endsWith('.tar');
    if (unfinished && Date.now() - (fs.statSync(full, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 10 * 60_000)
      continue;
    fs.rmSync(full, { force: true });
  }
  const partial = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(partial, dump);
  fs.renameSync(partial, file);
  return pglite;
}

/** A fresh, migrated database of its own: an in-memory PGlite, or a new PostgreSQL database. */
export async function createTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = fromPglite(await migratedPglite(), 'memory');
    return { ...handle, testKind: kind, app: handle, dispose: () => handle.close() };
  }
  const adminUrl = inject('postgresUrl')!;
  const name = `oc_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const handle = openPostgres(url, { poolSize: 4 });
  await runMigrations(handle);
  // No password: the test server trusts local connections.
  await ensureAppLogin(handle.db, TEST_APP_LOGIN, undefined);
  const appUrl = new URL(url);
  appUrl.username = TEST_APP_LOGIN;
  const app = openPostgres(appUrl.toString(), { poolSize: 4 });
  return {
    ...handle,
    testKind: kind,
    url,
    appUrl: appUrl.toString(),
    app,
    async dispose() {
      await app.close();
      await handle.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

const tableLists = new WeakMap<DatabaseHandle, Promise<string[]>>();

/** Every table of the app (the public schema; drizzle's own bookkeeping lives in the `drizzle` schema). */
function appTables(handle: DatabaseHandle): Promise<string[]> {
  let list = tableLists.get(handle);
  if (!list) {
    list = queryRows<{ name: string }>(
      handle.db,
      sql`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`,
    ).then((rows) => rows.map((row) => row.name));
    tableLists.set(handle, list);
  }
  return list;
}

/**
 * Empties every table between tests. The audit log refuses DELETE and TRUNCATE by trigger; tests (as
 * superuser) switch triggers, foreign-key checks included, off for this one transaction, which the
 * application never can. DELETE rather than TRUNCATE: on PostgreSQL a TRUNCATE of every table makes new
 * files for each and took about a second per test, a DELETE of a few dozen rows a few milliseconds.
 */
export async function truncateAll(handle: DatabaseHandle): Promise<void> {
  const tables = await appTables(handle);
  await handle.db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL session_replication_role = replica`);
    for (const table of tables) await tx.execute(sql`DELETE FROM ${sql.identifier(table)}`);
  });
}

/**
 * Registers the suite once per available database. `db()` is that suite's database; every test
 * starts from empty tables unless `keepData` is set.
 */
export function describeEachDatabase(
  title: string,
  body: (ctx: { db: () => TestDatabase; kind: TestDatabaseKind }) => void,
  options: { keepData?: boolean; only?: TestDatabaseKind } = {},
): void {
  for (const kind of testDatabaseKinds()) {
    if (options.only && kind !== options.only) continue;
    describe(`${title} [${kind}]`, () => {
      let handle: TestDatabase | undefined;
      beforeAll(async () => {
        handle = await createTestDatabase(kind);
      });
      afterAll(async () => {
        await handle?.dispose();
      });
      if (!options.keepData) {
        beforeEach(async () => {
          await truncateAll(handle!);
        });
      }
      body({ db: () => handle!, kind });
    });
  }
}

/**
 * Switches row-level security off on every table that has it (as the superuser), for tests that show
 * what the other layers hold on their own. Returns the tables it switched off.
 */
export async function disableRowLevelSecurity(handle: DatabaseHandle): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    handle.db,
    sql`SELECT relname AS name FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND (relrowsecurity OR relforcerowsecurity)`,
  );
  for (const { name } of rows) {
    await handle.db.execute(
      sql`ALTER TABLE ${sql.identifier(name)} NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY`,
    );
  }
  return rows.map((row) => row.name);
}
