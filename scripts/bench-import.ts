// `npm run bench -- import`: a CSV file of participants imported through the API of the production
// server, against `\copy` of the same file into a bare table with psql, side by side in one run, on a
// fresh database under BENCH_DATABASE_URL; the server's memory sampled while it imports.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { appendResult } from './bench-database';
import { openPostgres } from '../src/lib/db';
import { runMigrations } from '../src/lib/database/migrate';
import { ensureProductionBuild } from '../src/lib/next-build';
import { hashPassword } from '../src/lib/password';
import {
  unsafeAddMembership,
  unsafeCreateOrg,
  unsafeCreateUserWithPassword,
} from '../src/lib/repositories/unsafe';
import { ROOT, signInOverHttp, startServer } from '../tests/setup/server';

const PASSWORD = 'bench import password';
const ADMIN = 'importer@bench.example';
const TARGET_SECONDS = 60;
const TARGET_RATIO = 2;
const TARGET_RSS_MB = 256;

export const IMPORT_HELP = `  import     A participants CSV file (--rows 1000000) imported through POST /api/orgs/:id/imports on the
         production server, into an empty org and then again (every row unchanged), against psql's
         \\copy of the same file into a bare table (no index) and into a table of participants' shape
         (its indexes and checks), side by side; the server's RSS is
         sampled every 50 ms. Targets: the first import under 60 s, within 2× of \\copy, server RSS
         growth under 256 MB. PostgreSQL only (BENCH_DATABASE_URL).`;

const COLUMNS = 'email,display_name,role,origin,lifecycle_stage,last_activity_at,created_at';
const STAGES = ['new', 'active', 'at_risk', 'dormant'];

/** A participants file of `rows` rows, the kind a CRM export gives. */
function writeCsv(file: string, rows: number): number {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, `${COLUMNS}\r\n`);
    const day = 86_400_000;
    const now = Date.UTC(2026, 10, 1);
    let chunk = '';
    for (let i = 0; i < rows; i++) {
      const active = new Date(now - (i % 400) * day).toISOString();
      const created = new Date(now - (400 + (i % 1000)) * day).toISOString();
      const name = i % 50 === 0 ? `"Person, ${i} ""the ${i % 7}th"""` : `Person ${i}`;
      chunk += `person${i}@bench.example,${name},${i % 20 === 0 ? 'partner' : 'member'},crm,${STAGES[i % 4]},${active},${created}\r\n`;
      if (chunk.length > 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
  return fs.statSync(file).size;
}

/** The resident set of a process, in MiB (Linux). */
function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** POSTs the file as the request body, streamed; the answer's status and JSON, and the seconds it took. */
function postFile(url: string, cookie: string, file: string) {
  return new Promise<{ status: number; body: Record<string, unknown>; seconds: number }>(
    (resolve, reject) => {
      const started = performance.now();
      const target = new URL(url);
      const request = http.request(
        {
          hostname: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method: 'POST',
          headers: {
            cookie,
            origin: target.origin,
            'content-type': 'text/csv',
            'content-length': fs.statSync(file).size,
          },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () =>
            resolve({
              status: response.statusCode!,
              body: JSON.parse(text) as Record<string, unknown>,
              seconds: (performance.now() - started) / 1000,
            }),
          );
        },
      );
      request.on('error', reject);
      fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(request);
    },
  );
}

/**
 * Seconds psql's `\copy` of the file takes into a bare table (the target's baseline) or, `indexed`, into
 * a table made `LIKE participants INCLUDING ALL` (its defaults, checks and seven indexes): what the
 * database itself needs to take the rows in, without reading, judging or row-level security.
 */
async function copyWithPsql(url: string, file: string, orgId: string, indexed: boolean): Promise<number> {
  // Not spawnSync: the server's output pipes are read by this process's loop, which must keep turning.
  const run = async (command: string) => {
    const child = spawn('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`psql failed: ${stderr}`);
  };
  await run('DROP TABLE IF EXISTS bench_copy_participants');
  await run(
    indexed
      ? `CREATE TABLE bench_copy_participants (LIKE participants INCLUDING ALL);
         ALTER TABLE bench_copy_participants ALTER COLUMN org_id SET DEFAULT '${orgId}'`
      : `CREATE TABLE bench_copy_participants (email text, display_name text, role text, origin text,
           lifecycle_stage text, last_activity_at timestamptz, created_at timestamptz)`,
  );
  const started = performance.now();
  await run(`\\copy bench_copy_participants (${COLUMNS}) FROM '${file}' WITH (FORMAT csv, HEADER true)`);
  const seconds = (performance.now() - started) / 1000;
  await run('DROP TABLE bench_copy_participants');
  return seconds;
}

/** One import through the API, timed, with the server's RSS growth while it ran. */
interface ImportRun {
  seconds: number;
  rssGrowthMb: number;
  counts: unknown;
}

export interface ImportMeasure {
  rows: number;
  bytes: number;
  /** `\copy` into a bare table, before and between the imports. */
  copySeconds: number[];
  /** `\copy` into a table of participants' shape, the same. */
  indexedCopySeconds: number[];
  /** Into an empty org. */
  first: ImportRun;
  /** The same file again: every row unchanged. */
  again: ImportRun;
}

/**
 * A file of `rows` participants imported twice through the production server's API, on a fresh
 * database under BENCH_DATABASE_URL, beside `\copy` of the same file (the suite's `import` case too).
 */
export async function measureImport(rows: number, log: (line: string) => void): Promise<ImportMeasure> {
  ensureProductionBuild(ROOT, log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-import-'));
  const file = path.join(dir, 'participants.csv');
  const bytes = writeCsv(file, rows);
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `oc_bench_import_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const handle = openPostgres(url.toString(), { poolSize: 2 });
    let orgId: string;
    try {
      await runMigrations(handle);
      const org = await unsafeCreateOrg(handle.db, { name: 'Bench import', timezone: 'UTC' });
      const user = await unsafeCreateUserWithPassword(handle.db, {
        email: ADMIN,
        name: 'Importer',
        passwordHash: await hashPassword(PASSWORD),
      });
      await unsafeAddMembership(handle.db, { orgId: org.id, userId: user.id, role: 'admin', via: 'bench' });
      orgId = org.id;
    } finally {
      await handle.close();
    }
    server = await startServer({
      DATABASE_URL: url.toString(),
      AUTH_SECRET: crypto.randomBytes(32).toString('hex'),
      JOBS_DISABLED: '1',
      IMPORT_MAX_BYTES: String(bytes + 1),
      STATEMENT_TIMEOUT_HEAVY_MS: '0',
    });
    const session = await signInOverHttp(server.url, ADMIN, PASSWORD);
    const cookie = `${session.name}=${session.value}`;
    const pid = server.child.pid!;
    const importUrl = `${server.url}/api/orgs/${orgId}/imports?kind=participants`;

    const measured = async (): Promise<ImportRun> => {
      const before = rssMb(pid);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
      try {
        const answer = await postFile(importUrl, cookie, file);
        if (answer.status !== 200)
          throw new Error(`import answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
        return { seconds: answer.seconds, rssGrowthMb: peak - before, counts: answer.body.counts };
      } finally {
        clearInterval(sampler);
      }
    };
    const copySeconds = [await copyWithPsql(url.toString(), file, orgId, false)];
    const indexedCopySeconds = [await copyWithPsql(url.toString(), file, orgId, true)];
    const first = await measured();
    copySeconds.push(await copyWithPsql(url.toString(), file, orgId, false));
    indexedCopySeconds.push(await copyWithPsql(url.toString(), file, orgId, true));
    const again = await measured();
    return { rows, bytes, copySeconds, indexedCopySeconds, first, again };
  } catch (error) {
    if (server) log(`server output, last lines:\n${server.output().slice(-3000)}`);
    throw error;
  } finally {
    server?.child.kill('SIGTERM');
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchImport(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { rows: { type: 'string', default: '1000000' } },
    strict: true,
  });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows must be a whole number above 0');
  const { bytes, copySeconds, indexedCopySeconds, first, again } = await measureImport(rows, (line) =>
    console.log(line),
  );
  const copyBest = Math.min(...copySeconds);
  const indexedBest = Math.min(...indexedCopySeconds);
  const ratio = first.seconds / copyBest;
  const rss = Math.max(first.rssGrowthMb, again.rssGrowthMb);
  const passTime = first.seconds < TARGET_SECONDS;
  const passRatio = ratio <= TARGET_RATIO;
  const passRss = rss < TARGET_RSS_MB;
  const f = (n: number) => n.toFixed(1);
  console.log(
    [
      `import on postgres: ${rows} participant rows, ${f(bytes / 1024 / 1024)} MiB of CSV`,
      `  \\copy into a bare table           ${f(copySeconds[0]!)} s, again ${f(copySeconds[1]!)} s`,
      `  \\copy into participants' shape    ${f(indexedCopySeconds[0]!)} s, again ${f(indexedCopySeconds[1]!)} s (its 7 indexes and checks)`,
      `  import into an empty org           ${f(first.seconds)} s  ${JSON.stringify(first.counts)}  server RSS +${f(first.rssGrowthMb)} MiB`,
      `  the same file again (unchanged)    ${f(again.seconds)} s  ${JSON.stringify(again.counts)}  server RSS +${f(again.rssGrowthMb)} MiB`,
      `  ${passTime ? 'PASS' : 'FAIL'} first import ${f(first.seconds)} s < ${TARGET_SECONDS} s`,
      `  ${passRatio ? 'PASS' : 'FAIL'} first import ${ratio.toFixed(2)}× \\copy into a bare table (≤ ${TARGET_RATIO}×); ${(first.seconds / indexedBest).toFixed(2)}× \\copy into participants' shape`,
      `  ${passRss ? 'PASS' : 'FAIL'} server RSS growth ${f(rss)} MiB < ${TARGET_RSS_MB} MiB`,
    ].join('\n'),
  );
  appendResult({
    bench: 'import',
    database: 'postgres',
    rows,
    bytes,
    copySeconds,
    indexedCopySeconds,
    importSeconds: first.seconds,
    reimportSeconds: again.seconds,
    ratio,
    rssGrowthMb: [first.rssGrowthMb, again.rssGrowthMb],
    pass: passTime && passRatio && passRss,
    cpus: os.cpus().length,
    at: new Date().toISOString(),
  });
  if (!(passTime && passRatio && passRss)) process.exitCode = 1;
}
