import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockPath } from '../../src/lib/database/embedded-lock';
import { ensureProductionBuild } from '../../src/lib/next-build';
import { describeEachDatabase } from '../setup/databases';
import { exitOf, ROOT, signInOverHttp, startServer, type StartedServer } from '../setup/server';

// The real `npm start` path: the custom server with a production build, /api to Hono, pages to Next.js.

const root = ROOT;
const METRICS_TOKEN = 'server-test-metrics-token-0123456789';

beforeAll(() => ensureProductionBuild(root, () => undefined), 300_000);

describe('npm start on a fresh embedded database', () => {
  let dataDir: string;
  let server: StartedServer;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-server-'));
    server = await startServer({ DATA_DIR: dataDir, SEED_OPERATOR_PASSWORD: '', METRICS_TOKEN });
  }, 120_000);

  afterAll(() => {
    server?.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates, seeds the demo org and prints where and how to sign in', () => {
    const said = server.messages().join('\n');
    expect(said).toContain('Seeded the demo org "Iron Front Digital".');
    expect(said).toMatch(/Sign in as operator@ironfront\.example with the password [A-Za-z0-9]{20}/);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers /api/health from the API and / from the pages', async () => {
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    // Answered before the API's router (decision 046), with every answer's headers all the same.
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('cache-control')).toBe('no-store');
    expect(health.headers.get('x-request-id')).toBeTruthy();
    const home = await fetch(server.url);
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('Operator Console');
    expect(html).toContain('href="/sign-in"');
    const problem = await fetch(`${server.url}/api/unknown`);
    expect(problem.headers.get('content-type')).toBe('application/problem+json');
  });

  it('names a page’s statements by the module and function that built them, as the API’s', async () => {
    const password = /with the password ([A-Za-z0-9]{20})/.exec(server.messages().join('\n'))![1]!;
    const session = await signInOverHttp(server.url, 'operator@ironfront.example', password);
    const cookie = `${session.name}=${session.value}`;
    const me = (await (await fetch(`${server.url}/api/me`, { headers: { cookie } })).json()) as {
      memberships: { orgId: string }[];
    };
    const page = await fetch(`${server.url}/console/${me.memberships[0]!.orgId}/participants`, {
      headers: { cookie },
    });
    expect(page.status).toBe(200);
    // A page streams: its statements are done when its body is.
    await page.text();
    const metrics = await (
      await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    const names = [...metrics.matchAll(/^db_query_duration_seconds_count\{query="([^"]+)"/gm)].map(
      (m) => m[1],
    );
    // The page's list, read in Next.js's bundle, under the repository's own name.
    expect(names).toContain('participants.fetchSorted');
    expect(metrics).toMatch(
      /^http_request_duration_seconds_count\{method="GET",route="page",status="200"\} [1-9]/m,
    );
    // No bundle chunk's name: those change with every build.
    expect(names.filter((name) => /\[|__|chunk/.test(name!))).toEqual([]);
  });

  it('lets a command use the embedded database while it runs', async () => {
    const { runAdmin } = await import('../../src/cli/admin');
    const { openDatabase } = await import('../../src/lib/db');
    const lines: string[] = [];
    const code = await runAdmin(['list-orgs'], { out: (l) => lines.push(l), err: (l) => lines.push(l) }, () =>
      openDatabase({ dataDir, poolSize: 1, role: 'command' }),
    );
    expect(code).toBe(0);
    expect(lines.join('\n')).toContain('Iron Front Digital');
  });

  it('shuts down on SIGTERM and releases the embedded database', async () => {
    server.child.kill('SIGTERM');
    expect(await exitOf(server.child)).toBe(0);
    expect(fs.existsSync(lockPath(dataDir))).toBe(false);
  });
});

describeEachDatabase(
  'npm start on PostgreSQL',
  ({ db }) => {
    it('refuses to start while migrations are pending, telling the operator what to run', async () => {
      await db().db.execute('DROP SCHEMA drizzle CASCADE');
      try {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
          cwd: root,
          env: {
            ...process.env,
            NODE_ENV: 'production',
            LOG_LEVEL: 'info',
            PORT: '0',
            DATABASE_URL: db().appUrl!,
            AUTH_SECRET: 'x'.repeat(40),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        expect(await exitOf(child)).toBe(1);
        expect(stderr).toContain('run `npm run db:migrate` first');
      } finally {
        const { runMigrations } = await import('../../src/lib/database/migrate');
        await db().db.execute('DROP SCHEMA public CASCADE');
        await db().db.execute('CREATE SCHEMA public');
        await runMigrations(db());
      }
    });
  },
  { keepData: true, only: 'postgres' },
);
