import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { getSessionCookie } from 'better-auth/cookies';
import next from 'next';
import { createApiApp } from './api/app';
import { buildApiDependencies } from './api/dependencies';
import { answerHealthCheck } from './api/health';
import { getCurrentUser, setAppAuth, type Auth } from './lib/auth';
import { COOKIE_PREFIX } from './lib/auth-cookie';
import { ensureMigrated } from './lib/database/migrate';
import { databaseFor, openDatabase, setAppDatabase, type DatabaseHandle } from './lib/db';
import { parseEnv, serverDatabaseOptions, type Env } from './lib/env';
import { drainOnShutdown } from './lib/http/graceful-shutdown';
import { securityHeaders } from './lib/http/security-headers';
import { answerUnavailablePage } from './lib/http/unavailable-page';
import { resolveAnchorKeys } from './lib/audit-chain/signing';
import { JOB_HANDLERS } from './lib/jobs/handlers';
import { JobRunner } from './lib/jobs/runner';
import { JobSchedule } from './lib/jobs/schedule';
import type { LightFirst } from './lib/light-first';
import { AuditStreamDispatcher } from './lib/audit-stream/dispatcher';
import { ensureProductionBuild } from './lib/next-build';
import { saveCounts } from './lib/rate-limit';
import { unsafeListOrgs } from './lib/repositories/unsafe';
import { seedDemo } from './lib/seed/demo';
import { createLogger, logger, setLogger } from './lib/observability/logger';
import { setSlowQueryThreshold } from './lib/observability/query-observer';
import { requestIdFrom, runInRequest } from './lib/observability/request-context';
import { observeRequestDone } from './lib/observability/request-observer';
import { DEMO_OPERATOR, DEMO_ORG } from './lib/seed/demo-data';

// One process, two handlers: /api/* goes to Hono (measured ~30x the throughput of a Next.js route
// handler here, DESIGN.md §2), everything else to Next.js.

// Requests get this long to finish after SIGTERM; the process is gone well within the 15 s an
// orchestrator usually waits before it kills (docs/decisions/026). In development a restart should not
// wait for the browser's idle keep-alive connections to time out.
const DRAIN_DEADLINE_MS = { production: 10_000, development: 1_000 };
const SHUTDOWN_LIMIT_MS = 14_000;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => logger().info(line);

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

function isApiRequest(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

/** The pages that read the session: the console (document loads and the RSC fetches of navigations). */
function isConsolePage(req: http.IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const pathname = (req.url ?? '/').split('?')[0]!;
  return pathname === '/console' || pathname.startsWith('/console/');
}

function requestHeaders(req: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  return headers;
}

/**
 * Keeps the session cookie sliding for people who only browse pages (docs/decisions/014): reading the
 * session extends it in the database, but a server component cannot set the refreshed cookie, so the
 * browser would drop it when its Max-Age runs out. Here, before Next.js renders, the session is read
 * once and its Set-Cookie put on the response. The page's own lookup that follows finds it fresh.
 * Resolves false when it has answered itself: the database is unreachable, and the page would fail.
 */
async function slideSessionCookie(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  auth: Auth,
  database: DatabaseHandle,
  absoluteHours: number,
): Promise<boolean> {
  if (!isConsolePage(req)) return true;
  const headers = requestHeaders(req);
  if (!getSessionCookie(headers, { cookiePrefix: COOKIE_PREFIX })) return true;
  try {
    const current = await getCurrentUser(auth, database.db, headers, absoluteHours);
    if (current && current.setCookies.length > 0) res.appendHeader('set-cookie', current.setCookies);
  } catch (error) {
    logger().error({ err: error }, 'Session refresh failed');
    if (answerUnavailablePage(res, error)) return false;
    // Anything else: the page reads the session again and shows its own error.
  }
  return true;
}

/**
 * Background jobs in this process: a runner that claims queued jobs (Atlas runs, stage updates) and the
 * schedule that queues them per org. Returns how to stop both.
 */
function startJobs(database: DatabaseHandle, env: Env, lightFirst: LightFirst): () => Promise<void> {
  if (env.JOBS_DISABLED) return async () => undefined;
  // Jobs have connections of their own: an Atlas run never holds the ones requests need.
  const jobs = databaseFor(database, 'job');
  const { db } = jobs;
  // A job's work on this event loop gives way to light requests as heavy requests' does.
  const runner = new JobRunner(db, JOB_HANDLERS, { log, bulk: jobs, giveWay: () => lightFirst.giveWay() });
  // Anchoring needs the signing key; without one (PostgreSQL and no AUDIT_SIGNING_KEY) it is not scheduled.
  const anchorHours = resolveAnchorKeys(env) ? env.AUDIT_ANCHOR_HOURS : 0;
  if (!anchorHours && env.AUDIT_ANCHOR_HOURS)
    log('audit: no AUDIT_SIGNING_KEY, so the audit chain is not anchored');
  const schedule = new JobSchedule(
    db,
    {
      stage_update: env.STAGE_SCHEDULE_HOURS,
      atlas_run: env.ATLAS_SCHEDULE_HOURS,
      audit_anchor: anchorHours,
    },
    log,
  );
  const streams = new AuditStreamDispatcher(db, env.AUDIT_STREAM_POLL_MS, log);
  runner.start();
  schedule.start();
  streams.start();
  return async () => {
    streams.stop();
    schedule.stop();
    await runner.stop();
  };
}

/**
 * Pages and Next.js's files in the latency histogram: one route label for all of them (their paths
 * hold ids), and a log line for documents only, not for every script and image.
 */
function observePage(req: http.IncomingMessage, res: http.ServerResponse): void {
  const started = performance.now();
  res.once('finish', () => {
    const path = (req.url ?? '/').split('?')[0]!;
    const finished = { method: req.method ?? 'GET', route: 'page', path, status: res.statusCode };
    observeRequestDone({ ...finished, ms: performance.now() - started }, isConsolePage(req));
  });
}

async function main(): Promise<void> {
  const env = parseEnv();
  setLogger(createLogger(env.LOG_LEVEL));
  setSlowQueryThreshold(env.SLOW_QUERY_MS);
  const dev = env.NODE_ENV === 'development';
  // The console runs offline as often as not; Next.js's usage reporting stays off unless asked for.
  process.env.NEXT_TELEMETRY_DISABLED ??= '1';

  const database = await openDatabase(serverDatabaseOptions(env));
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
  // Set before either handler runs, so that every answer carries them: Next.js's files, 404s and
  // redirects as well as the API's. A page's CSP is replaced by src/proxy.ts's, with its nonce.
  const baseHeaders = Object.entries(securityHeaders({ production: env.NODE_ENV === 'production' }));

  const server = http.createServer((req, res) => {
    for (const [name, value] of baseHeaders) res.setHeader(name, value);
    if (answerHealthCheck(req, res, deps)) return;
    if (isApiRequest(req.url ?? '/')) void handleApi(req, res);
    else {
      // A page is light work until its answer has gone (decision 031).
      res.once('close', deps.lightFirst.begin());
      // The API's requests get their id and context in Hono (src/api/observe-request.ts).
      const requestId = requestIdFrom(req.headers['x-request-id']?.toString(), env.TRUST_PROXY);
      res.setHeader('x-request-id', requestId);
      observePage(req, res);
      runInRequest({ requestId }, () => {
        void slideSessionCookie(req, res, deps.auth, database, env.SESSION_ABSOLUTE_HOURS).then((render) => {
          if (render) return handlePage(req, res);
        });
      });
    }
  });
  const drain = drainOnShutdown(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, resolve);
  });

  const stopJobs = startJobs(database, env, deps.lightFirst);

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
    setTimeout(() => {
      logger().error(`Shutdown took longer than ${SHUTDOWN_LIMIT_MS / 1000} s; exiting.`);
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    // The running job is put back in the queue while the requests finish; the request limits' counts
    // are saved after the last of them; the database closes last.
    const jobsStopped = stopJobs();
    const deadline = DRAIN_DEADLINE_MS[dev ? 'development' : 'production'];
    void drain
      .drain(deadline)
      .then((cut) => {
        if (cut > 0)
          logger().error(`${cut} request(s) still running after ${deadline / 1000} s were cut off.`);
        return Promise.all([jobsStopped, saveCounts(deps.limiters)]);
      })
      .then(() => Promise.all([pages.close(), database.close()]))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger().error(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  logger().fatal(
    `Operator Console could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
