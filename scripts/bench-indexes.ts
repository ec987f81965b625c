// `npm run bench -- indexes`: the hot-path indexes of docs/decisions/037, each timed beside the same
// statement with the index dropped (inside a transaction that is rolled back), in the same run.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { appendResult, benchScope, insertParticipantEvents, withFreshDatabase } from './bench-database';
import { summarize, timeRuns } from './bench/load';
import { inOrg, withOrg } from '../src/lib/database/with-org';
import type { Database } from '../src/lib/db';
import { findParticipantDetailJson, listParticipants } from '../src/lib/repositories/participants';
import { loadSyntheticOrg } from '../src/lib/seed/load-synthetic';
import { idFactory, validateSyntheticSize } from '../src/lib/seed/synthetic';

export const INDEXES_HELP = `  indexes  The hot-path indexes (docs/decisions/037) on a synthetic org in a new PostgreSQL database
         (--participants, default 1,000,000; --edges, default 5,000,000; --events, default 2,000,000
         about participants; --runs, default 9): a rare search term and participant details, each
         with its indexes and beside the same statements with them dropped, in one run.`;

/** The median of `runs` runs of `run`, after one to warm up. */
async function time(runs: number, run: (i: number) => Promise<unknown>): Promise<number> {
  await run(-1);
  return summarize(await timeRuns(runs, run)).median;
}

/** Runs `fn` with `indexes` dropped, then puts them back (the transaction is rolled back). */
async function withoutIndexes<T>(
  db: Database,
  indexes: string[],
  fn: (tx: Database) => Promise<T>,
): Promise<T> {
  let result: T | undefined;
  const rollback = new Error('rollback');
  try {
    await db.transaction(async (tx) => {
      for (const index of indexes) await tx.execute(sql.raw(`DROP INDEX ${index}`));
      result = await fn(tx);
      throw rollback;
    });
  } catch (error) {
    if (error !== rollback) throw error;
  }
  return result as T;
}

export async function benchIndexes(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      participants: { type: 'string', default: '1000000' },
      edges: { type: 'string', default: '5000000' },
      events: { type: 'string', default: '2000000' },
      runs: { type: 'string', default: '9' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return console.log(INDEXES_HELP);
  const participants = Number(values.participants);
  const edges = Number(values.edges);
  const eventCount = Number(values.events);
  const runs = Number(values.runs);
  const problem =
    validateSyntheticSize(participants, edges) ??
    (Number.isInteger(eventCount) && eventCount >= 0 ? undefined : '--events must be a whole number') ??
    (Number.isInteger(runs) && runs > 0 ? undefined : '--runs must be a positive whole number');
  if (problem) throw new Error(problem);

  await withFreshDatabase(false, async (handle) => {
    const org = await loadSyntheticOrg(
      handle,
      { name: 'Bench', timezone: 'UTC' },
      { participants, edges, seed: 1, now: new Date() },
    );
    const id = idFactory(org.orgId, 'participant');
    const loading = performance.now();
    await insertParticipantEvents(handle.db, org.orgId, participants, eventCount, new Date());
    await handle.db.execute(sql`VACUUM ANALYZE events`);
    await handle.db.execute(sql`VACUUM ANALYZE participants`);
    console.log(`${eventCount} events loaded in ${((performance.now() - loading) / 1000).toFixed(1)} s`);

    const scope = benchScope(org.orgId);
    // A term one participant has: their email's local part (the names repeat by design).
    const rare = `p${Math.floor(participants * 0.54321)}@`;
    const search = (db: Database) => () =>
      inOrg(db, scope)((tx) => listParticipants(tx, scope, { q: rare, limit: 50 }));
    // Each view a participant not viewed before in this run: the first view of a detail.
    const detail = (db: Database, salt: number) => (i: number) =>
      inOrg(
        db,
        scope,
      )((tx) => findParticipantDetailJson(tx, scope, id((((i + 2) * 7919 + salt) * 104729) % participants)));
    const trgm = ['participants_name_trgm_idx', 'participants_email_trgm_idx'];
    const cases = {
      searchRareTerm: {
        with: await time(runs, search(handle.db)),
        without: await withoutIndexes(handle.db, trgm, (tx) => time(runs, search(tx))),
      },
      participantDetail: {
        with: await time(runs, detail(handle.db, 1)),
        without: await withoutIndexes(handle.db, ['events_org_target_created_idx'], (tx) =>
          time(runs, detail(tx, 2)),
        ),
      },
    };
    // The page's own rows: that the search found the one participant, not a cached empty answer.
    const found = await withOrg(handle.db, scope, (tx) =>
      listParticipants(tx, scope, { q: rare, limit: 50 }),
    );
    if (found.items.length !== 1) throw new Error(`the rare term ${rare} found ${found.items.length} rows`);

    console.log(
      `indexes on postgres, ${participants} participants + ${edges} edges + ${eventCount} events (median of ${runs}, ms):`,
    );
    for (const [name, c] of Object.entries(cases)) {
      console.log(
        `  ${name.padEnd(20)} with ${c.with.toFixed(1).padStart(8)}   without ${c.without.toFixed(1).padStart(9)}   ${(c.without / c.with).toFixed(1)}x faster`,
      );
    }
    appendResult({
      bench: 'indexes',
      participants,
      edges,
      events: eventCount,
      runs,
      medianMs: cases,
      at: new Date().toISOString(),
    });
  });
}
