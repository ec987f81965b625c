// What every benchmark shares: a fresh database of its own, and one line per result in
// bench-results/results.ndjson.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, openPostgres, type DatabaseHandle } from '../src/lib/db';
import { runMigrations } from '../src/lib/database/migrate';
import { createOrgScope, type OrgScope } from '../src/lib/scope';

/**
 * Runs `run` on a new, migrated database, dropped after: a PGlite in a temp directory with
 * `embedded`, else a database created where BENCH_DATABASE_URL points (a superuser URL; default the
 * local PostgreSQL).
 */
export async function withFreshDatabase<T>(
  embedded: boolean,
  run: (handle: DatabaseHandle) => Promise<T>,
): Promise<T> {
  if (embedded) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-'));
    const handle = await openDatabase({ dataDir, poolSize: 1, role: 'command' });
    try {
      await runMigrations(handle);
      return await run(handle);
    } finally {
      await handle.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `oc_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = openPostgres(url.toString(), { poolSize: 2 });
  try {
    await runMigrations(handle);
    return await run(handle);
  } finally {
    await handle.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

export function appendResult(record: Record<string, unknown>): void {
  fs.mkdirSync('bench-results', { recursive: true });
  fs.appendFileSync(path.join('bench-results', 'results.ndjson'), `${JSON.stringify(record)}\n`);
}

/** An owner's scope in a benchmark's synthetic org "Bench", for calling repositories as a service does. */
export function benchScope(orgId: string): OrgScope {
  return createOrgScope({
    orgId,
    orgName: 'Bench',
    timezone: 'UTC',
    userId: crypto.randomUUID(),
    userEmail: 'bench@example.com',
    role: 'owner',
  });
}
