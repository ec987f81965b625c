// npm run bench -- audit-verify | audit-writers: the audit chain's costs (docs/decisions/030).
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { parseSigningKey } from '../src/lib/audit-chain/signing';
import { queryRows, type DatabaseHandle } from '../src/lib/db';
import { unsafeCreateOrg } from '../src/lib/repositories/unsafe';
import { createSystemScope } from '../src/lib/scope';
import { anchorAuditChain, verifyAuditChain } from '../src/lib/services/audit-chain';
import { appendResult, concurrentWriters, withFreshDatabase } from './bench-database';

const BATCH = 50_000;

// Metadata like the stage engine's: a flat object of eight members.
const insertBatch = (table: 'events' | 'events_plain', orgId: string, from: number, n: number) =>
  sql`INSERT INTO ${sql.identifier(table)} (org_id, actor_role, event_type, target_type, target_id, metadata)
      SELECT ${orgId}::uuid, 'system', 'participant.stage_changed', 'participant', g::text,
             jsonb_build_object('from', 'active', 'to', 'at_risk', 'interventionId', NULL, 'reversal', false,
                                'cause', 'engine', 'reason', 'demoted', 'jobId', md5(g::text), 'n', g)
      FROM generate_series(${from}::int, ${from + n - 1}::int) AS g`;

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await run();
  return { value, seconds: (performance.now() - started) / 1000 };
}

async function load(handle: DatabaseHandle, table: 'events' | 'events_plain', orgId: string, events: number) {
  for (let from = 1; from <= events; from += BATCH) {
    const n = Math.min(BATCH, events - from + 1);
    await handle.db.transaction(async (tx) => {
      await tx.execute(insertBatch(table, orgId, from, n));
    });
  }
}

/**
 * Writes N events to one org in transactions of 50,000 (linked at each commit), beside the same
 * inserts into a copy of the table without the chain's triggers; then verifies the whole chain and
 * anchors it, timing each.
 */
export async function benchAuditVerify(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string', default: '1000000' },
      embedded: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const events = Number(values.events);
  if (!Number.isInteger(events) || events < 1) throw new Error('--events must be a whole number');
  await withFreshDatabase(values.embedded, async (handle) => {
    const org = await unsafeCreateOrg(handle.db, { name: 'Bench', timezone: 'UTC' });
    const scope = createSystemScope(org);
    await handle.db.execute(sql`CREATE TABLE events_plain (LIKE events INCLUDING ALL)`);
    const plain = await timed(() => load(handle, 'events_plain', org.id, events));
    const chained = await timed(() => load(handle, 'events', org.id, events));
    await handle.db.execute(sql`VACUUM ANALYZE events`);
    const keys = parseSigningKey(
      crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    const rssBefore = process.memoryUsage().rss;
    const verify = await timed(() => verifyAuditChain(handle.db, scope, keys));
    if (verify.value.status !== 'verified' || verify.value.eventsChecked !== events) {
      throw new Error(`the chain did not verify: ${JSON.stringify(verify.value.firstBroken)}`);
    }
    const anchor = await timed(() => anchorAuditChain(handle.db, scope, keys));
    const [size] = await queryRows<{ mb: number }>(
      handle.db,
      sql`SELECT round(pg_total_relation_size('events') / 1048576.0)::int AS mb`,
    );
    const record = {
      bench: 'audit-verify',
      database: values.embedded ? 'pglite' : 'postgres',
      events,
      insertPlainSeconds: round(plain.seconds),
      insertChainedSeconds: round(chained.seconds),
      verifySeconds: round(verify.seconds),
      verifyEventsPerSecond: Math.round(events / verify.seconds),
      anchorSeconds: round(anchor.seconds),
      rssGrowthMiB: Math.round((process.memoryUsage().rss - rssBefore) / 1048576),
      eventsTableMiB: size!.mb,
      at: new Date().toISOString(),
    };
    console.log(
      `audit-verify on ${record.database}, ${events} events: written in ${record.insertChainedSeconds} s ` +
        `(${record.insertPlainSeconds} s without the chain), verified in ${record.verifySeconds} s ` +
        `(${record.verifyEventsPerSecond}/s, RSS +${record.rssGrowthMiB} MiB), first anchor in ${record.anchorSeconds} s`,
    );
    appendResult(record);
  });
}

const round = (seconds: number) => Number(seconds.toFixed(1));

/**
 * 64 writers over 8 orgs (PostgreSQL), each transaction: an audit event, then `--work-ms` of other
 * work, then commit (a request that audits and goes on). Run twice: as shipped (the chain lock taken
 * at commit, by the deferred trigger) and with the trigger made IMMEDIATE (the lock taken at the
 * insert and held to the commit, as a BEFORE INSERT trigger would). Reports throughput, latency and
 * errors of each, and checks every chain.
 */
export async function benchAuditWriters(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      writers: { type: 'string', default: '64' },
      orgs: { type: 'string', default: '8' },
      transactions: { type: 'string', default: '40' },
      'work-ms': { type: 'string', default: '5' },
    },
    strict: true,
  });
  const writers = Number(values.writers);
  const orgCount = Number(values.orgs);
  const perWriter = Number(values.transactions);
  const workMs = Number(values['work-ms']);
  await withFreshDatabase(false, async (handle) => {
    const url = (handle.pool!.options as { connectionString: string }).connectionString;
    const result: Record<string, unknown> = {};
    for (const mode of ['deferred', 'immediate'] as const) {
      const orgs = await Promise.all(
        Array.from({ length: orgCount }, (_, i) =>
          unsafeCreateOrg(handle.db, { name: `${mode} ${i}`, timezone: 'UTC' }),
        ),
      );
      const run = await concurrentWriters(url, writers, perWriter, async (client, w, t) => {
        if (mode === 'immediate') await client.query('SET CONSTRAINTS events_chain_link IMMEDIATE');
        await client.query(
          `INSERT INTO events (org_id, event_type, metadata) VALUES ($1, 'graph.viewed', $2)`,
          [orgs[(w + t) % orgCount]!.id, { w, t }],
        );
        await client.query('SELECT pg_sleep($1)', [workMs / 1000]);
      });
      let broken = 0;
      for (const org of orgs) {
        const report = await verifyAuditChain(handle.db, createSystemScope(org), null);
        if (report.status !== 'verified') broken += 1;
      }
      const { firstError, ...figures } = run;
      result[mode] = { ...figures, brokenChains: broken };
      console.log(
        `${mode.padEnd(9)} ${writers} writers, ${orgCount} orgs, ${workMs} ms of work after the audit write: ` +
          `${JSON.stringify(result[mode])}`,
      );
      if (firstError) console.log(`  first error: ${firstError}`);
    }
    appendResult({
      bench: 'audit-writers',
      writers,
      orgs: orgCount,
      perWriter,
      workMs,
      ...result,
      at: new Date().toISOString(),
    });
  });
}
