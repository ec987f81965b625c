// `npm run bench -- isolation`: does one user's heavy work stall everyone else (docs/decisions/024)?
// Loads a generated org (20,000 participants, 100,000 relationships, 200,000 audit events) into a
// fresh database under BENCH_DATABASE_URL, starts the production server on it, and measures a second
// user's light org GET and /api/health first idle, then while the first user keeps 30 heavy requests
// (exports, the compact graph, the overview, segments) in flight, each sent again as soon as answered,
// from a process of its own.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { appendResult } from './bench-database';
import { openPostgres, queryRows } from '../src/lib/db';
import { runMigrations } from '../src/lib/database/migrate';
import { ensureProductionBuild } from '../src/lib/next-build';
import { hashPassword } from '../src/lib/password';
import {
  unsafeAddMembership,
  unsafeCreateUserWithPassword,
  unsafeFindUserByEmail,
} from '../src/lib/repositories/unsafe';
import { seedDemo } from '../src/lib/seed/demo';
import { loadSyntheticOrg } from '../src/lib/seed/load-synthetic';
import { validateSyntheticSize } from '../src/lib/seed/synthetic';
import { ROOT, signInOverHttp, startServer, type StartedServer } from '../tests/setup/server';

const PASSWORD = 'bench operator password';
const HEAVY_USER = 'operator@ironfront.example';
const LIGHT_USER = 'second@bench.example';
/** The load runs this long before the loaded samples are taken, so that they see it at full strength. */
const RAMP_MS = 3000;
const TARGET_RATIO = 3;
const TARGET_HEALTH_MS = 100;

interface Options {
  participants: number;
  edges: number;
  events: number;
  heavy: number;
  seconds: number;
  rounds: number;
  /** Server environment on top of the defaults (e.g. the limits turned off, for comparison). */
  serverEnv: Record<string, string>;
}

/** A fresh database with the demo org (for the heavy user), the generated org and its audit log. */
async function prepareDatabase(options: Options) {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `oc_bench_isolation_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  const handle = openPostgres(url.toString(), { poolSize: 2 });
  try {
    await runMigrations(handle);
    await seedDemo(handle.db, { operatorPassword: PASSWORD });
    const { orgId } = await loadSyntheticOrg(
      handle,
      { name: 'Bench isolation', timezone: 'UTC' },
      { participants: options.participants, edges: options.edges, seed: 1, now: new Date() },
    );
    const heavyUser = (await unsafeFindUserByEmail(handle.db, HEAVY_USER))!;
    await unsafeAddMembership(handle.db, { orgId, userId: heavyUser.id, role: 'owner', via: 'bench' });
    const lightUser = await unsafeCreateUserWithPassword(handle.db, {
      email: LIGHT_USER,
      name: 'Second',
      passwordHash: await hashPassword(PASSWORD),
    });
    await unsafeAddMembership(handle.db, { orgId, userId: lightUser.id, role: 'admin', via: 'bench' });
    // The audit log an org of this size gathers: views of participants and the graph, spread over months.
    const targets = await queryRows<{ id: string }>(
      handle.db,
      sql`SELECT id FROM participants WHERE org_id = ${orgId} ORDER BY id LIMIT 1000`,
    );
    const targetIds = `{${targets.map((t) => t.id).join(',')}}`;
    await handle.db.execute(sql`
      INSERT INTO events (org_id, actor_user_id, actor_role, event_type, target_type, target_id, metadata, created_at)
      SELECT ${orgId}, ${heavyUser.id}, 'owner',
             (ARRAY['participant.viewed', 'participants.listed', 'graph.viewed', 'audit.viewed'])[1 + i % 4],
             'participant', (${targetIds}::text[])[1 + i % ${targets.length}],
             jsonb_build_object('filters', '{}'::jsonb, 'count', i % 50), now() - i * interval '37 seconds'
      FROM generate_series(1, ${options.events}) AS i`);
    await handle.db.execute(sql`ANALYZE`);
    await handle.close();
    return { url: url.toString(), orgId, drop };
  } catch (error) {
    await handle.close();
    await drop();
    throw error;
  }
}

interface Requester {
  /** Sends a GET and reads the body to the end; the status and the milliseconds it took. */
  get(path: string): Promise<{ status: number; ms: number }>;
  close(): void;
}

// node:http with a keep-alive agent and the body drained unparsed: the client's own cost stays small
// beside the server's, on the same cores.
function requester(base: string, cookie: string | undefined, sockets: number): Requester {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(base);
  return {
    // A broken connection counts as status 0: the figures say so instead of the bench stopping.
    get: (path) =>
      new Promise((resolve) => {
        const started = performance.now();
        const broken = () => resolve({ status: 0, ms: performance.now() - started });
        const request = http.get(
          { agent, hostname, port, path, headers: cookie ? { cookie } : {} },
          (response) => {
            response.on('end', () =>
              resolve({ status: response.statusCode!, ms: performance.now() - started }),
            );
            response.on('error', broken);
            response.resume();
          },
        );
        request.on('error', broken);
      }),
    close: () => agent.destroy(),
  };
}

/** Sends `path` one request after another until `until` says stop; the latencies of those that ended. */
async function sample(client: Requester, path: string, until: () => boolean, pauseMs = 0) {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  while (!until()) {
    const { status, ms } = await client.get(path);
    statuses[status] = (statuses[status] ?? 0) + 1;
    latencies.push(ms);
    if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return { latencies, statuses };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!.toFixed(1));
}

interface Samples {
  latencies: number[];
  statuses: Record<number, number>;
}

/** The light user's org GET and the health check, side by side, for `seconds`; adds to `into`. */
async function measurePhase(
  into: { light: Samples; health: Samples },
  clients: { light: Requester; health: Requester },
  lightPath: string,
  seconds: number,
) {
  const end = performance.now() + seconds * 1000;
  const done = () => performance.now() >= end;
  const [light, health] = await Promise.all([
    sample(clients.light, lightPath, done),
    sample(clients.health, '/api/health', done, 20),
  ]);
  for (const [target, source] of [
    [into.light, light],
    [into.health, health],
  ] as const) {
    target.latencies.push(...source.latencies);
    for (const [status, n] of Object.entries(source.statuses)) {
      target.statuses[Number(status)] = (target.statuses[Number(status)] ?? 0) + n;
    }
  }
}

const emptyPhase = () => ({
  light: { latencies: [], statuses: {} } as Samples,
  health: { latencies: [], statuses: {} } as Samples,
});

function summary(s: Samples) {
  return {
    n: s.latencies.length,
    p50: percentile(s.latencies, 50),
    p99: percentile(s.latencies, 99),
    max: Number(Math.max(...s.latencies).toFixed(1)),
    statuses: s.statuses,
  };
}

function heavyPaths(orgId: string): string[] {
  const org = `/api/orgs/${orgId}`;
  return [
    `${org}/events/export?format=csv`,
    `${org}/graph?format=compact`,
    `${org}/participants/export?format=ndjson`,
    `${org}/graph?view=overview`,
    `${org}/segments`,
    `${org}/events/export?format=ndjson`,
  ];
}

/** The heavy user's requests, from a process of its own (scripts/bench-heavy-load.mjs). */
function startHeavyLoad(base: string, cookie: string, concurrency: number, paths: string[]) {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'scripts/bench-heavy-load.mjs'), base, cookie, String(concurrency), ...paths],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // It stands for clients on other machines: on the server's cores it takes only what the server leaves.
  os.setPriority(child.pid!, 19);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    async stop(): Promise<Record<string, number>> {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`the heavy load exited with ${code}: ${output}`);
      return JSON.parse(output) as Record<string, number>;
    },
  };
}

async function run(options: Options) {
  ensureProductionBuild(ROOT, (line) => console.log(line));
  console.log(
    `isolation: loading ${options.participants} participants, ${options.edges} relationships and ${options.events} events…`,
  );
  const database = await prepareDatabase(options);
  let server: StartedServer | undefined;
  const clients: Requester[] = [];
  try {
    server = await startServer({
      DATABASE_URL: database.url,
      AUTH_SECRET: crypto.randomBytes(32).toString('hex'),
      JOBS_DISABLED: '1',
      // Limits by count stay out of the way: the question is what the heavy work costs the others.
      RATE_LIMIT_USER_PER_MINUTE: '1000000',
      RATE_LIMIT_ORG_PER_MINUTE: '10000000',
      ...options.serverEnv,
    });
    const cookieOf = async (email: string) => {
      const cookie = await signInOverHttp(server!.url, email, PASSWORD);
      return `${cookie.name}=${cookie.value}`;
    };
    const light = requester(server.url, await cookieOf(LIGHT_USER), 1);
    const health = requester(server.url, undefined, 1);
    const heavyCookie = await cookieOf(HEAVY_USER);
    const heavy = requester(server.url, heavyCookie, 1);
    clients.push(light, health, heavy);
    const lightPath = `/api/orgs/${database.orgId}/participants?limit=50`;
    // Warm the connections, the plans and the code paths before anything is measured.
    await sample(
      light,
      lightPath,
      (
        (n) => () =>
          n-- <= 0
      )(50),
    );
    for (const path of heavyPaths(database.orgId)) await heavy.get(path);

    // Idle and loaded phases take turns, so that whatever else the machine does falls on both alike.
    const idle = emptyPhase();
    const loaded = emptyPhase();
    const heavyStatuses: Record<number, number> = {};
    const paths = heavyPaths(database.orgId);
    for (let round = 0; round < options.rounds; round++) {
      await measurePhase(idle, { light, health }, lightPath, options.seconds);
      const load = startHeavyLoad(server.url, heavyCookie, options.heavy, paths);
      await new Promise((resolve) => setTimeout(resolve, RAMP_MS));
      await measurePhase(loaded, { light, health }, lightPath, options.seconds);
      for (const [status, n] of Object.entries(await load.stop())) {
        heavyStatuses[Number(status)] = (heavyStatuses[Number(status)] ?? 0) + n;
      }
    }
    if (heavyStatuses[0]) console.log(`server output, last lines:\n${server.output().slice(-2000)}`);
    return {
      idle: { light: summary(idle.light), health: summary(idle.health) },
      loaded: { light: summary(loaded.light), health: summary(loaded.health) },
      heavyStatuses,
    };
  } finally {
    for (const client of clients) client.close();
    server?.child.kill('SIGTERM');
    await database.drop();
  }
}

export const ISOLATION_HELP = `  isolation  A second user's light org GET and /api/health, idle and while the first user keeps 30
         heavy requests in flight (exports, compact graph, overview, segments) on a generated org
         (--participants 20000, --edges 100000, --events 200000, --heavy 30; --rounds 3 of an idle
         and a loaded phase of --seconds 10 each, taking turns),
         production server on a fresh database under BENCH_DATABASE_URL. --unlimited lifts the
         heavy-request limits per user, org and process (the pools stay separate) to show what they buy.
         Targets: light p99 loaded ≤ 3× idle, health p99 < 100 ms.`;

export async function benchIsolation(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      participants: { type: 'string', default: '20000' },
      edges: { type: 'string', default: '100000' },
      events: { type: 'string', default: '200000' },
      heavy: { type: 'string', default: '30' },
      seconds: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      unlimited: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const numbers = {
    participants: Number(values.participants),
    edges: Number(values.edges),
    events: Number(values.events),
    heavy: Number(values.heavy),
    seconds: Number(values.seconds),
    rounds: Number(values.rounds),
  };
  if (!Object.values(numbers).every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(
      '--participants, --edges, --events, --heavy, --seconds and --rounds must be whole numbers above 0',
    );
  }
  const problem = validateSyntheticSize(numbers.participants, numbers.edges);
  if (problem) throw new Error(problem);
  const serverEnv: Record<string, string> = values.unlimited
    ? { HEAVY_REQUESTS_PER_USER: '1000', HEAVY_REQUESTS_PER_ORG: '1000', HEAVY_REQUESTS_PER_PROCESS: '1000' }
    : {};
  const { idle, loaded, heavyStatuses } = await run({ ...numbers, serverEnv });

  const ratio = Number((loaded.light.p99 / idle.light.p99).toFixed(2));
  const lightPass = ratio <= TARGET_RATIO;
  const healthPass = loaded.health.p99 < TARGET_HEALTH_MS;
  const row = (label: string, a: { p50: number; p99: number }, b: { p50: number; p99: number }) =>
    `  ${label.padEnd(22)} ${String(a.p50).padStart(8)} ${String(a.p99).padStart(8)} ${String(b.p50).padStart(10)} ${String(b.p99).padStart(10)} ${(b.p99 / a.p99).toFixed(2).padStart(8)}×`;
  console.log(
    [
      `isolation on postgres${values.unlimited ? ' (heavy-request limits lifted)' : ''}: ` +
        `${numbers.participants} participants, ${numbers.edges} relationships, ${numbers.events} events; ` +
        `user 1 keeps ${numbers.heavy} heavy requests in flight; ${numbers.rounds} × ${numbers.seconds} s per phase (ms)`,
      `  ${''.padEnd(22)} ${'idle p50'.padStart(8)} ${'idle p99'.padStart(8)} ${'loaded p50'.padStart(10)} ${'loaded p99'.padStart(10)} ${'p99 ratio'.padStart(9)}`,
      row(`light GET, user 2 (n=${loaded.light.n})`, idle.light, loaded.light),
      row(`/api/health (n=${loaded.health.n})`, idle.health, loaded.health),
      `  user 2 answers while loaded: ${JSON.stringify(loaded.light.statuses)}; health: ${JSON.stringify(loaded.health.statuses)}`,
      `  user 1's heavy answers by status: ${JSON.stringify(heavyStatuses)}`,
      `  ${lightPass ? 'PASS' : 'FAIL'} light p99 loaded ${loaded.light.p99} ms ≤ ${TARGET_RATIO}× idle ${idle.light.p99} ms (${ratio}×)`,
      `  ${healthPass ? 'PASS' : 'FAIL'} health p99 loaded ${loaded.health.p99} ms < ${TARGET_HEALTH_MS} ms`,
    ].join('\n'),
  );
  appendResult({
    bench: 'isolation',
    database: 'postgres',
    ...numbers,
    unlimited: values.unlimited,
    idle,
    loaded,
    heavyStatuses,
    lightP99Ratio: ratio,
    pass: lightPass && healthPass,
    cpus: os.cpus().length,
    at: new Date().toISOString(),
  });
  if (!(lightPass && healthPass)) process.exitCode = 1;
}
