// What every benchmark shares: a fresh database of its own, and one line per result in
// bench-results/results.ndjson.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, openPostgres, type Database, type DatabaseHandle } from '../src/lib/db';
import { idFactory } from '../src/lib/seed/synthetic';
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

/** What concurrent writers achieved: transactions a second, latency percentiles, failures. */
export interface WritersResult {
  transactionsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  firstError?: string;
}

/**
 * `writers` connections to `url`, each running `perWriter` transactions of `work` one after another
 * (BEGIN, the work, COMMIT; ROLLBACK on a failure, counted), all at once.
 */
export async function concurrentWriters(
  url: string,
  writers: number,
  perWriter: number,
  work: (client: pg.PoolClient, writer: number, transaction: number) => Promise<void>,
  options: pg.PoolConfig = {},
): Promise<WritersResult> {
  const pool = new pg.Pool({ connectionString: url, max: writers, ...options });
  // The benches drop their database at the end, which ends any idle connection left here.
  pool.on('error', () => undefined);
  const latencies: number[] = [];
  const errors: string[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const client = await pool.connect();
      try {
        for (let t = 0; t < perWriter; t++) {
          const at = performance.now();
          try {
            await client.query('BEGIN');
            await work(client, w, t);
            await client.query('COMMIT');
            latencies.push(performance.now() - at);
          } catch (error) {
            errors.push(error instanceof Error ? error.message : String(error));
            await client.query('ROLLBACK').catch(() => undefined);
          }
        }
      } finally {
        client.release();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0);
  return {
    transactionsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    errors: errors.length,
    ...(errors.length ? { firstError: errors[0] } : {}),
  };
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

/**
 * `count` participant.viewed events about the synthetic org's participants, at random (deterministic),
 * spread over the year before `clock`. The audit chain's triggers are skipped (replica mode, as a
 * superuser): the benchmarks measure reading events, not writing them.
 */
export async function insertParticipantEvents(
  db: Database,
  orgId: string,
  participants: number,
  count: number,
  clock: Date,
): Promise<void> {
  const prefix = idFactory(orgId, 'participant')(0).slice(0, -12);
  await db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL session_replication_role = replica`);
    await tx.execute(sql`
      INSERT INTO events (org_id, event_type, target_type, target_id, created_at)
      SELECT ${orgId}::uuid, 'participant.viewed', 'participant',
             ${prefix} || lpad(to_hex((hashint4(g) & 2147483647) % ${participants}), 12, '0'),
             ${clock.toISOString()}::timestamptz - (g % 31536000) * interval '1 second'
      FROM generate_series(1, ${count}) g`);
  });
}
