// Benchmarks, run by `npm run bench -- <name> [options]`. Each one makes its own database, measures,
// prints one summary line and a JSON record, and cleans up. Never part of `npm test`.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { appendResult, benchScope, withFreshDatabase } from './bench-database';
import { loadSyntheticOrg } from '../src/lib/seed/load-synthetic';
import { validateSyntheticSize } from '../src/lib/seed/synthetic';
import { IMPORT_HELP } from './bench-import';
import { ISOLATION_HELP } from './bench-isolation';
import { COUNTER_WRITERS_HELP } from './bench-counter-writers';
import { INDEXES_HELP } from './bench-indexes';
import { summarize, timeRuns } from './bench/load';
import { BenchUsageError } from './bench/options';
import { runSuite, SUITE_CASES, SUITE_HELP } from './bench/suite';

const HELP = `Usage: npm run bench -- seed|queries|ui|atlas|isolation|import|indexes|audit-verify|audit-writers|counter-writers [--participants N] [--edges M] [--embedded] [--seed S]

  seed   Loads a synthetic org into a new, empty database and reports time, rows/s and peak memory.
         PostgreSQL: BENCH_DATABASE_URL (a superuser URL; default postgresql://postgres@127.0.0.1:5432/postgres),
         a database is created for the run and dropped after it. --embedded: a PGlite in a temp directory.
         Defaults: 1,000,000 participants and 5,000,000 edges.
  queries  Loads a synthetic org the same way, then times the org API's heavy reads on it (median of
         5 runs each): segment counts, the first participants page, a segment-filtered page, the
         largest hub's neighbourhood at depth 1 and 2, and the compact whole graph when within its caps.
  ui     The graph explorer on a synthetic org (default 10,000 participants, 50,000 edges; --runs R,
         default 2) in headless Chromium, beside a bare sigma page drawing the same graph: first frame
         time and the longest task after it. Makes the production build first when it is stale.
  atlas  A whole Atlas run (default 100,000 participants, 500,000 edges; --org ORG: an org already in
         BENCH_DATABASE_URL's database) in a process of its own, time and peak memory per phase, beside
         igraph's PageRank + Louvain on the same edge list (/usr/bin/python3 with python3-igraph).
  audit-verify  Writes --events N (default 1,000,000) audit events to one org, beside the same inserts
         without the hash chain's triggers, then verifies the whole chain (streaming) and anchors it.
  audit-writers  64 writers over 8 orgs on PostgreSQL (--writers, --orgs, --transactions, --work-ms):
         the chain lock taken at commit (as shipped) beside taken at the insert; errors and chains checked.
${COUNTER_WRITERS_HELP}
${ISOLATION_HELP}
${IMPORT_HELP}
${INDEXES_HELP}
${SUITE_HELP}`;

async function benchSeed(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      participants: { type: 'string', default: '1000000' },
      edges: { type: 'string', default: '5000000' },
      seed: { type: 'string', default: '1' },
      embedded: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const participants = Number(values.participants);
  const edges = Number(values.edges);
  const problem =
    !Number.isInteger(participants) || !Number.isInteger(edges)
      ? '--participants and --edges must be whole numbers'
      : validateSyntheticSize(participants, edges);
  if (problem) throw new Error(problem);
  const result = await withFreshDatabase(values.embedded, (handle) =>
    loadSyntheticOrg(
      handle,
      { name: 'Bench', timezone: 'UTC' },
      { participants, edges, seed: Number(values.seed), now: new Date() },
    ),
  );
  const record = {
    bench: 'seed',
    database: values.embedded ? 'pglite' : 'postgres',
    participants,
    edges,
    seconds: Number(result.seconds.toFixed(1)),
    rowsPerSecond: Math.round((participants + edges) / result.seconds),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    cpus: os.cpus().length,
    at: new Date().toISOString(),
  };
  console.log(
    `seed on ${record.database}: ${participants} participants + ${edges} edges in ${record.seconds} s ` +
      `(${record.rowsPerSecond} rows/s, peak RSS ${record.peakRssMiB} MiB)`,
  );
  appendResult(record);
}

async function timeIt(run: () => Promise<unknown>, times = 5): Promise<number> {
  return Math.round(summarize(await timeRuns(times, run)).median);
}

async function benchQueries(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      participants: { type: 'string', default: '1000000' },
      edges: { type: 'string', default: '5000000' },
      embedded: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const participants = Number(values.participants);
  const edges = Number(values.edges);
  const problem = validateSyntheticSize(participants, edges);
  if (problem) throw new Error(problem);
  const { inOrg } = await import('../src/lib/database/with-org');
  const { countSegments } = await import('../src/lib/repositories/segments');
  const { listParticipants } = await import('../src/lib/repositories/participants');
  const { loadNeighbourhood, GraphTooLargeError } = await import('../src/lib/repositories/graph');
  const { readCompactGraph } = await import('../src/lib/repositories/compact-graph');
  const { withOrgConnection } = await import('../src/lib/database/with-org');
  const { idFactory } = await import('../src/lib/seed/synthetic');
  const { graphQuerySchema, MAX_COMPACT_GRAPH_EDGES, MAX_COMPACT_GRAPH_NODES } =
    await import('../src/lib/validation/graph');
  await withFreshDatabase(values.embedded, async (handle) => {
    const org = await loadSyntheticOrg(
      handle,
      { name: 'Bench', timezone: 'UTC' },
      { participants, edges, seed: 1, now: new Date() },
    );
    const scope = benchScope(org.orgId);
    const db = handle.db;
    // Each timed read in its scoped transaction, as the services run it.
    const scoped = inOrg(db, scope);
    const hub = idFactory(org.orgId, 'participant')(0);
    const page = { limit: 50 };
    const results: Record<string, number | string> = {
      segments: await timeIt(() => scoped((tx) => countSegments(tx, scope))),
      participantsFirstPage: await timeIt(() => scoped((tx) => listParticipants(tx, scope, page))),
      participantsDormantPage: await timeIt(() =>
        scoped((tx) => listParticipants(tx, scope, { ...page, segment: 'dormant' })),
      ),
      hubDepth1: await timeIt(() =>
        scoped((tx) =>
          loadNeighbourhood(tx, scope, { ...graphQuerySchema.parse({ focus: hub }), focus: hub }),
        ),
      ),
      hubDepth2: await timeIt(() =>
        scoped((tx) =>
          loadNeighbourhood(tx, scope, { ...graphQuerySchema.parse({ focus: hub, depth: 2 }), focus: hub }),
        ),
      ),
    };
    try {
      // Read as the API reads it (docs/decisions/069): one snapshot, through COPY on PostgreSQL.
      results.compactWholeGraph = await timeIt(
        () =>
          withOrgConnection(
            handle,
            scope,
            async (tx, connection) => {
              const graph = await readCompactGraph(
                tx,
                scope,
                graphQuerySchema.parse({ format: 'compact' }),
                { maxNodes: MAX_COMPACT_GRAPH_NODES, maxEdges: MAX_COMPACT_GRAPH_EDGES },
                undefined,
                connection,
              );
              // Done once every column's stretches are deflated.
              await Promise.all(
                graph.pieces.map((piece) =>
                  typeof piece === 'object' && 'deflated' in piece ? piece.deflated : piece,
                ),
              );
            },
            { snapshot: true },
          ),
        3,
      );
    } catch (error) {
      if (!(error instanceof GraphTooLargeError)) throw error;
      results.compactWholeGraph = 'over the compact caps (422)';
    }
    const record = {
      bench: 'queries',
      database: values.embedded ? 'pglite' : 'postgres',
      participants,
      edges,
      medianMs: results,
      at: new Date().toISOString(),
    };
    console.log(`queries on ${record.database}, ${participants} participants + ${edges} edges (median ms):`);
    for (const [query, ms] of Object.entries(results)) console.log(`  ${query.padEnd(26)} ${ms}`);
    appendResult(record);
  });
}

const [name, ...rest] = process.argv.slice(2);
const benches: Record<string, (argv: string[]) => Promise<void>> = {
  seed: benchSeed,
  queries: benchQueries,
  ui: async (argv) => (await import('./bench-ui')).benchUi(argv),
  atlas: async (argv) => (await import('./bench-atlas')).benchAtlas(argv),
  isolation: async (argv) => (await import('./bench-isolation')).benchIsolation(argv),
  import: async (argv) => (await import('./bench-import')).benchImport(argv),
  indexes: async (argv) => (await import('./bench-indexes')).benchIndexes(argv),
  'audit-verify': async (argv) => (await import('./bench-audit')).benchAuditVerify(argv),
  'audit-writers': async (argv) => (await import('./bench-audit')).benchAuditWriters(argv),
  'counter-writers': async (argv) => (await import('./bench-counter-writers')).benchCounterWriters(argv),
  ...Object.fromEntries([...SUITE_CASES, 'all'].map((c) => [c, (argv: string[]) => runSuite(c, argv)])),
};
if (!name || !benches[name]) {
  console.error(HELP);
  process.exitCode = name === '--help' || name === '-h' ? 0 : 2;
} else {
  benches[name](rest).catch((error: unknown) => {
    console.error(`bench ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof BenchUsageError ? 2 : 1;
  });
}
