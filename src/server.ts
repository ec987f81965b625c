import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import next from 'next';
import { createApiApp } from './api/app';
import { buildApiDependencies } from './api/dependencies';
import { setAppAuth } from './lib/auth';
import { ensureMigrated } from './lib/database/migrate';
import { openDatabase, setAppDatabase, type DatabaseHandle } from './lib/db';
import { parseEnv } from './lib/env';
import { ensureProductionBuild } from './lib/next-build';
import { unsafeListOrgs } from './lib/repositories/unsafe';
import { seedDemo } from './lib/seed/demo';
import { DEMO_OPERATOR, DEMO_ORG } from './lib/seed/demo-data';

// One process, two handlers: /api/* goes to Hono (measured ~30x the throughput of a Next.js route
// handler here, DESIGN.md §2), everything else to Next.js.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => console.log(line);

async function prepareDatabase(database: DatabaseHandle, operatorPassword?: string): Promise<void> {
  await ensureMigrated(database);
  if (database.kind !== 'embedded') return;
  // A fresh embedded database gets the demo org, so that a new clone has something to look at.
  const existing = await unsafeListOrgs(database.db);
  if (existing.some((org) => org.name === DEMO_ORG.name)) {
    log(
      `Demo org "${DEMO_ORG.name}": sign in as ${DEMO_OPERATOR.email} (the password was printed at the first start).`,
    );
  }
  if (existing.length > 0) return;
  const seeded = await seedDemo(database.db, { operatorPassword });
  log(`Seeded the demo org "${seeded.orgName}".`);
  log(
    seeded.generatedPassword
      ? `  Sign in as ${seeded.operatorEmail} with the password ${seeded.generatedPassword}  (shown this once)`
      : `  Sign in as ${seeded.operatorEmail} with the password from SEED_OPERATOR_PASSWORD.`,
  );
}

async function main(): Promise<void> {
  const env = parseEnv();
  const dev = env.NODE_ENV === 'development';
  // The console runs offline as often as not; Next.js's usage reporting stays off unless asked for.
  process.env.NEXT_TELEMETRY_DISABLED ??= '1';

  const database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    poolSize: env.DATABASE_POOL_SIZE,
    logQueries: env.DB_LOG_QUERIES,
    role: 'server',
  });
  setAppDatabase(Promise.resolve(database));
  try {
    await prepareDatabase(database, env.SEED_OPERATOR_PASSWORD);
    if (!dev) ensureProductionBuild(root, log);
  } catch (error) {
    await database.close();
    throw error;
  }

  const pages = next({ dev, dir: root, hostname: env.HOST, port: env.PORT });
  await pages.prepare();
  const handlePage = pages.getRequestHandler();
  const deps = buildApiDependencies(database, env);
  setAppAuth(deps.auth, env.SESSION_ABSOLUTE_HOURS);
  const handleApi = getRequestListener(createApiApp(deps).fetch);

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')) void handleApi(req, res);
    else void handlePage(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, resolve);
  });

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const shownHost = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
  log(
    `Operator Console is ready at http://${shownHost}:${port}  (${dev ? 'development' : 'production'}, database: ${database.kind} ${database.location})`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down…`);
    // In-flight requests finish; idle keep-alive sockets are closed so that close() can resolve.
    server.close(() => void Promise.all([pages.close(), database.close()]).finally(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(
    `Operator Console could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
