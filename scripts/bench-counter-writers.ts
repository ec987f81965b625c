// npm run bench -- counter-writers: writers of one org adding participants at once, with the segment
// counters' triggers (docs/decisions/047) beside the same inserts with those triggers disabled, on a
// fresh PostgreSQL database. Counters kept by updating one row per bucket made every writer of an org
// wait for the others' commits: the ratio was about the number of writers.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/lib/db';
import { unsafeCreateOrg } from '../src/lib/repositories/unsafe';
import { appendResult, concurrentWriters, withFreshDatabase, type WritersResult } from './bench-database';

const TRIGGERS = ['insert', 'update', 'delete'].map((op) => `participants_segment_counts_${op}`);

export const COUNTER_WRITERS_HELP = `  counter-writers  --writers 16 writers of one org, each --transactions 20 transactions that add a
         participant and hold --work-ms 20 ms of work before committing, with the segment counters'
         triggers beside the same with them disabled; errors, and the counters against a recount.`;

export async function benchCounterWriters(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      writers: { type: 'string', default: '16' },
      transactions: { type: 'string', default: '20' },
      'work-ms': { type: 'string', default: '20' },
    },
    strict: true,
  });
  const writers = Number(values.writers);
  const perWriter = Number(values.transactions);
  const workMs = Number(values['work-ms']);
  for (const [name, n] of [
    ['--writers', writers],
    ['--transactions', perWriter],
    ['--work-ms', workMs],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number`);
  }
  await withFreshDatabase(false, async (handle) => {
    const url = (handle.pool!.options as { connectionString: string }).connectionString;
    const result: Record<string, Omit<WritersResult, 'firstError'>> = {};
    // The counters first, so that their check below reads only rows they counted.
    for (const mode of ['counters', 'without'] as const) {
      if (mode === 'without') {
        for (const trigger of TRIGGERS) {
          await handle.db.execute(sql.raw(`ALTER TABLE participants DISABLE TRIGGER ${trigger}`));
        }
      }
      const org = await unsafeCreateOrg(handle.db, { name: `Writers ${mode}`, timezone: 'UTC' });
      const run = await concurrentWriters(
        url,
        writers,
        perWriter,
        async (client, w, t) => {
          // New participants, all in the same buckets: degree 0, this slot, never active.
          await client.query(
            `INSERT INTO participants (org_id, display_name, role, origin) VALUES ($1, $2, 'member', 'manual')`,
            [org.id, `Writer ${w} ${t}`],
          );
          await client.query('SELECT pg_sleep($1)', [workMs / 1000]);
        },
        { options: '-c lock_timeout=5000' },
      );
      const { firstError, ...figures } = run;
      result[mode] = figures;
      console.log(
        `${mode.padEnd(9)} ${writers} writers of one org, ${workMs} ms of work after the insert: ${JSON.stringify(result[mode])}`,
      );
      if (firstError) console.log(`  first error: ${firstError}`);
      if (mode === 'counters') {
        // Every bucket against the participants as they are now; and how many rows hold them.
        const [check] = await queryRows<{ wrong: number; participants: number; rows: number }>(
          handle.db,
          sql`SELECT (SELECT count(*)::int FROM (
                        SELECT dimension, bucket, sum(participants) AS n FROM segment_counts
                        WHERE org_id = ${org.id} GROUP BY 1, 2 HAVING sum(participants) <> 0) stored
                      FULL JOIN (
                        SELECT b.dimension, b.bucket, count(*) AS n FROM participants r
                        CROSS JOIN LATERAL segment_count_buckets(r.role, r.out_degree + r.in_degree, r.created_at, r.last_activity_at) b
                        WHERE r.org_id = ${org.id} GROUP BY 1, 2) recounted USING (dimension, bucket)
                      WHERE stored.n IS DISTINCT FROM recounted.n) AS wrong,
                     (SELECT count(*)::int FROM participants WHERE org_id = ${org.id}) AS participants,
                     (SELECT count(*)::int FROM segment_counts WHERE org_id = ${org.id}) AS rows`,
        );
        console.log(
          `  ${check!.participants} participants counted in ${check!.rows} counter rows; buckets off a recount: ${check!.wrong}`,
        );
        if (check!.wrong !== 0) throw new Error('the counters disagree with a recount');
      }
    }
    const ratio = result.counters!.transactionsPerSecond / result.without!.transactionsPerSecond;
    console.log(`with the counters: ${ratio.toFixed(2)}× the transactions a second without them`);
    appendResult({
      bench: 'counter-writers',
      writers,
      perWriter,
      workMs,
      ...result,
      ratio: Number(ratio.toFixed(2)),
      at: new Date().toISOString(),
    });
  });
}
