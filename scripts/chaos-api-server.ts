// The chaos run's server when there is no production build of the pages: the API exactly as
// src/server.ts serves it (the same database options, dependencies, security headers and drain), in a
// real HTTP server of its own process. Pages answer 404.
import http from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createApiApp } from '../src/api/app';
import { buildApiDependencies } from '../src/api/dependencies';
import { openDatabase } from '../src/lib/db';
import { ensureMigrated } from '../src/lib/database/migrate';
import { parseEnv, serverDatabaseOptions } from '../src/lib/env';
import { drainOnShutdown } from '../src/lib/http/graceful-shutdown';
import { securityHeaders } from '../src/lib/http/security-headers';

async function main(): Promise<void> {
  const env = parseEnv();
  const database = await openDatabase(serverDatabaseOptions(env));
  await ensureMigrated(database);
  const handleApi = getRequestListener(createApiApp(buildApiDependencies(database, env)).fetch);
  const headers = Object.entries(securityHeaders({ production: env.NODE_ENV === 'production' }));
  const server = http.createServer((req, res) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    if (req.url?.startsWith('/api')) void handleApi(req, res);
    else res.writeHead(404).end();
  });
  const drain = drainOnShutdown(server);
  await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));
  const { port } = server.address() as { port: number };
  console.log(`API server (no pages) is ready at http://${env.HOST}:${port}`);
  process.once('SIGTERM', () => {
    void drain
      .drain(10_000)
      .then(() => database.close())
      .finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(`API server could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
