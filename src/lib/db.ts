import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { createPglite } from './database/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { keepProtocolSequencesTogether } from './database/socket-protocol-queue';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type pg from 'pg';
import { acquireLock, readLiveLock, type EmbeddedLock } from './database/embedded-lock';
import * as schema from './database/schema';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './database/connection-limits';
import { ContextPool, TimedClient, timePglite } from './observability/instrument-driver';
import { labelStatements } from './observability/query-label';
import { logger } from './observability/logger';

export { schema };
export { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits };
export { EmbeddedDatabaseBusyError } from './database/embedded-lock';

/** The one database type every repository takes, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseKind = 'postgres' | 'embedded' | 'embedded-via-server';

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  /** Where the data lives, for messages (never includes a password). */
  location: string;
  /** Present when the connection speaks the PostgreSQL wire protocol; bulk loads use COPY through it. */
  pool?: pg.Pool;
  /** Pools of their own for heavy requests, jobs and the health check; see `databaseFor`. */
  lanes?: Partial<Record<SeparateWorkClass, DatabaseHandle>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The classes of database work (docs/decisions/024). Light is every request not declared heavy, and
 * runs on the main pool; the others get connections of their own, so that no class can take all of
 * another's, and a statement_timeout of their own.
 */
export type WorkClass = 'light' | 'heavy' | 'job' | 'health';
type SeparateWorkClass = Exclude<WorkClass, 'light'>;

export interface LaneSettings {
  /** Connections in the class's pool. */
  size: number;
  /** PostgreSQL's statement_timeout on them; 0: none. The embedded database enforces none at all. */
  statementTimeoutMs: number;
}

/** How the server divides its connections; the light class's pool is the main one (`poolSize`). */
export interface LaneLayout {
  lightStatementTimeoutMs: number;
  heavy: LaneSettings;
  job: LaneSettings;
  health: LaneSettings;
}

const SEPARATE_WORK_CLASSES: readonly SeparateWorkClass[] = ['heavy', 'job', 'health'];

/**
 * The database for one class of work: its own pool where the handle was opened with lanes, else the
 * handle itself (commands, tests, the in-memory PGlite — one connection serves every class there).
 */
export function databaseFor(handle: DatabaseHandle, workClass: WorkClass): DatabaseHandle {
  return workClass === 'light' ? handle : (handle.lanes?.[workClass] ?? handle);
}

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  poolSize: number;
  logQueries?: boolean;
  /** Bounds on waiting for the database; DEFAULT_CONNECTION_LIMITS where not given. */
  limits?: Partial<ConnectionLimits>;
  /** Opens a pool per class of work (the server does); without it one pool serves them all. */
  lanes?: LaneLayout;
  /**
   * Only matters for the embedded database. `server` opens it and shares it over a Unix socket in the
   * data directory; `command` goes through that socket when a server runs, and opens the files itself
   * when none does.
   */
  role: 'server' | 'command';
}

/**
 * The pool settings that carry the limits. The session settings go in the startup packet, so every
 * connection has them before its first statement, whichever pool or path opened it. Options already
 * in the URL are kept: pg lets a URL's options replace the config's, so they move out of the URL.
 */
export function limitedPoolConfig(url: string, limits: ConnectionLimits): pg.PoolConfig {
  const parsed = new URL(url);
  const own = parsed.searchParams.get('options');
  parsed.searchParams.delete('options');
  const settings = `-c lock_timeout=${limits.lockTimeoutMs} -c idle_in_transaction_session_timeout=${limits.idleInTransactionTimeoutMs}`;
  return {
    connectionString: parsed.toString(),
    connectionTimeoutMillis: limits.acquireTimeoutMs,
    options: own ? `${own} ${settings}` : settings,
  };
}

const SOCKET_PORT = 5432;
// Sockets for the app's own pools plus a few concurrent commands (seed, admin, studio).
const SOCKET_EXTRA_CONNECTIONS = 6;

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  const dataDir = path.resolve(options.dataDir);
  if (options.role === 'command') {
    const holder = readLiveLock(dataDir);
    if (holder?.holder === 'server' && holder.socketDir) {
      return openPostgresPool(
        {
          ...embeddedSocketConfig(holder.socketDir, options),
          max: 2,
        },
        'embedded-via-server',
        `${dataDir} (through the running server, pid ${holder.pid})`,
        options,
      );
    }
  }
  return openEmbedded(dataDir, options);
}

export function openPostgres(
  url: string,
  options: Pick<OpenDatabaseOptions, 'poolSize' | 'logQueries' | 'limits' | 'lanes'>,
): DatabaseHandle {
  return openPostgresPools(
    { ...limitedPoolConfig(url, limitsOf(options)), max: options.poolSize },
    'postgres',
    redactUrl(url),
    options,
  );
}

/** The main pool, and with `lanes` one more pool per separate class of work, closed together. */
function openPostgresPools(
  config: pg.PoolConfig,
  kind: DatabaseKind,
  location: string,
  options: Pick<OpenDatabaseOptions, 'logQueries' | 'lanes'>,
  onClose?: () => Promise<void>,
): DatabaseHandle {
  const { lanes } = options;
  if (!lanes) return openPostgresPool(config, kind, location, options, onClose);
  const sessions = kind !== 'embedded';
  const separate = SEPARATE_WORK_CLASSES.map(
    (workClass) =>
      [
        workClass,
        openPostgresPool(laneConfig(config, workClass, lanes[workClass], sessions), kind, location, options),
      ] as const,
  );
  const light = { size: config.max ?? 10, statementTimeoutMs: lanes.lightStatementTimeoutMs };
  const main = openPostgresPool(laneConfig(config, 'light', light, sessions), kind, location, options);
  return {
    ...main,
    lanes: Object.fromEntries(separate),
    async close() {
      await Promise.all([main, ...separate.map(([, handle]) => handle)].map((handle) => handle.close()));
      await onClose?.();
    },
  };
}

/**
 * A class's pool: its size, and on PostgreSQL its statement_timeout and a name in pg_stat_activity.
 * The embedded database is one session behind a queue, where a setting made by one connection would
 * apply to all (and PGlite has no timer to cancel a statement with): there only the size differs.
 */
function laneConfig(
  config: pg.PoolConfig,
  workClass: WorkClass,
  lane: LaneSettings,
  sessions: boolean,
): pg.PoolConfig {
  if (!sessions) return { ...config, max: lane.size };
  const timeout = `-c statement_timeout=${lane.statementTimeoutMs}`;
  return {
    ...config,
    max: lane.size,
    application_name: `operator-console:${workClass}`,
    options: config.options ? `${config.options} ${timeout}` : timeout,
  };
}

function openPostgresPool(
  config: pg.PoolConfig,
  kind: DatabaseKind,
  location: string,
  options: Pick<OpenDatabaseOptions, 'logQueries'>,
  onClose?: () => Promise<void>,
): DatabaseHandle {
  // Every statement is timed (TimedClient) and named by the function that built it (labelStatements).
  const pool = new ContextPool({ ...config, Client: TimedClient });
  // A client that loses its connection must not take the process down; the next query reconnects.
  // The pool listens on idle clients only: a checked-out one (inside a transaction) emits its error on
  // itself, and an 'error' event nobody listens to is an uncaught exception.
  pool.on('error', (error) => logger().error(`database: idle connection error: ${error.message}`));
  pool.on('connect', (client) =>
    client.on('error', (error) => logger().error(`database: connection error: ${error.message}`)),
  );
  const db = labelStatements(
    drizzleNodePg(pool, { schema, logger: options.logQueries ?? false }) as unknown as Database,
  );
  return {
    db,
    kind,
    location,
    pool,
    ping: () => ping(db),
    async close() {
      await pool.end();
      await onClose?.();
    },
  };
}

/** Wraps an already-open PGlite (tests use in-memory ones). */
export function fromPglite(client: PGlite, location: string, logQueries = false): DatabaseHandle {
  const db = labelStatements(
    drizzlePglite(timePglite(client), { schema, logger: logQueries }) as unknown as Database,
  );
  return { db, kind: 'embedded', location, ping: () => ping(db), close: () => client.close() };
}

async function openEmbedded(dataDir: string, options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const lock = acquireLock(dataDir, options.role);
  let client: PGlite | undefined;
  try {
    client = await createPglite({ dataDir: path.join(dataDir, 'pg') });
    if (options.role === 'server') return await shareOverSocket(client, dataDir, lock, options);
    const direct = fromPglite(client, dataDir, options.logQueries);
    const closeClient = direct.close;
    return { ...direct, close: () => closeClient().finally(() => lock.release()) };
  } catch (error) {
    await client?.close().catch(() => undefined);
    lock.release();
    throw error;
  }
}

// The server's own queries go through the socket too: pglite-socket keeps a transaction on one
// connection, but a query made on the PGlite object directly could land inside a command's open
// transaction. One path in, and the queue serializes everything.
async function shareOverSocket(
  client: PGlite,
  dataDir: string,
  lock: EmbeddedLock,
  options: OpenDatabaseOptions,
): Promise<DatabaseHandle> {
  const socketDir = socketDirectoryFor(dataDir);
  const socketPath = path.join(socketDir, `.s.PGSQL.${SOCKET_PORT}`);
  fs.rmSync(socketPath, { force: true }); // left by a server that died; we hold the lock
  const server = new PGLiteSocketServer({
    db: client,
    path: socketPath,
    maxConnections: options.poolSize + separateLaneConnections(options.lanes) + SOCKET_EXTRA_CONNECTIONS,
  });
  keepProtocolSequencesTogether(server, client);
  await server.start();
  fs.chmodSync(socketPath, 0o600);
  lock.update({ socketDir });
  return openPostgresPools(
    { ...embeddedSocketConfig(socketDir, options), max: options.poolSize },
    'embedded',
    dataDir,
    options,
    async () => {
      await server.stop();
      await client.close();
      fs.rmSync(socketPath, { force: true });
      lock.release();
    },
  );
}

const limitsOf = (options: Pick<OpenDatabaseOptions, 'limits'>): ConnectionLimits => ({
  ...DEFAULT_CONNECTION_LIMITS,
  ...options.limits,
});

// The embedded database is one backend behind a queue: its connections are not sessions of their own
// (a setting made on one applies to all) and never wait for each other's locks. Only the wait for a
// pooled connection is bounded.
function embeddedSocketConfig(
  socketDir: string,
  options: Pick<OpenDatabaseOptions, 'limits'>,
): pg.PoolConfig {
  return {
    host: socketDir,
    port: SOCKET_PORT,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: limitsOf(options).acquireTimeoutMs,
  };
}

const separateLaneConnections = (lanes: LaneLayout | undefined) =>
  lanes ? SEPARATE_WORK_CLASSES.reduce((sum, workClass) => sum + lanes[workClass].size, 0) : 0;

// A Unix socket path must fit in 108 bytes; deep data directories get a private one under the temp dir.
function socketDirectoryFor(dataDir: string): string {
  if (Buffer.byteLength(path.join(dataDir, `.s.PGSQL.${SOCKET_PORT}`)) < 100) return dataDir;
  const hash = crypto.createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), `operator-console-${hash}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Runs raw SQL and returns its rows; both drivers answer with `{ rows }`. */
export async function queryRows<T>(db: Pick<Database, 'execute'>, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

async function ping(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres (unparseable URL)';
  }
}

declare global {
  var __operatorConsoleDb: Promise<DatabaseHandle> | undefined;
}

/**
 * The process-wide database of the running app. Kept on globalThis because Next.js bundles page code
 * into a module graph of its own: a module-level singleton would exist twice (DESIGN.md §2).
 */
export function appDatabase(): Promise<DatabaseHandle> {
  if (!globalThis.__operatorConsoleDb) throw new Error('The app database has not been opened yet');
  return globalThis.__operatorConsoleDb;
}

export function setAppDatabase(handle: Promise<DatabaseHandle>): void {
  globalThis.__operatorConsoleDb = handle;
}
