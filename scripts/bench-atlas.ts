// `npm run bench -- atlas`: a whole Atlas run (the real job: load, compute in its worker thread, write)
// on a synthetic org, with time and peak memory per phase, beside igraph's PageRank and Louvain on the
// same edge list (scripts/graph-baseline.py). The run happens in a child process of its own, so its peak
// memory is the run's alone (not the seeding's).
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { loadSyntheticOrg } from '../src/lib/seed/load-synthetic';
import { validateSyntheticSize } from '../src/lib/seed/synthetic';
import { appendResult, withFreshDatabase } from './bench-database';

const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

export interface RunReport {
  wallMs: number;
  peakRssMiB: number;
  status: string;
  error: string | null;
  result: {
    durationMs: number;
    graph: { participants: number; relationships: number; communities: number; modularity: number };
    timings: Record<string, number>;
    peakRssMiB: Record<string, number>;
  };
}

/** What scripts/graph-baseline.py prints for one tool. */
export interface GraphBaselineReport {
  tool: 'igraph' | 'networkx';
  version: string;
  buildSeconds: number;
  pagerankSeconds: number;
  undirectSeconds: number;
  louvainSeconds: number;
  communities: number;
  modularity: number;
  peakRssMiB: number;
}

/** PageRank and Louvain by igraph or networkx on the edge list a run wrote at `edgePrefix`. */
export async function graphBaseline(
  tool: GraphBaselineReport['tool'],
  edgePrefix: string,
  nodes: number,
): Promise<GraphBaselineReport> {
  const { stdout } = await promisify(execFile)(
    PYTHON,
    [path.join('scripts', 'graph-baseline.py'), tool, edgePrefix, String(nodes)],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim()) as GraphBaselineReport;
}

/** Seconds the baseline took from the edge list to the communities: load, PageRank, undirect, Louvain. */
export const baselineSeconds = (r: GraphBaselineReport) =>
  r.buildSeconds + r.pagerankSeconds + r.undirectSeconds + r.louvainSeconds;

/** Runs scripts/bench-atlas-run.ts against the database in `env` and returns its JSON report. */
export function runChild(env: Record<string, string>, orgId: string, edgePrefix: string): Promise<RunReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench-atlas-run.ts', orgId, edgePrefix],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`the Atlas run exited with ${code}: ${line}`));
      resolve(JSON.parse(line) as RunReport);
    });
  });
}

export async function benchAtlas(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      participants: { type: 'string', default: '100000' },
      edges: { type: 'string', default: '500000' },
      embedded: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      // An org already loaded (by `npm run db:seed -- --synthetic`) in the database BENCH_DATABASE_URL
      // names: large orgs take many minutes to load, and the run does not change what it reads.
      org: { type: 'string' },
    },
    strict: true,
  });
  const participants = Number(values.participants);
  const edges = Number(values.edges);
  const problem = validateSyntheticSize(participants, edges);
  if (problem) throw new Error(problem);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-atlas-'));
  const edgePrefix = path.join(work, 'edges');
  try {
    if (values.org) {
      const url = process.env.BENCH_DATABASE_URL;
      if (!url) throw new Error('--org needs BENCH_DATABASE_URL: the database that holds the org');
      const report = await runChild({ DATABASE_URL: url }, values.org, edgePrefix);
      await finish(report, 'postgres (existing org)');
      return;
    }
    let orgId = '';
    await withFreshDatabase(values.embedded, async (handle) => {
      const seeded = performance.now();
      const org = await loadSyntheticOrg(
        handle,
        { name: 'Bench Atlas', timezone: 'Europe/Berlin' },
        { participants, edges, seed: Number(values.seed), now: new Date() },
      );
      orgId = org.orgId;
      console.error(`seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
      if (handle.kind === 'postgres') {
        const report = await runChild({ DATABASE_URL: connectionStringOf(handle) }, orgId, edgePrefix);
        await finish(report, handle.kind);
      } else {
        // The embedded database has one owner at a time: hand the files to the child.
        const dataDir = handle.location;
        await handle.close();
        const report = await runChild({ DATA_DIR: dataDir, DATABASE_URL: '' }, orgId, edgePrefix);
        await finish(report, 'embedded');
      }
    });

    async function finish(run: RunReport, database: string) {
      if (run.status !== 'succeeded') throw new Error(`the Atlas run ${run.status}: ${run.error}`);
      const igraph = await graphBaseline('igraph', edgePrefix, run.result.graph.participants);
      const t = run.result.timings;
      const ours = ((t.pagerankMs ?? 0) + (t.communitiesMs ?? 0)) / 1000;
      const theirs = igraph.pagerankSeconds + igraph.louvainSeconds;
      const record = {
        bench: 'atlas',
        database,
        participants: run.result.graph.participants,
        edges: run.result.graph.relationships,
        wallSeconds: Number((run.wallMs / 1000).toFixed(1)),
        peakRssMiB: run.peakRssMiB,
        phases: Object.fromEntries(
          Object.entries(t).map(([name, ms]) => [
            name.replace(/Ms$/, ''),
            { seconds: Number((ms / 1000).toFixed(2)), peakRssMiB: run.result.peakRssMiB[name] ?? null },
          ]),
        ),
        communities: run.result.graph.communities,
        modularity: run.result.graph.modularity,
        igraph,
        pagerankPlusLouvainSeconds: { ours: Number(ours.toFixed(2)), igraph: Number(theirs.toFixed(2)) },
        ratioToIgraph: Number((ours / theirs).toFixed(2)),
        cpus: os.cpus().length,
        at: new Date().toISOString(),
      };
      const phases = Object.entries(record.phases)
        .map(([name, p]) => `${name} ${p.seconds}s/${p.peakRssMiB}MiB`)
        .join(', ');
      console.log(
        `atlas on ${database}: ${record.participants} participants, ${record.edges} relationships — whole run ` +
          `${record.wallSeconds} s, peak RSS ${record.peakRssMiB} MiB (${phases}); PageRank + Louvain ` +
          `${record.pagerankPlusLouvainSeconds.ours} s vs igraph ${record.pagerankPlusLouvainSeconds.igraph} s ` +
          `(${record.ratioToIgraph}×; modularity ${record.modularity} vs ${igraph.modularity}; igraph peak ${igraph.peakRssMiB} MiB)`,
      );
      console.log(JSON.stringify(record));
      appendResult(record);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function connectionStringOf(handle: { pool?: { options: { connectionString?: string } } }): string {
  const url = handle.pool?.options.connectionString;
  if (!url) throw new Error('the bench database has no connection string');
  return url;
}
