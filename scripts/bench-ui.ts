// `npm run bench -- ui`: the graph explorer on a generated org, beside a bare sigma page drawing the same
// nodes and edges in the same browser. Loads a synthetic org (10,000 × 50,000 by default) into a fresh
// database, starts the production server on it, signs in, and in headless Chromium measures for each
// page the first frame (navigation start → the graph presented) and the longest task after it. The
// suite's `first-frame-overview` case measures the same way on its fixture's community overview.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../e2e/browser';
import { appendResult } from './bench-database';
import { openDatabase, openPostgres, type DatabaseHandle } from '../src/lib/db';
import { runMigrations } from '../src/lib/database/migrate';
import { ensureProductionBuild } from '../src/lib/next-build';
import { unsafeAddMembership, unsafeFindUserByEmail } from '../src/lib/repositories/unsafe';
import { seedDemo } from '../src/lib/seed/demo';
import { loadSyntheticOrg } from '../src/lib/seed/load-synthetic';
import { validateSyntheticSize } from '../src/lib/seed/synthetic';
import { ROOT, startServer, type StartedServer } from '../tests/setup/server';

const PASSWORD = 'bench operator password';
const EMAIL = 'operator@ironfront.example';
/** How long each page is watched after its first frame for long tasks. */
const WATCH_MS = 5_000;

/** A session cookie as a browser context takes it. */
type BrowserCookie = { name: string; value: string; url: string };

export interface PageMeasure {
  firstFrameMs: number;
  longestTaskAfterMs: number;
}

interface BenchDatabase {
  serverEnv: Record<string, string>;
  drop: () => Promise<void>;
}

/** A fresh database holding the demo org (for the operator) and the synthetic org the operator owns. */
async function prepareDatabase(
  embedded: boolean,
  size: { participants: number; edges: number },
): Promise<BenchDatabase & { orgId: string }> {
  let handle: DatabaseHandle;
  let serverEnv: Record<string, string>;
  let drop: () => Promise<void>;
  if (embedded) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-ui-'));
    handle = await openDatabase({ dataDir, poolSize: 1, role: 'command' });
    serverEnv = { DATA_DIR: dataDir };
    drop = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  } else {
    const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
    const name = `oc_bench_ui_${crypto.randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    handle = openPostgres(url.toString(), { poolSize: 2 });
    serverEnv = { DATABASE_URL: url.toString(), AUTH_SECRET: crypto.randomBytes(32).toString('hex') };
    drop = async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    };
  }
  try {
    await runMigrations(handle);
    await seedDemo(handle.db, { operatorPassword: PASSWORD });
    const org = await loadSyntheticOrg(
      handle,
      { name: 'Bench UI', timezone: 'UTC' },
      { ...size, seed: 1, now: new Date() },
    );
    const operator = await unsafeFindUserByEmail(handle.db, EMAIL);
    await unsafeAddMembership(handle.db, {
      orgId: org.orgId,
      userId: operator!.id,
      role: 'owner',
      via: 'bench',
    });
    return { orgId: org.orgId, serverEnv, drop };
  } finally {
    await handle.close();
  }
}

async function signIn(base: string): Promise<{ name: string; value: string }> {
  const response = await fetch(`${base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
  const cookie = response.headers.getSetCookie()[0]!.split(';')[0]!;
  const at = cookie.indexOf('=');
  return { name: cookie.slice(0, at), value: cookie.slice(at + 1) };
}

/** The bare page: index.html, the bundled bench-ui-bare.ts and the same compact graph, served locally. */
async function serveBarePage(graphJson: Buffer): Promise<{ url: string; close: () => void }> {
  const { build } = await import('esbuild');
  const bundle = await build({
    entryPoints: [path.join(ROOT, 'scripts', 'bench-ui-bare.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    write: false,
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const files: Record<string, [string, Buffer | string]> = {
    '/': [
      'text/html',
      '<!doctype html><html><head><meta charset="utf-8"><title>bare sigma</title>' +
        '<style>html,body{margin:0;height:100%}#graph{position:absolute;inset:0}</style></head>' +
        '<body><div id="graph"></div><script src="bare.js"></script></body></html>',
    ],
    '/bare.js': ['text/javascript', Buffer.from(bundle.outputFiles[0]!.contents)],
    '/graph.json': ['application/json', graphJson],
  };
  const server = http.createServer((request, response) => {
    const file = files[request.url ?? '/'];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

async function measure(browser: Browser, url: string, cookie?: BrowserCookie): Promise<PageMeasure> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  if (cookie) await context.addCookies([cookie]);
  const page = await context.newPage();
  await page.addInitScript(() => {
    const tasks: [number, number][] = [];
    Object.assign(window, { __longTasks: tasks });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push([entry.startTime, entry.duration]);
    }).observe({ type: 'longtask', buffered: true });
  });
  try {
    await page.goto(url, { timeout: 120_000 });
    await page.waitForFunction(() => performance.getEntriesByName('graph:first-frame').length > 0, null, {
      timeout: 300_000,
    });
    await page.waitForTimeout(WATCH_MS);
    return await page.evaluate(() => {
      const firstFrame = performance.getEntriesByName('graph:first-frame')[0]!.startTime;
      const tasks = (window as unknown as { __longTasks: [number, number][] }).__longTasks;
      const after = tasks.filter(([start]) => start >= firstFrame).map(([, duration]) => duration);
      return { firstFrameMs: Math.round(firstFrame), longestTaskAfterMs: Math.round(Math.max(0, ...after)) };
    });
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Each run of each page. */
export interface UiMeasure {
  explorer: PageMeasure[];
  bare: PageMeasure[];
}

/**
 * The explorer page and the bare page serving `data` (what the explorer draws, as its API answered),
 * `runs` times each in turn, in one headless Chromium.
 */
async function measurePages(
  explorerUrl: string,
  cookie: BrowserCookie,
  data: Buffer,
  runs: number,
): Promise<UiMeasure> {
  const bare = await serveBarePage(data);
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    // A first visit of each, not counted: the server's first answers of the page load its code.
    await measure(browser, bare.url);
    await measure(browser, explorerUrl, cookie);
    const explorer: PageMeasure[] = [];
    const reference: PageMeasure[] = [];
    for (let run = 0; run < runs; run++) {
      reference.push(await measure(browser, bare.url));
      explorer.push(await measure(browser, explorerUrl, cookie));
    }
    return { explorer, bare: reference };
  } finally {
    await browser?.close();
    bare.close();
  }
}

/** GET `path` of the app as the signed-in user: its body, or an error naming the status. */
async function fetchApi(base: string, path: string, cookie: BrowserCookie): Promise<Buffer> {
  const response = await fetch(`${base}${path}`, { headers: { cookie: `${cookie.name}=${cookie.value}` } });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/**
 * The graph explorer and the bare sigma page, `runs` times each in turn, on a fresh database holding a
 * synthetic org of `size` (the suite's `first-frame` case too).
 */
export async function measureUi(
  size: { participants: number; edges: number },
  runs: number,
  embedded: boolean,
  log: (line: string) => void,
): Promise<UiMeasure> {
  ensureProductionBuild(ROOT, log);
  const database = await prepareDatabase(embedded, size);
  let server: StartedServer | undefined;
  try {
    server = await startServer({ ...database.serverEnv, SEED_OPERATOR_PASSWORD: PASSWORD });
    const cookie = { ...(await signIn(server.url)), url: server.url };
    const graph = await fetchApi(server.url, `/api/orgs/${database.orgId}/graph?format=compact`, cookie);
    return await measurePages(`${server.url}/console/${database.orgId}/graph`, cookie, graph, runs);
  } finally {
    server?.child.kill('SIGTERM');
    await database.drop();
  }
}

/**
 * The graph explorer opening on the community overview of a large org's latest Atlas run (the app at
 * `base`, `cookie` a session of a member who may read the graph), beside the bare sigma page drawing
 * the same communities, links and positions: `runs` times each in turn (the suite's
 * `first-frame-overview` case).
 */
export async function measureOverviewUi(
  base: string,
  orgId: string,
  cookie: string,
  runs: number,
): Promise<UiMeasure> {
  const at = cookie.indexOf('=');
  const session = { name: cookie.slice(0, at), value: cookie.slice(at + 1), url: base };
  const overview = await fetchApi(base, `/api/orgs/${orgId}/graph?view=overview`, session);
  if ((JSON.parse(overview.toString()) as { view?: string }).view !== 'communities')
    throw new Error('the org has no community overview: it needs a succeeded Atlas run');
  return measurePages(`${base}/console/${orgId}/graph`, session, overview, runs);
}

export async function benchUi(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      participants: { type: 'string', default: '10000' },
      edges: { type: 'string', default: '50000' },
      runs: { type: 'string', default: '2' },
      embedded: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const size = { participants: Number(values.participants), edges: Number(values.edges) };
  const runs = Number(values.runs);
  const problem = validateSyntheticSize(size.participants, size.edges);
  if (problem) throw new Error(problem);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number of at least 1');

  const { explorer, bare } = await measureUi(size, runs, values.embedded, (line) => console.log(line));
  const record = {
    bench: 'ui',
    database: values.embedded ? 'pglite' : 'postgres',
    participants: size.participants,
    edges: size.edges,
    runs,
    explorerFirstFrameMs: median(explorer.map((m) => m.firstFrameMs)),
    bareFirstFrameMs: median(bare.map((m) => m.firstFrameMs)),
    ratio: 0,
    explorerLongestTaskAfterFirstFrameMs: Math.max(...explorer.map((m) => m.longestTaskAfterMs)),
    bareLongestTaskAfterFirstFrameMs: Math.max(...bare.map((m) => m.longestTaskAfterMs)),
    samples: { explorer, bare },
    renderer: 'headless Chromium, --disable-gpu (SwiftShader)',
    cpus: os.cpus().length,
    at: new Date().toISOString(),
  };
  record.ratio = Number((record.explorerFirstFrameMs / record.bareFirstFrameMs).toFixed(2));
  console.log(
    `ui on ${record.database}, ${size.participants} participants + ${size.edges} edges (median of ${runs}):\n` +
      `  first frame      explorer ${record.explorerFirstFrameMs} ms, bare sigma ${record.bareFirstFrameMs} ms ` +
      `→ ${record.ratio}× (target ≤ 1.5×)\n` +
      `  longest task after the first frame: explorer ${record.explorerLongestTaskAfterFirstFrameMs} ms, ` +
      `bare ${record.bareLongestTaskAfterFirstFrameMs} ms (target ≤ 200 ms)`,
  );
  appendResult(record);
}
