import os from 'node:os';
import { z } from 'zod';
import { LOG_LEVELS } from './observability/logger';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './database/connection-limits';
import type { LaneLayout, LaneSettings, OpenDatabaseOptions } from './db';

const booleanFlag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const timeoutMs = (fallback: number) => z.coerce.number().int().min(0).max(86_400_000).default(fallback);
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** The app's connection: a role that owns no table (decision 029, `npm run admin -- db-roles`). */
  DATABASE_URL: postgresUrl.optional(),
  /** The owner of the tables, for `npm run db:migrate` and `db-roles`; unset, DATABASE_URL is used. */
  MIGRATION_DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Milliseconds a request waits for a pooled connection before it is answered 503. */
  DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(120_000)
    .default(DEFAULT_CONNECTION_LIMITS.acquireTimeoutMs),
  /** PostgreSQL's lock_timeout for the app's connections; 0 waits for ever. */
  DATABASE_LOCK_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(DEFAULT_CONNECTION_LIMITS.lockTimeoutMs),
  /** PostgreSQL's idle_in_transaction_session_timeout for the app's connections; 0 waits for ever. */
  DATABASE_IDLE_TX_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .default(DEFAULT_CONNECTION_LIMITS.idleInTransactionTimeoutMs),
  /** Connections of the heavy requests' own pool (exports, whole graphs, segments, job requests). */
  DATABASE_HEAVY_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(4),
  /** Connections of the background jobs' own pool. */
  DATABASE_JOB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(2),
  /** PostgreSQL's statement_timeout per class of work, in milliseconds; 0: none. */
  STATEMENT_TIMEOUT_LIGHT_MS: timeoutMs(10_000),
  STATEMENT_TIMEOUT_HEAVY_MS: timeoutMs(120_000),
  STATEMENT_TIMEOUT_JOB_MS: timeoutMs(600_000),
  /** Heavy requests one user, and one org, may have in progress at once; more wait, then get 429. */
  HEAVY_REQUESTS_PER_USER: z.coerce.number().int().min(1).max(1000).default(2),
  HEAVY_REQUESTS_PER_ORG: z.coerce.number().int().min(1).max(1000).default(4),
  /**
   * Heavy requests in progress in this process, all orgs together: by default half its cores (at least
   * one), so that the other half is left to light requests (docs/decisions/031).
   */
  HEAVY_REQUESTS_PER_PROCESS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(() => Math.max(1, Math.floor(os.availableParallelism() / 2))),
  /** How long a heavy request waits for a free slot before it is answered 429. */
  HEAVY_QUEUE_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  /** CSV imports: the file's size, its data rows and one field's size at most (docs/decisions/032). */
  IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(512 * 1024 * 1024),
  IMPORT_MAX_ROWS: z.coerce.number().int().min(1).default(2_000_000),
  IMPORT_MAX_FIELD_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(64 * 1024),
  DATA_DIR: z.string().min(1).default('./.data'),
  /** The level of the JSON log lines on stdout; `debug` adds a line per database statement. */
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Statements at least this long are logged at warn, named by the function that issued them. */
  SLOW_QUERY_MS: z.coerce.number().min(0).max(3_600_000).default(500),
  /** The bearer token a Prometheus scraper sends to GET /api/metrics; unset, the route answers 404. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  DB_LOG_QUERIES: booleanFlag,
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The console's public origin (scheme://host[:port]); default http://localhost:PORT. */
  PUBLIC_URL: z.url({ message: 'must be a URL such as https://console.example.com' }).optional(),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For. */
  TRUST_PROXY: booleanFlag,
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  SIGN_IN_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  SIGN_IN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(5),
  SIGN_IN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(100_000).default(20),
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  RATE_LIMIT_ORG_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(3000),
  NEXT_PUBLIC_API_BASE: z.string().optional(),
  SEED_OPERATOR_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  /** This process runs no background jobs (another process does); requests still queue them. */
  JOBS_DISABLED: booleanFlag,
  /** Hours between scheduled lifecycle stage updates per org; 0 turns the schedule off. */
  STAGE_SCHEDULE_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .default(24),
  /**
   * The Ed25519 key that signs audit chain anchors: PEM, or the base64 of a PKCS#8 DER key
   * (`openssl genpkey -algorithm ed25519`). Unset: the embedded demo keeps one in DATA_DIR.
   */
  AUDIT_SIGNING_KEY: z.string().min(1).optional(),
  /** Hours between scheduled audit chain anchors per org; 0 turns the schedule off. */
  AUDIT_ANCHOR_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .default(1),
  /** How often the audit stream dispatcher looks for events to deliver (docs/decisions/035), in ms. */
  AUDIT_STREAM_POLL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  /** Hours between scheduled Atlas runs per org; 0 turns the schedule off. */
  ATLAS_SCHEDULE_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .default(24),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  override name = 'EnvError';
}

/** Parses the environment once; a bad value stops the process with a message naming the variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // An empty variable (`DATABASE_URL=` in a .env file) means "not set", as shells and dotenv treat it.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid configuration in the environment:\n${lines.join('\n')}`);
  }
  const env = result.data;
  if (env.NODE_ENV === 'production' && env.DATABASE_URL && !env.AUTH_SECRET) {
    throw new EnvError(
      'Invalid configuration in the environment:\n  AUTH_SECRET: required in production (32+ random characters, e.g. `openssl rand -base64 48`)',
    );
  }
  if (env.NODE_ENV === 'production' && !isLoopback(env.HOST) && !env.PUBLIC_URL) {
    throw new EnvError(
      'Invalid configuration in the environment:\n  PUBLIC_URL: required in production when HOST is not a loopback address (e.g. https://console.example.com)',
    );
  }
  return env;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

/** The console's public origin: PUBLIC_URL, or the local address it listens on. */
export function publicOrigin(env: Env): string {
  if (env.PUBLIC_URL) return new URL(env.PUBLIC_URL).origin;
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${env.PORT}`;
}

/**
 * Session cookies are Secure in production — except for the local demo served over plain HTTP on a
 * loopback address, where a Secure cookie would not be sent back by every browser.
 */
export function usesSecureCookies(env: Env): boolean {
  if (env.NODE_ENV !== 'production') return false;
  const url = new URL(publicOrigin(env));
  return !(url.protocol === 'http:' && isLoopback(url.hostname.replace(/^\[|\]$/g, '')));
}

export function connectionLimits(env: Env): ConnectionLimits {
  return {
    acquireTimeoutMs: env.DATABASE_ACQUIRE_TIMEOUT_MS,
    lockTimeoutMs: env.DATABASE_LOCK_TIMEOUT_MS,
    idleInTransactionTimeoutMs: env.DATABASE_IDLE_TX_TIMEOUT_MS,
  };
}

// The health check's one connection: a ping that takes a second has failed whatever the cause.
const HEALTH_LANE: LaneSettings = { size: 1, statementTimeoutMs: 1000 };

/** The server's pools per class of work (docs/decisions/024). */
/** How a server process opens the app's database (src/server.ts, and the chaos run's API server). */
export function serverDatabaseOptions(env: Env): OpenDatabaseOptions {
  return {
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    poolSize: env.DATABASE_POOL_SIZE,
    logQueries: env.DB_LOG_QUERIES,
    limits: connectionLimits(env),
    lanes: databaseLanes(env),
    role: 'server',
  };
}

export function databaseLanes(env: Env): LaneLayout {
  return {
    lightStatementTimeoutMs: env.STATEMENT_TIMEOUT_LIGHT_MS,
    heavy: { size: env.DATABASE_HEAVY_POOL_SIZE, statementTimeoutMs: env.STATEMENT_TIMEOUT_HEAVY_MS },
    job: { size: env.DATABASE_JOB_POOL_SIZE, statementTimeoutMs: env.STATEMENT_TIMEOUT_JOB_MS },
    health: HEALTH_LANE,
  };
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}
