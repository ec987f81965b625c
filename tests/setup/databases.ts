import crypto from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, inject } from 'vitest';
import { fromPglite, openPostgres, type DatabaseHandle } from '../../src/lib/db';
import { runMigrations } from '../../src/lib/database/migrate';

export type TestDatabaseKind = 'pglite' | 'postgres';

export interface TestDatabase extends DatabaseHandle {
  testKind: TestDatabaseKind;
  /** Set on PostgreSQL: the URL of this file's own database, for subprocesses. */
  url?: string;
  dispose(): Promise<void>;
}

export function testDatabaseKinds(): TestDatabaseKind[] {
  return inject('postgresUrl') ? ['pglite', 'postgres'] : ['pglite'];
}

function withDatabase(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh, migrated database of its own: an in-memory PGlite, or a new PostgreSQL database. */
export async function createTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = fromPglite(await PGlite.create(), 'memory');
    await runMigrations(handle);
    return { ...handle, testKind: kind, dispose: () => handle.close() };
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
  return {
    ...handle,
    testKind: kind,
    url,
    async dispose() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

const APP_TABLES = [
  'events',
  'interventions',
  'recommendations',
  'relationships',
  'participants',
  'org_memberships',
  'sessions',
  'accounts',
  'verifications',
  'users',
  'orgs',
];

/**
 * Empties every table between tests. The audit log refuses TRUNCATE by trigger; tests (as superuser)
 * switch triggers off for this one transaction, which the application never can.
 */
export async function truncateAll(handle: DatabaseHandle): Promise<void> {
  await handle.db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL session_replication_role = replica`);
    await tx.execute(sql.raw(`TRUNCATE ${APP_TABLES.join(', ')}, rate_limits CASCADE`));
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
