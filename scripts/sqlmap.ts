// npm run sqlmap [-- --postgres] [--level 2] [--risk 2] [--budget 600] [--parallel 2]
//
// sqlmap (the Debian package) against the API's list, search and detail routes, as a signed-in owner,
// on a server of its own over a throwaway database: a PGlite data directory in a temp directory, or
// with --postgres a database created where BENCH_DATABASE_URL points (default the local PostgreSQL) and
// dropped after. Prints a summary and exits 1 if sqlmap reports any parameter injectable, 2 if it
// could not test them all within the budget (seconds; targets run `--parallel` at a time).
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openPostgres } from '../src/lib/db';
import { runMigrations } from '../src/lib/database/migrate';
import { ensureProductionBuild } from '../src/lib/next-build';
import { seedDemo } from '../src/lib/seed/demo';
import { DEMO_OPERATOR } from '../src/lib/seed/demo-data';
import { exitOf, ROOT, signInOverHttp, startServer } from '../tests/setup/server';

const { values: options } = parseArgs({
  options: {
    postgres: { type: 'boolean', default: false },
    level: { type: 'string', default: '2' },
    risk: { type: 'string', default: '2' },
    budget: { type: 'string', default: '600' },
    parallel: { type: 'string', default: '2' },
  },
});

const PASSWORD = crypto.randomBytes(18).toString('base64url');
const log = (line: string) => console.log(line);

interface Target {
  name: string;
  /** A URL whose answer is 200; a `*` marks a path segment to inject (its query is then left alone). */
  url: string;
}

interface Outcome {
  target: Target;
  /** Parameters sqlmap reports injectable ("GET parameter 'q' is ... injectable"). */
  injectable: string[];
  /** Parameters sqlmap tested and found not injectable. */
  clean: string[];
  /** Parameters it did not get to (out of time, or sqlmap stopped). */
  untested: string[];
  requests: number;
  statuses: Map<number, number>;
  seconds: number;
  /** Why the target was not tested to the end, if it was not. */
  incomplete?: string;
}

interface Throwaway {
  serverEnv: Record<string, string>;
  drop(): Promise<void>;
}

/** A database nobody else uses, gone after the run. */
async function throwawayDatabase(postgres: boolean): Promise<Throwaway> {
  if (!postgres) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-sqlmap-'));
    return {
      serverEnv: { DATA_DIR: dataDir, SEED_OPERATOR_PASSWORD: PASSWORD },
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `oc_sqlmap_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = openPostgres(url.toString(), { poolSize: 2 });
  try {
    await runMigrations(handle);
    await seedDemo(handle.db, { operatorPassword: PASSWORD });
  } finally {
    await handle.close();
  }
  return {
    serverEnv: { DATABASE_URL: url.toString(), AUTH_SECRET: crypto.randomBytes(32).toString('hex') },
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/**
 * The targets, each answering 200 with content, on values of the seeded demo org: list routes on their
 * second page (a cursor from the first, under the same filters), two interventions made for the detail
 * and the events routes. Events are filtered to kinds sqlmap's own requests do not add (each list read
 * is audited), so that its comparisons see a stable answer.
 */
async function targetsOf(base: string, cookie: string): Promise<Target[]> {
  const call = async <T>(p: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${base}${p}`, {
      ...init,
      headers: { cookie, origin: base, 'content-type': 'application/json' },
    });
    if (!response.ok) throw new Error(`${p}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  type Page = { items: Record<string, string>[]; nextCursor: string | null };
  /** The route's second page when there is one, else its first. */
  const secondPage = async (route: string) => {
    const p = `${route}${route.includes('?') ? '&' : '?'}limit=1`;
    const first = await call<Page>(p);
    if (first.items.length === 0) throw new Error(`${p} is empty: sqlmap needs an answer with content`);
    return `${base}${p}${first.nextCursor ? `&cursor=${encodeURIComponent(first.nextCursor)}` : ''}`;
  };
  const me = await call<{ user: { id: string }; memberships: { orgId: string }[] }>('/api/me');
  const org = `/api/orgs/${me.memberships[0]!.orgId}`;
  const participant = (await call<Page>(`${org}/participants?limit=1&sort=-degree`)).items[0]!;
  let intervention = '';
  for (const reason of ['A detail route for sqlmap', 'A second page for sqlmap']) {
    const made = await call<{ id: string }>(`${org}/interventions`, {
      method: 'POST',
      body: JSON.stringify({
        type: 'flag_for_review',
        scope: 'participant',
        targetIds: [participant.id],
        reason,
      }),
    });
    intervention = made.id;
  }
  const event = (await call<Page>(`${org}/events?type=intervention.created&limit=1`)).items[0]!;
  const recommendation = (await call<Page>(`${org}/recommendations?status=pending&limit=1`)).items[0]!;
  const from = encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString());
  const to = encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString());
  const stage = participant.lifecycleStage;
  return [
    {
      name: 'participants search',
      url: await secondPage(`${org}/participants?q=e&stage=${stage}&sort=name`),
    },
    {
      name: 'participants filters',
      url: await secondPage(
        `${org}/participants?role=${participant.role}&segment=highly_connected&sort=-degree`,
      ),
    },
    { name: 'participant detail', url: `${base}${org}/participants/${participant.id}*` },
    {
      name: 'events search',
      url: await secondPage(
        `${org}/events?type=intervention.created&actorUserId=${event.actorUserId}&targetType=${event.targetType}&targetId=${event.targetId}&from=${from}&to=${to}`,
      ),
    },
    {
      name: 'recommendations',
      url: await secondPage(
        `${org}/recommendations?status=pending&suggestedAction=${recommendation.suggestedAction}&targetType=${recommendation.targetType}`,
      ),
    },
    {
      name: 'graph focus and filters',
      url: `${base}${org}/graph?focus=${participant.id}&depth=2&perHop=10&minConfidence=0.1&stage=${stage}&role=${participant.role}&segment=highly_connected`,
    },
    { name: 'members', url: await secondPage(`${org}/members`) },
    {
      name: 'interventions search',
      url: await secondPage(
        `${org}/interventions?targetId=${participant.id}&type=flag_for_review&operatorUserId=${me.user.id}&reversed=false&from=${from}&to=${to}`,
      ),
    },
    { name: 'intervention detail', url: `${base}${org}/interventions/${intervention}*` },
  ];
}

/** What sqlmap will test on a target: its marked path segment or its query parameters, and the cookie. */
function parametersOf(target: Target, testCookie: string | undefined): string[] {
  const url = new URL(target.url);
  const names = url.pathname.includes('*')
    ? ['URI #1*']
    : [...url.searchParams.keys()].map((k) => `GET ${k}`);
  return testCookie ? [...names, `Cookie ${testCookie}`] : names;
}

function sqlmapArgs(target: Target, cookie: string, testCookie: boolean, dir: string): string[] {
  const cookieName = cookie.slice(0, cookie.indexOf('='));
  return [
    ...['-u', target.url, '--cookie', cookie, '-H', 'Accept: application/json'],
    ...['--batch', `--level=${options.level}`, `--risk=${options.risk}`],
    // The app speaks to PostgreSQL only (PGlite is PostgreSQL too): other engines' payloads test nothing.
    '--dbms=PostgreSQL',
    '--time-sec=2',
    // Tampering with the session cookie is answered 401; sqlmap would otherwise stop at the first one.
    '--ignore-code=401',
    // The session cookie is one parameter, tested once (on the first target), not on every route.
    // Below level 4 sqlmap passes over a cookie named like a token unless it is listed with -p.
    ...(testCookie
      ? ['-p', [...new URL(target.url).searchParams.keys(), cookieName].join(',')]
      : [`--skip=${cookieName}`]),
    ...['--skip-waf', '--flush-session', '--disable-coloring', `--output-dir=${dir}`],
    ...['-t', path.join(dir, 'traffic.txt')],
  ];
}

/** Runs sqlmap on one target until it is done or `deadline` passes, and reads its verdicts and traffic. */
async function probe(target: Target, cookie: string, testCookie: boolean, work: string, deadline: number) {
  const dir = fs.mkdtempSync(path.join(work, 'target-'));
  const started = Date.now();
  const child = spawn('sqlmap', sqlmapArgs(target, cookie, testCookie, dir), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      child.kill('SIGTERM');
    },
    Math.max(0, deadline - Date.now()),
  );
  const code = await exitOf(child);
  clearTimeout(timer);
  fs.writeFileSync(path.join(dir, 'sqlmap.log'), output);

  const found = (pattern: RegExp) => new Set([...output.matchAll(pattern)].map((m) => `${m[1]} ${m[2]}`));
  const injectable = found(/(\S+) parameter '([^']+)' is '[^']+' injectable/g);
  if (injectable.size === 0 && /identified the following injection point/.test(output))
    injectable.add(`(see ${path.join(dir, 'sqlmap.log')})`);
  const clean = found(/(\S+) parameter '([^']+)' does not seem to be injectable/g);
  const statuses = new Map<number, number>();
  const traffic = path.join(dir, 'traffic.txt');
  for (const m of (fs.existsSync(traffic) ? fs.readFileSync(traffic, 'utf8') : '').matchAll(
    /HTTP response \[#\d+\] \((\d{3})/g,
  )) {
    statuses.set(Number(m[1]), (statuses.get(Number(m[1])) ?? 0) + 1);
  }
  const cookieName = cookie.slice(0, cookie.indexOf('='));
  const untested = parametersOf(target, testCookie ? cookieName : undefined).filter(
    (p) => !clean.has(p) && !injectable.has(p),
  );
  const outcome: Outcome = {
    target,
    injectable: [...injectable],
    clean: [...clean],
    untested,
    requests: [...statuses.values()].reduce((a, b) => a + b, 0),
    statuses,
    seconds: (Date.now() - started) / 1000,
  };
  if (timedOut) outcome.incomplete = 'out of time';
  else if (untested.length > 0 && injectable.size === 0)
    outcome.incomplete = `sqlmap exited ${code} before testing all (see ${path.join(dir, 'sqlmap.log')})`;
  return outcome;
}

function summary(outcomes: Outcome[], kind: string, totalSeconds: number): string[] {
  const lines = [
    `sqlmap ${sqlmapVersion()}: level ${options.level}, risk ${options.risk}, PostgreSQL payloads, ` +
      `as a signed-in owner, on ${kind}`,
    '',
  ];
  const width = Math.max(...outcomes.map((o) => o.target.name.length));
  for (const o of outcomes) {
    const verdict = o.injectable.length
      ? `INJECTABLE: ${o.injectable.join(', ')}`
      : `${o.clean.length} not injectable${o.untested.length ? `, NOT TESTED (${o.incomplete}): ${o.untested.join(', ')}` : ''}`;
    const statuses = [...o.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
    lines.push(
      `${o.target.name.padEnd(width)}  ${verdict}; ${o.requests} requests (${statuses}), ${o.seconds.toFixed(0)} s`,
    );
  }
  const count = (pick: (o: Outcome) => number) => outcomes.reduce((n, o) => n + pick(o), 0);
  const injectable = outcomes.flatMap((o) => o.injectable.map((p) => `${o.target.name}: ${p}`));
  const serverErrors = count((o) => [...o.statuses].reduce((n, [s, c]) => n + (s >= 500 ? c : 0), 0));
  lines.push(
    '',
    `${outcomes.length} routes, ${count((o) => o.clean.length + o.injectable.length)} parameters tested, ` +
      `${count((o) => o.untested.length)} not tested, ${count((o) => o.requests)} requests ` +
      `(${serverErrors} answered 5xx) in ${totalSeconds.toFixed(0)} s: ` +
      (injectable.length ? `INJECTABLE: ${injectable.join('; ')}` : 'nothing injectable') +
      '.',
  );
  return lines;
}

function sqlmapVersion(): string {
  const result = spawnSync('sqlmap', ['--version'], { encoding: 'utf8' });
  if (result.error) throw new Error('sqlmap is not installed: apt-get install -y sqlmap');
  return result.stdout.trim().split('\n')[0] ?? '?';
}

async function main(): Promise<number> {
  sqlmapVersion();
  ensureProductionBuild(ROOT, log);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-sqlmap-run-'));
  const database = await throwawayDatabase(options.postgres);
  const kind = options.postgres
    ? 'a throwaway PostgreSQL database'
    : 'a throwaway embedded database (PGlite)';
  log(`Starting the console on ${kind}…`);
  const server = await startServer({
    ...database.serverEnv,
    JOBS_DISABLED: '1',
    // sqlmap sends thousands of requests a minute as one user; throttling would answer it 429 instead.
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_ORG_PER_MINUTE: '10000000',
  }).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  try {
    const session = await signInOverHttp(server.url, DEMO_OPERATOR.email, PASSWORD);
    const cookie = `${session.name}=${session.value}`;
    const targets = await targetsOf(server.url, cookie);
    const started = Date.now();
    const deadline = started + Number(options.budget) * 1000;
    const outcomes: Outcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < targets.length) {
        const i = next++;
        const target = targets[i]!;
        log(`[${i + 1}/${targets.length}] ${target.name}: ${target.url.replace(server.url, '')}`);
        const outcome = await probe(target, cookie, i === 0, work, deadline);
        outcomes[i] = outcome;
        log(
          `[${i + 1}/${targets.length}] ${target.name}: ${outcome.injectable.length ? 'INJECTABLE' : `${outcome.clean.length} not injectable`}` +
            `${outcome.untested.length ? `, ${outcome.untested.length} not tested` : ''} (${outcome.seconds.toFixed(0)} s)`,
        );
      }
    };
    await Promise.all(Array.from({ length: Number(options.parallel) }, worker));
    log('');
    for (const line of summary(outcomes, kind, (Date.now() - started) / 1000)) log(line);
    log(`(sqlmap's logs and traffic: ${work})`);
    if (outcomes.some((o) => o.injectable.length > 0)) return 1;
    return outcomes.some((o) => o.untested.length > 0) ? 2 : 0;
  } finally {
    server.child.kill('SIGTERM');
    await exitOf(server.child);
    await database.drop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`sqlmap run failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
