import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { queryRows, type DatabaseHandle } from '../db';
import { withQueryLabel } from '../observability/query-label';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

// Any fixed number: several app instances starting at once take turns instead of racing on DDL.
const MIGRATION_LOCK_KEY = 7_242_001;

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

export function migrationJournal(): JournalEntry[] {
  const file = path.join(MIGRATIONS_DIR, 'meta', '_journal.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: JournalEntry[] }).entries;
}

export const MIGRATIONS_LABEL = 'migrations';

/** Applies the committed SQL migrations in `drizzle/`; the same files on PostgreSQL and PGlite. */
export function runMigrations(handle: DatabaseHandle): Promise<void> {
  // Named in the metrics and logs; the one place statements span every org by design (a migration's
  // data changes), which the org_id check of the test suite leaves out by this name.
  return withQueryLabel(MIGRATIONS_LABEL, () => applyMigrations(handle));
}

async function applyMigrations(handle: DatabaseHandle): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_DIR };
  if (!handle.pool) {
    await migratePglite(handle.db as unknown as PgliteDatabase, config);
    return;
  }
  const client = await handle.pool.connect();
  try {
    // Migrations wait their turn behind another instance's (the advisory lock) and behind the app's
    // transactions (DDL locks); the app's lock_timeout is for requests, not for them.
    await client.query('SET lock_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrateNodePg(drizzleNodePg(client), config);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      await client.query('RESET lock_timeout');
    }
  } finally {
    client.release();
  }
}

/** Tags of committed migrations that this database has not applied yet. */
export async function pendingMigrations(handle: DatabaseHandle): Promise<string[]> {
  const journal = migrationJournal();
  const [exists] = await queryRows<{ present: boolean }>(
    handle.db,
    sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`,
  );
  if (!exists?.present) return journal.map((e) => e.tag);
  const applied = await queryRows<{ created_at: string }>(
    handle.db,
    sql`SELECT created_at FROM drizzle.__drizzle_migrations`,
  );
  const done = new Set(applied.map((r) => Number(r.created_at)));
  return journal.filter((e) => !done.has(e.when)).map((e) => e.tag);
}

export class PendingMigrationsError extends Error {
  override name = 'PendingMigrationsError';
  constructor(readonly pending: string[]) {
    super(
      `the database has ${pending.length} migration(s) to apply (${pending.join(', ')}): run \`npm run db:migrate\` first`,
    );
  }
}

/**
 * The embedded database migrates itself; PostgreSQL is migrated by its operator (`npm run db:migrate`
 * before a deploy), so here it is only checked.
 */
export async function ensureMigrated(handle: DatabaseHandle): Promise<void> {
  if (handle.kind !== 'postgres') return runMigrations(handle);
  const pending = await pendingMigrations(handle);
  if (pending.length) throw new PendingMigrationsError(pending);
}
