import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows } from '../../src/lib/db';
import { ensureProductionBuild } from '../../src/lib/next-build';
import { exitOf, ROOT, signInOverHttp, startServer, type StartedServer } from '../setup/server';

// SIGTERM on the real server (docs/decisions/026): every request it has been sent is answered in full,
// on connections busy at the signal and on idle keep-alive ones alike, and the process exits 0.

const PASSWORD = 'shutdown test password';
const CONNECTIONS = 24;

interface Outcome {
  path: string;
  status?: number;
  connection?: string;
  complete?: boolean;
  error?: string;
}

beforeAll(() => ensureProductionBuild(ROOT, () => undefined), 600_000);

describe('SIGTERM on npm start', () => {
  let dataDir: string;
  let server: StartedServer;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-shutdown-'));
    server = await startServer({ DATA_DIR: dataDir, SEED_OPERATOR_PASSWORD: PASSWORD });
  }, 180_000);

  afterAll(() => {
    server?.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers every request in flight or sent on an open connection, then exits 0', async () => {
    const cookie = await signInOverHttp(server.url, 'operator@ironfront.example', PASSWORD);
    const headers = { cookie: `${cookie.name}=${cookie.value}` };
    const me = (await (await fetch(`${server.url}/api/me`, { headers })).json()) as {
      memberships: { orgId: string }[];
    };
    const org = me.memberships[0]!.orgId;
    const url = new URL(server.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

    const send = (requestPath: string) =>
      new Promise<Outcome>((resolve) => {
        const request = http.request(
          { host: url.hostname, port: url.port, path: requestPath, agent, headers },
          (response) => {
            response.resume();
            response.on('end', () =>
              resolve({
                path: requestPath,
                status: response.statusCode,
                connection: response.headers.connection,
                complete: response.complete,
              }),
            );
            response.on('error', (error) => resolve({ path: requestPath, error: error.message }));
          },
        );
        request.on('error', (error) => resolve({ path: requestPath, error: error.message }));
        request.end();
      });

    // Open the connections first: each request below goes out on one the server has already accepted.
    const warm = await Promise.all(Array.from({ length: CONNECTIONS }, () => send('/api/health')));
    expect(warm.every((o) => o.status === 200)).toBe(true);

    // Pages and light API reads: a while on a busy machine, each well within the drain deadline (heavy
    // reads would meet their own per-user limit, decision 024, and answer 429 instead).
    const paths = [
      `/console/${org}/participants`,
      '/api/openapi.json',
      `/api/orgs/${org}/participants`,
      `/api/orgs/${org}/interventions`,
      '/api/me',
      `/api/orgs/${org}/recommendations`,
    ];
    const inFlight = Array.from({ length: CONNECTIONS / 2 }, (_, i) => send(paths[i % paths.length]!));
    server.child.kill('SIGTERM');
    while (!server.output().includes('SIGTERM: shutting down')) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Sent after the signal on connections that were idle at it: Node's own close() destroys those,
    // and a request already on its way then ends in ECONNRESET.
    const afterSignal = Array.from({ length: CONNECTIONS / 2 }, (_, i) => send(paths[i % paths.length]!));
    const outcomes = await Promise.all([...inFlight, ...afterSignal]);
    agent.destroy();

    const failed = outcomes.filter((o) => o.error || !o.complete || o.status !== 200);
    expect(failed, server.output()).toEqual([]);
    // Answers after the signal close their connection, so no client sends another request on it.
    expect((await Promise.all(afterSignal)).map((o) => o.connection)).toEqual(afterSignal.map(() => 'close'));
    expect(await exitOf(server.child)).toBe(0);
    expect(server.output()).toContain('SIGTERM: shutting down');
    expect(server.output()).not.toContain('cut off');

    // The request limits' counts still in memory at the signal were saved before the database closed.
    const orgRequests = outcomes.filter((o) => o.path.startsWith('/api/orgs/')).length;
    const database = await openDatabase({ dataDir, poolSize: 1, role: 'command' });
    try {
      const [saved] = await queryRows<{ points: number }>(
        database.db,
        sql`select sum(points)::int as points from rate_limits where key like 'api-user:%'`,
      );
      expect(saved!.points).toBe(orgRequests);
    } finally {
      await database.close();
    }
  }, 120_000);
});
