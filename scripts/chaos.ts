// `npm run chaos`: PostgreSQL killed with SIGKILL under load (docs/decisions/026). The run makes its own
// cluster (initdb into a temporary directory, a free loopback port; never the shared server), starts
// the console against it, drives a bounded mixed load, kills the postmaster mid-run, keeps the load
// going through the outage, starts PostgreSQL again, and checks what an operator on call would.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runMigrations } from '../src/lib/database/migrate';
import { ensureAppLogin } from '../src/lib/database/roles';
import { openPostgres, type DatabaseHandle } from '../src/lib/db';
import { buildIsStale } from '../src/lib/next-build';
import { seedDemo } from '../src/lib/seed/demo';
import { DEMO_OPERATOR } from '../src/lib/seed/demo-data';
import { exitOf, ROOT, signInOverHttp, startServer, type StartedServer } from '../tests/setup/server';
import { createTempCluster, type TempCluster } from '../tests/setup/temp-cluster';

const HELP = `Usage: npm run chaos -- [--before S] [--outage S] [--after S] [--concurrency N]

Makes a PostgreSQL cluster of its own (initdb from /usr/lib/postgresql/<version>/bin into a temporary
directory, a free port on 127.0.0.1; as root the cluster runs as the postgres user), migrates it, seeds
the demo org, and starts the console against it: the production server when a current build of the
pages exists (npm run build), else the API alone in a real HTTP server. N clients (default 6) send
reads and idempotent writes (interventions and recommendation decisions, each with an Idempotency-Key)
for --before seconds (default 5); then the postmaster is killed with SIGKILL, the load goes on for
--outage seconds (default 5), PostgreSQL is started again and the load goes on for --after seconds
(default 10). Writes that were not acknowledged are sent again with the same key once it is back.

Checks, each PASS or FAIL (exit 1 if any fails): the server process is up; every answer during the
outage is a 503 with Retry-After; at least 99% of requests succeed from 5 s after PostgreSQL's return;
every acknowledged write is in the database exactly once; the audit chain verifies (npm run audit --
verify, when the project has it). The cluster is removed at the end.`;

const PASSWORD = 'chaos run operator password';
const APP_LOGIN = 'operator_console_chaos';

interface Sample {
  op: string;
  started: number;
  ended: number;
  status?: number;
  retryAfter?: string | null;
  error?: string;
}

interface Write {
  key: string;
  path: string;
  body: unknown;
  kind: 'intervention' | 'decision';
  /** The recommendation a decision is about. */
  targetId?: string;
  acked: boolean;
  /** One request at a time per key: a second one while the first runs is answered 409 by design. */
  sending: boolean;
  attempts: number;
  /** When a client would send it again: after the answer's Retry-After, else a second. */
  retryAt: number;
}

const started = performance.now();
const now = () => performance.now() - started;
const log = (line: string) => console.log(`[${(now() / 1000).toFixed(1).padStart(5)} s] ${line}`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Client {
  readonly samples: Sample[] = [];
  constructor(
    private readonly base: string,
    private readonly cookie: string,
  ) {}

  async send(op: string, pathname: string, init: { method?: string; body?: unknown; key?: string } = {}) {
    const sample: Sample = { op, started: now(), ended: 0 };
    try {
      const response = await fetch(`${this.base}${pathname}`, {
        method: init.method ?? 'GET',
        headers: {
          cookie: this.cookie,
          origin: this.base,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(init.key ? { 'idempotency-key': init.key } : {}),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(15_000),
      });
      await response.arrayBuffer();
      sample.status = response.status;
      sample.retryAfter = response.headers.get('retry-after');
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      sample.error = e.cause?.code ?? e.name ?? e.message;
    }
    sample.ended = now();
    this.samples.push(sample);
    return sample;
  }
}

const succeeded = (s: Sample) => s.status !== undefined && s.status >= 200 && s.status < 300;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      before: { type: 'string', default: '5' },
      outage: { type: 'string', default: '5' },
      after: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '6' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const seconds = {
    before: Number(values.before),
    outage: Number(values.outage),
    after: Number(values.after),
  };
  const concurrency = Number(values.concurrency);
  if (!Object.values(seconds).every((s) => s > 0) || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error('--before, --outage and --after take positive seconds, --concurrency a whole number');
  }

  let cluster: TempCluster | undefined;
  let owner: DatabaseHandle | undefined;
  let server: StartedServer | undefined;
  try {
    cluster = await createTempCluster({ log });
    owner = openPostgres(cluster.url, { poolSize: 2 });
    await runMigrations(owner);
    await ensureAppLogin(owner.db, APP_LOGIN, null);
    await seedDemo(owner.db, { operatorPassword: PASSWORD });
    const appUrl = new URL(cluster.url);
    appUrl.username = APP_LOGIN;

    const pages = !buildIsStale(ROOT);
    log(
      pages
        ? 'starting the production server (npm start)'
        : 'no current build of the pages: starting the API alone',
    );
    server = await startServer(
      {
        DATABASE_URL: appUrl.toString(),
        MIGRATION_DATABASE_URL: cluster.url,
        AUTH_SECRET: crypto.randomBytes(32).toString('hex'),
        RATE_LIMIT_USER_PER_MINUTE: '1000000',
        RATE_LIMIT_ORG_PER_MINUTE: '1000000',
      },
      pages ? 'src/server.ts' : 'scripts/chaos-api-server.ts',
    );
    log(`server ready at ${server.url} (pid ${server.child.pid})`);

    const session = await signInOverHttp(server.url, DEMO_OPERATOR.email, PASSWORD);
    const client = new Client(server.url, `${session.name}=${session.value}`);
    const me = (await (
      await fetch(`${server.url}/api/me`, { headers: { cookie: `${session.name}=${session.value}` } })
    ).json()) as {
      memberships: { orgId: string }[];
    };
    const orgId = me.memberships[0]!.orgId;
    const rows = (text: string) => owner!.pool!.query<{ id: string }>(text, [orgId]).then((r) => r.rows);
    const [participants, recommendations] = await Promise.all([
      rows('SELECT id FROM participants WHERE org_id = $1'),
      rows(`SELECT id FROM recommendations WHERE org_id = $1 AND status = 'pending'`),
    ]);

    const org = `/api/orgs/${orgId}`;
    const reads = [
      `${org}/participants?limit=20`,
      `${org}/interventions?limit=20`,
      `${org}/recommendations`,
      `${org}/events?limit=20`,
      '/api/me',
      '/api/health',
      ...(pages ? [`/console/${orgId}/participants`] : []),
    ];
    const writes: Write[] = [];
    const decisions = recommendations.map((r, i): Write => ({
      key: `chaos-decision-${r.id}`,
      path: `${org}/recommendations/${r.id}/${i % 2 ? 'dismiss' : 'accept'}`,
      body: i % 2 ? { reasonCode: 'not_relevant', note: 'chaos run' } : { reason: 'chaos run' },
      kind: 'decision',
      targetId: r.id,
      acked: false,
      sending: false,
      attempts: 0,
      retryAt: 0,
    }));
    const newIntervention = (): Write => {
      const key = `chaos-${crypto.randomUUID()}`;
      const target = participants[crypto.randomInt(participants.length)]!.id;
      return {
        key,
        path: `${org}/interventions`,
        body: {
          type: 'add_note',
          scope: 'participant',
          targetIds: [target],
          reason: key,
          newState: { note: key },
        },
        kind: 'intervention',
        acked: false,
        sending: false,
        attempts: 0,
        retryAt: 0,
      };
    };
    const sendWrite = async (write: Write) => {
      write.attempts++;
      write.sending = true;
      const sample = await client.send(write.kind, write.path, {
        method: 'POST',
        body: write.body,
        key: write.key,
      });
      write.sending = false;
      if (succeeded(sample)) write.acked = true;
      else write.retryAt = now() + 1000 * (Number(sample.retryAfter) || 1);
    };

    const phase = {
      killedAt: Infinity,
      killStartedAt: Infinity,
      restartStartedAt: Infinity,
      returnedAt: Infinity,
    };
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const roll = Math.random();
        const retry = writes.find(
          (w) => !w.acked && !w.sending && w.attempts > 0 && now() > Math.max(phase.returnedAt, w.retryAt),
        );
        if (retry) await sendWrite(retry);
        else if (roll < 0.05 && decisions.some((d) => d.attempts === 0 && !d.sending)) {
          const decision = decisions.find((d) => d.attempts === 0 && !d.sending)!;
          writes.push(decision);
          await sendWrite(decision);
        } else if (roll < 0.3) {
          const write = newIntervention();
          writes.push(write);
          await sendWrite(write);
        } else {
          const target = reads[crypto.randomInt(reads.length)]!;
          await client.send(target.startsWith('/console') ? 'page' : 'read', target);
        }
      }
    };

    log(`load: ${concurrency} clients, ${reads.length} kinds of read, interventions and decisions as writes`);
    const workers = Array.from({ length: concurrency }, () => worker());
    await pause(seconds.before * 1000);
    phase.killStartedAt = now();
    await cluster.kill();
    phase.killedAt = now();
    await pause(seconds.outage * 1000);
    phase.restartStartedAt = now();
    log('starting PostgreSQL again');
    await cluster.start();
    phase.returnedAt = now();
    await pause(seconds.after * 1000);
    stop = true;
    await Promise.all(workers);

    // Writes still unacknowledged get their retries now, as a client with a queue would send them.
    for (let round = 0; round < 5 && writes.some((w) => !w.acked); round++) {
      await pause(1000);
      for (const write of writes.filter((w) => !w.acked)) await sendWrite(write);
    }

    const samples = client.samples;
    const outage = samples.filter((s) => s.started >= phase.killedAt && s.ended <= phase.restartStartedAt);
    const outageGood = outage.filter((s) => s.status === 503 && /^\d+$/.test(s.retryAfter ?? ''));
    const recovery = samples.filter(
      (s) => s.started >= phase.returnedAt + 5000 && s.started < phase.returnedAt + seconds.after * 1000,
    );
    const recoveryGood = recovery.filter(succeeded);
    const firstSuccess = samples
      .filter((s) => s.started >= phase.returnedAt && succeeded(s))
      .sort((a, b) => a.ended - b.ended)[0];

    const health = await client.send('health', '/api/health');
    const processUp = server.child.exitCode === null && health.status === 200;

    const acked = writes.filter((w) => w.acked);
    const counts = await writeCounts(owner, orgId, writes);
    const missing = acked.filter((w) => counts.get(w.key) !== 1);
    const duplicated = writes.filter((w) => (counts.get(w.key) ?? 0) > 1);

    const audit = auditVerify(cluster.url, appUrl.toString(), orgId);

    const byStatus = (list: Sample[]) => {
      const tally = new Map<string, number>();
      for (const s of list)
        tally.set(String(s.status ?? s.error), (tally.get(String(s.status ?? s.error)) ?? 0) + 1);
      return [...tally].map(([k, v]) => `${k}×${v}`).join(', ') || 'none';
    };
    const checks: [string, boolean, string][] = [
      [
        'process up',
        processUp,
        `pid ${server.child.pid} running, /api/health ${health.status ?? health.error}`,
      ],
      [
        'outage answers all 503 with Retry-After',
        outage.length > 0 && outageGood.length === outage.length,
        `${outageGood.length}/${outage.length} requests during the outage (${byStatus(outage)})`,
      ],
      [
        '≥ 99% success from 5 s after the return',
        recovery.length > 0 && recoveryGood.length / recovery.length >= 0.99,
        `${recoveryGood.length}/${recovery.length} (${((100 * recoveryGood.length) / Math.max(recovery.length, 1)).toFixed(1)}%); first success ${firstSuccess ? `${((firstSuccess.ended - phase.returnedAt) / 1000).toFixed(2)} s` : 'never'} after the return; failures: ${byStatus(recovery.filter((s) => !succeeded(s)))}`,
      ],
      [
        'every acknowledged write present exactly once',
        acked.length > 0 && missing.length === 0 && duplicated.length === 0,
        `${acked.length}/${writes.length} writes acknowledged (${acked.filter((w) => w.kind === 'decision').length} decisions), ${missing.length} missing or doubled, ${duplicated.length} duplicated; ${writes.filter((w) => w.attempts > 1).length} sent more than once with their key`,
      ],
      ['audit chain verifies', audit.ok !== false, audit.detail],
    ];

    console.log('');
    console.log('Chaos report');
    console.log(`  database      PostgreSQL on 127.0.0.1:${cluster.port} (own cluster, ${cluster.dataDir})`);
    console.log(
      `  server        ${pages ? 'production server (pages and API)' : 'API alone (no current build of the pages)'}`,
    );
    console.log(
      `  timeline      kill at ${(phase.killStartedAt / 1000).toFixed(1)} s, down ${((phase.returnedAt - phase.killedAt) / 1000).toFixed(1)} s, back at ${(phase.returnedAt / 1000).toFixed(1)} s`,
    );
    console.log(`  requests      ${samples.length} (${byStatus(samples)})`);
    for (const [name, ok, detail] of checks) {
      console.log(
        `  ${audit.ok === undefined && name === 'audit chain verifies' ? 'SKIP' : ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}`,
      );
    }
    return checks.every(([, ok]) => ok) ? 0 : 1;
  } finally {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await exitOf(server.child);
    }
    await owner?.close().catch(() => undefined);
    await cluster?.dispose();
  }
}

/** How many rows each write left: interventions by their reason, decisions by their audit events. */
async function writeCounts(
  owner: DatabaseHandle,
  orgId: string,
  writes: Write[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const pool = owner.pool!;
  const interventions = await pool.query<{ reason: string; n: number }>(
    `SELECT reason, count(*)::int AS n FROM interventions WHERE org_id = $1 AND reason LIKE 'chaos-%' GROUP BY reason`,
    [orgId],
  );
  for (const row of interventions.rows) counts.set(row.reason, row.n);
  const decided = await pool.query<{ target_id: string; n: number }>(
    `SELECT target_id, count(*)::int AS n FROM events
     WHERE org_id = $1 AND event_type IN ('recommendation.accepted', 'recommendation.dismissed')
     GROUP BY target_id`,
    [orgId],
  );
  for (const write of writes) {
    if (write.kind === 'decision')
      counts.set(write.key, decided.rows.find((d) => d.target_id === write.targetId)?.n ?? 0);
  }
  return counts;
}

/** `npm run audit -- verify` when the project has it; never a stand-in. */
function auditVerify(ownerUrl: string, appUrl: string, orgId: string): { ok?: boolean; detail: string } {
  const scripts = (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  if (!scripts.audit)
    return { detail: 'audit verify: not available yet (no `npm run audit` in this checkout)' };
  const result = spawnSync('npm', ['run', '--silent', 'audit', '--', 'verify', '--org', orgId], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: appUrl, MIGRATION_DATABASE_URL: ownerUrl },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-3).join(' / ');
  return {
    ok: result.status === 0,
    detail: `npm run audit -- verify --org ${orgId}: exit ${result.status}; ${output}`,
  };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
