import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/lib/db';
import { ensureProductionBuild } from '../src/lib/next-build';
import { unsafeFindOrg } from '../src/lib/repositories/unsafe';
import { DEMO_OPERATOR, DEMO_ORG } from '../src/lib/seed/demo-data';
import { exitOf, ROOT, startServer, type StartedServer } from '../tests/setup/server';

/** The demo operator (owner of the demo org) of every e2e server. */
export const DEMO_SIGN_IN = { email: DEMO_OPERATOR.email, password: 'e2e operator password' } as const;

export interface E2eServer {
  url: string;
  dataDir: string;
  /** The demo org "Iron Front Digital". */
  orgId: string;
  /** A connection to the server's embedded database, through its socket (the server holds the files). */
  database: DatabaseHandle;
  process: StartedServer;
  stop(): Promise<void>;
}

/**
 * The production server (`npm start`: built pages, Hono API) on a fresh embedded database seeded with
 * the demo org, listening on a free port.
 */
export async function startE2eServer(env: Record<string, string> = {}): Promise<E2eServer> {
  ensureProductionBuild(ROOT, () => undefined);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-e2e-'));
  let started: StartedServer | undefined;
  let database: DatabaseHandle | undefined;
  try {
    started = await startServer({ DATA_DIR: dataDir, SEED_OPERATOR_PASSWORD: DEMO_SIGN_IN.password, ...env });
    database = await openDatabase({ dataDir, poolSize: 1, role: 'command' });
    const org = await unsafeFindOrg(database.db, DEMO_ORG.name);
    if (!org) throw new Error(`the demo org "${DEMO_ORG.name}" was not seeded`);
    const [server, db] = [started, database];
    return {
      url: server.url,
      dataDir,
      orgId: org.id,
      database: db,
      process: server,
      async stop() {
        await db.close();
        server.child.kill('SIGTERM');
        await exitOf(server.child);
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await database?.close();
    started?.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * One server for the spec file that calls this (at its top level): started before its tests, stopped
 * after them. Returns a getter, since the server exists only once beforeAll has run.
 */
export function useE2eServer(env: Record<string, string> = {}): () => E2eServer {
  let server: E2eServer | undefined;
  beforeAll(async () => {
    server = await startE2eServer(env);
  }, 600_000);
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('the e2e server is not running (call useE2eServer at the top of the spec)');
    return server;
  };
}
