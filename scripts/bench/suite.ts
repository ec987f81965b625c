// `npm run bench -- <case>|all [--size S|M|L]`: the benchmark suite of issue 11. Each case is measured
// against its baseline in the same run, alternating, and printed as the app's median and spread, the
// baseline's, the ratio, and pass or fail; the run is saved to bench/results/ (git-ignored).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createLogger, setLogger } from '../../src/lib/observability/logger';
import { captureRequest, type CapturedRequest, type CapturedStatement } from './capture';
import {
  CASES,
  type BenchCase,
  type CaseContext,
  type HttpCase,
  type LatencyCase,
  type RunCase,
  type ThroughputCase,
  type TransferCase,
} from './cases';
import { ensureFixture, vacuumWrittenTables, type Fixture } from './fixture';
import { load, summarize, timeRuns, type LoadResult } from './load';
import { parseSuiteOptions, SUITE_FLAGS_HELP, type SuiteOptions } from './options';
import { spread, type Row } from './row';
import { signIn, startApp, startBare, type RunningServer } from './servers';

export const SUITE_CASES = CASES.map((c) => c.name);

export const SUITE_HELP = `  ${[...SUITE_CASES, 'all'].join('|')}  The benchmark suite (bench/README.md): the app as \`npm start\` runs it,
         each case beside its baseline in the same run. BENCH_DATABASE_URL (required): a PostgreSQL
         superuser URL where the suite keeps oc_bench_s|m|l. Flags:
${SUITE_FLAGS_HELP.split('\n')
  .map((line) => `       ${line}`)
  .join('\n')}
${CASES.map((c) => `         ${c.name.padEnd(13)} ${c.summary}`).join('\n')}`;

const RESULTS_DIR = 'bench/results';
const execFileAsync = promisify(execFile);
/** App and baseline pool sizes: the app's DATABASE_POOL_SIZE default. */
const POOL_SIZE = 10;
/** Requests timed one at a time per round in a latency case (and as many of the SQL alone). */
const LATENCY_RUNS = 15;

interface Prepared {
  benchCase: HttpCase;
  path: string;
  /** Null for a transfer case: its baseline is psql's, not the app's statements. */
  captured: CapturedRequest | null;
  ctx: CaseContext;
}

export async function runSuite(name: string, argv: string[]): Promise<void> {
  const options = parseSuiteOptions(argv, SUITE_HELP);
  if (!options) return;
  const cases = name === 'all' ? CASES : CASES.filter((c) => c.name === name);
  const log = (line: string) => console.log(`[bench ${options.size}] ${line}`);
  // This process's own statements (the fixture's load) are not the measurement: only errors.
  setLogger(createLogger('error'));
  const started = performance.now();
  const fixture = await ensureFixture(options.size, log);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-'));
  const owner = new pg.Client({ connectionString: fixture.ownerUrl });
  await owner.connect();
  try {
    await vacuumWrittenTables(owner);
    const ctx = { fixture, owner };
    const http = cases.filter((c): c is HttpCase => c.kind !== 'run');
    const rows = http.length
      ? await measure(fixture, await capture(fixture, ctx, http, workDir, log), options, workDir, log)
      : [];
    for (const runCase of cases.filter((c): c is RunCase => c.kind === 'run')) {
      log(`measuring ${runCase.name}…`);
      const measured = await runCase
        .run(ctx, options, log)
        .then(
          (caseRows) => caseRows.map((row) => ({ case: runCase.name, ...row })),
          failedRows(runCase, log),
        );
      rows.push(...measured);
    }
    report(rows, options, fixture, (performance.now() - started) / 1000);
    if (rows.some((row) => !row.pass)) process.exitCode = 1;
  } finally {
    await owner.end();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** Each case's request once through an app that records its statements (a process of its own). */
async function capture(
  fixture: Fixture,
  ctx: CaseContext,
  cases: HttpCase[],
  workDir: string,
  log: (line: string) => void,
): Promise<Prepared[]> {
  const captureFile = path.join(workDir, 'statements.ndjson');
  fs.writeFileSync(captureFile, '');
  log('capturing the statements of each case…');
  const app = await startApp(fixture, { captureFile });
  try {
    const cookie = await signIn(app.url);
    const prepared: Prepared[] = [];
    for (const benchCase of cases) {
      const casePath = await benchCase.path(ctx);
      if (benchCase.kind === 'transfer') {
        prepared.push({ benchCase, path: casePath, captured: null, ctx });
        continue;
      }
      // Once before, so that what a first request does once (a session's refresh) is not captured.
      await fetch(`${app.url}${casePath}`, { headers: { cookie } }).then((r) => r.arrayBuffer());
      const captured = await captureRequest(`${app.url}${casePath}`, { cookie }, captureFile, benchCase.name);
      prepared.push({ benchCase, path: casePath, captured, ctx });
      log(`  ${benchCase.name}: ${captured.statements.length} statements`);
    }
    return prepared;
  } finally {
    await app.stop();
  }
}

async function measure(
  fixture: Fixture,
  prepared: Prepared[],
  options: SuiteOptions,
  workDir: string,
  log: (line: string) => void,
): Promise<Row[]> {
  const planFile = path.join(workDir, 'plan.json');
  const plan = Object.fromEntries(
    prepared.flatMap((p) => (p.captured ? [[p.benchCase.name, p.captured]] : [])),
  );
  fs.writeFileSync(planFile, JSON.stringify(plan));
  // What each case sent, by name and text: where the time goes, and what the baseline replays.
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, `statements-${options.size}.json`), JSON.stringify(plan, null, 2));
  const [app, bare] = await Promise.all([startApp(fixture), startBare(fixture, POOL_SIZE, planFile)]);
  const sql = new pg.Client({ connectionString: fixture.appUrl });
  await sql.connect();
  try {
    const cookie = await signIn(app.url);
    const rows: Row[] = [];
    for (const { benchCase, path: casePath, captured, ctx } of prepared) {
      log(`measuring ${benchCase.name}…`);
      const url = `${app.url}${casePath}`;
      try {
        if (benchCase.kind === 'throughput')
          rows.push(...(await throughput(benchCase, url, cookie, bare, options)));
        else if (benchCase.kind === 'latency')
          rows.push(...(await latency(benchCase, url, cookie, sql, captured!, options)));
        else {
          const selects = benchCase.copies(ctx);
          rows.push(...(await transfer(benchCase, url, cookie, app.child.pid!, selects, fixture, options)));
        }
      } catch (error) {
        // A case the app cannot answer (the compact graph over its caps at L: 422) fails; the rest run.
        rows.push(...failedRows(benchCase, log)(error));
      }
    }
    return rows;
  } finally {
    await sql.end();
    await Promise.all([app.stop(), bare.stop()]);
  }
}

/** The one row of a case that could not be measured: it fails, and the rest of the suite runs. */
const failedRows =
  (benchCase: BenchCase, log: (line: string) => void) =>
  (error: unknown): Row[] => {
    const message = error instanceof Error ? error.message : String(error);
    log(`  ${benchCase.name} failed: ${message}`);
    return [
      {
        case: benchCase.name,
        // An HTTP case that got no answer, or a run case whose run failed.
        metric: benchCase.kind === 'run' ? 'run' : 'answer',
        app: message,
        baseline: '',
        ratio: '',
        target: benchCase.kind === 'run' ? 'completed' : 'answered',
        pass: false,
      },
    ];
  };

async function throughput(
  benchCase: ThroughputCase,
  appUrl: string,
  cookie: string,
  bare: RunningServer,
  options: SuiteOptions,
): Promise<Row[]> {
  const baselineUrl = `${bare.url}${benchCase.baseline === 'health' ? '/health' : `/replay/${benchCase.name}`}`;
  const loadOptions = { connections: options.connections, duration: options.duration };
  // A short warm-up of each: JIT, pools, caches.
  await load(appUrl, { ...loadOptions, duration: 2, headers: { cookie } });
  await load(baselineUrl, { ...loadOptions, duration: 2 });
  const apps: LoadResult[] = [];
  const baselines: LoadResult[] = [];
  for (let round = 0; round < options.rounds; round++) {
    apps.push(await load(appUrl, { ...loadOptions, headers: { cookie } }));
    baselines.push(await load(baselineUrl, loadOptions));
  }
  const rate = {
    app: summarize(apps.map((r) => r.reqPerSec)),
    base: summarize(baselines.map((r) => r.reqPerSec)),
  };
  const p99 = { app: summarize(apps.map((r) => r.p99)), base: summarize(baselines.map((r) => r.p99)) };
  const errors = apps.reduce((sum, r) => sum + r.errors, 0);
  const rows: Row[] = [
    {
      case: benchCase.name,
      metric: 'req/s',
      app: spread(rate.app, 0),
      baseline: spread(rate.base, 0),
      ratio: `${(rate.app.median / rate.base.median).toFixed(2)}×`,
      target: `≥ ${benchCase.minRatio}×`,
      pass: rate.app.median >= benchCase.minRatio * rate.base.median,
    },
    {
      case: benchCase.name,
      metric: 'p99 ms',
      app: spread(p99.app, 0),
      baseline: spread(p99.base, 0),
      // autocannon reports whole milliseconds: a baseline under 1 ms has no ratio to show.
      ratio: p99.base.median > 0 ? `${(p99.app.median / p99.base.median).toFixed(2)}×` : '—',
      target: benchCase.maxP99Ratio === null ? '—' : `≤ ${benchCase.maxP99Ratio}×`,
      pass: benchCase.maxP99Ratio === null || p99.app.median <= benchCase.maxP99Ratio * p99.base.median,
    },
    {
      case: benchCase.name,
      metric: 'errors',
      app: String(errors),
      baseline: String(baselines.reduce((sum, r) => sum + r.errors, 0)),
      ratio: '',
      target: '0',
      pass: errors === 0,
    },
  ];
  return rows;
}

/** The transaction the case's own statements ran in (BEGIN … COMMIT around the first of them). */
function ownTransaction(benchCase: LatencyCase, statements: CapturedStatement[]): CapturedStatement[] {
  const first = statements.findIndex((s) => benchCase.ownWork.test(s.label));
  if (first < 0) {
    throw new Error(
      `${benchCase.name}: no statement named ${benchCase.ownWork} among ${statements.map((s) => s.label).join(', ')}`,
    );
  }
  const isBegin = (s: CapturedStatement) => /^\s*begin\b/i.test(s.text);
  const isEnd = (s: CapturedStatement) => /^\s*(commit|rollback)\b/i.test(s.text);
  let start = first;
  while (start > 0 && !isBegin(statements[start]!)) start--;
  let end = first;
  while (end < statements.length - 1 && !isEnd(statements[end]!)) end++;
  return statements.slice(start, end + 1);
}

async function latency(
  benchCase: LatencyCase,
  appUrl: string,
  cookie: string,
  sql: pg.Client,
  captured: CapturedRequest,
  options: SuiteOptions,
): Promise<Row[]> {
  const transaction = ownTransaction(benchCase, captured.statements);
  const request = async () => {
    const response = await fetch(appUrl, { headers: { cookie } });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${benchCase.name}: ${appUrl} answered ${response.status}`);
  };
  const alone = async () => {
    for (const { text, values, rowMode } of transaction) {
      await (rowMode === 'array' ? sql.query({ text, values, rowMode }) : sql.query({ text, values }));
    }
  };
  await timeRuns(3, request);
  await timeRuns(3, alone);
  // One of each in turn: whatever else the machine does falls on both alike.
  const apps: number[] = [];
  const sqls: number[] = [];
  for (let run = 0; run < options.rounds * LATENCY_RUNS; run++) {
    apps.push(...(await timeRuns(1, request)));
    sqls.push(...(await timeRuns(1, alone)));
  }
  const app = summarize(apps);
  const base = summarize(sqls);
  const rows: Row[] = [
    {
      case: benchCase.name,
      metric: 'p50 ms',
      app: spread(app, 1),
      baseline: spread(base, 1),
      ratio: `+${(app.median - base.median).toFixed(1)} ms`,
      target: `≤ SQL + ${benchCase.overSqlMs} ms`,
      pass: app.median <= base.median + benchCase.overSqlMs,
    },
  ];
  if (benchCase.largeP50Ms !== null && options.size === 'L') {
    rows.push({
      case: benchCase.name,
      metric: 'p50 ms (bracket)',
      app: app.median.toFixed(1),
      baseline: '',
      ratio: '',
      target: `≤ ${benchCase.largeP50Ms} ms`,
      pass: app.median <= benchCase.largeP50Ms,
    });
  }
  return rows;
}

/** The resident memory of a process, in MiB (Linux). */
function rssMiB(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return line ? Number(line[1]) / 1024 : 0;
}

/** `read`'s result and the server's highest resident memory (MiB) while it ran, sampled every 50 ms. */
async function sampled<T>(pid: number, read: () => Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = rssMiB(pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 50);
  try {
    const value = await read();
    return { value, peak: Math.max(peak, rssMiB(pid)) };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * GET `url` with curl, decompressing it and writing it to /dev/null as psql's `\copy` writes the
 * baseline's rows (decision 067); its time. A client in this process (fetch and its web stream) spent
 * five times curl's CPU on the same body, on the cores the server needs.
 */
async function download(url: string, cookie: string): Promise<number> {
  const started = performance.now();
  const { stdout } = await execFileAsync('curl', [
    '--silent',
    '--show-error',
    '--compressed',
    '--output',
    '/dev/null',
    '--header',
    `cookie: ${cookie}`,
    '--write-out',
    '%{http_code}',
    url,
  ]);
  if (stdout !== '200') throw new Error(`${url} answered ${stdout}`);
  return performance.now() - started;
}

/** The size of `url`'s answer once decompressed, read once before the case is timed (warming it up). */
async function bodyBytes(url: string, cookie: string): Promise<number> {
  const response = await fetch(url, { headers: { cookie } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  let bytes = 0;
  const reader = response.body?.getReader();
  for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader!.read()) {
    bytes += chunk.value.byteLength;
  }
  return bytes;
}

/** psql's `\copy` of each SELECT to /dev/null, one after another, as the tables' owner. */
async function copyAlone(ownerUrl: string, selects: string[]): Promise<number> {
  const started = performance.now();
  for (const select of selects) {
    await execFileAsync('psql', [
      ownerUrl,
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `\\copy (${select}) TO '/dev/null'`,
    ]);
  }
  return performance.now() - started;
}

async function transfer(
  benchCase: TransferCase,
  url: string,
  cookie: string,
  pid: number,
  selects: string[],
  fixture: Fixture,
  options: SuiteOptions,
): Promise<Row[]> {
  // The memory's growth counts from before the case's first read, the one that warms it up.
  const before = rssMiB(pid);
  const warm = await sampled(pid, () => bodyBytes(url, cookie));
  const apps: { ms: number; peak: number }[] = [];
  const copies: number[] = [];
  for (let run = 0; run <= options.rounds; run++) {
    const read = await sampled(pid, () => download(url, cookie));
    apps.push({ ms: read.value, peak: read.peak });
    copies.push(await copyAlone(fixture.ownerUrl, selects));
  }
  const app = summarize(apps.map((a) => a.ms));
  const base = summarize(copies);
  // Not below zero: a collection between cases can leave the process smaller than at the case's start.
  const growth = Math.max(0, Math.max(warm.peak, ...apps.map((a) => a.peak)) - before);
  const mib = (warm.value / 2 ** 20).toFixed(0);
  const rows: Row[] = [
    {
      case: benchCase.name,
      metric: `ms (${mib} MiB)`,
      app: spread(app, 0),
      baseline: spread(base, 0),
      ratio: `${(app.median / base.median).toFixed(2)}×`,
      target: `≤ ${benchCase.maxRatio}×${benchCase.largeMs === undefined ? '' : ` [≤ ${benchCase.largeMs} ms]`}`,
      pass:
        app.median <= benchCase.maxRatio * base.median &&
        (benchCase.largeMs === undefined || app.median <= benchCase.largeMs),
    },
    {
      case: benchCase.name,
      metric: 'server RSS growth MiB',
      app: growth.toFixed(0),
      baseline: '',
      ratio: '',
      target: benchCase.maxRssGrowthMiB === null ? '—' : `≤ ${benchCase.maxRssGrowthMiB}`,
      pass: benchCase.maxRssGrowthMiB === null || growth <= benchCase.maxRssGrowthMiB,
    },
  ];
  if (benchCase.twoAtOnce) {
    const both = await sampled(pid, () => Promise.all([download(url, cookie), download(url, cookie)]));
    const twice = Math.max(0, both.peak - before);
    rows.push({
      case: benchCase.name,
      metric: 'server RSS growth MiB, two at once',
      app: twice.toFixed(0),
      baseline: `one ${growth.toFixed(0)}`,
      ratio: growth >= 1 ? `${(twice / growth).toFixed(2)}×` : '',
      target: '< 2× one',
      pass: twice < 2 * Math.max(growth, 1),
    });
  }
  return rows;
}

function report(rows: Row[], options: SuiteOptions, fixture: Fixture, seconds: number): void {
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const header = ['case', 'metric', 'app median (spread)', 'baseline median (spread)', 'ratio', 'target', ''];
  const table = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(
      (r) =>
        `| ${[r.case, r.metric, r.app, r.baseline, r.ratio, r.target, r.pass ? 'pass' : '**fail**'].join(' | ')} |`,
    ),
  ].join('\n');
  const title = `Size ${options.size} (${fixture.size}), ${options.rounds} rounds, ${options.connections} connections, ${options.duration} s per round; ${machine}; ${new Date().toISOString()}; ${seconds.toFixed(0)} s`;
  console.log(`\n${title}\n\n${table}\n`);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(RESULTS_DIR, `${stamp}-${options.size}.md`), `${title}\n\n${table}\n`);
  fs.writeFileSync(
    path.join(RESULTS_DIR, `${stamp}-${options.size}.json`),
    JSON.stringify({ size: options.size, options, machine, seconds, rows }, null, 2),
  );
}
