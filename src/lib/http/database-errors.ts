import { AppError } from '../errors';

// What a failure inside the database means to the caller. Drivers and drizzle wrap what PostgreSQL
// said (drizzle's DrizzleQueryError keeps the driver's error in `cause`, Node's connect to a host with
// several addresses gathers one error per address in an AggregateError), so the chain is walked.
//
// - Class 22 (data exception: a value PostgreSQL cannot take — not a UUID, a date out of range, a NUL
//   byte) is the client's bad input that validation let through: 400 with a fixed detail. The driver's
//   message is never echoed, it can quote the statement or the value.
// - 23505 (unique violation) is a concurrent request that got there first: 409.
// - The database unreachable, restarting or shutting down, its connections used up, a statement or
//   lock timed out: 503 with Retry-After. A statement timeout is the request's own cost, but the
//   caller can do nothing about it now except come back when the database is less loaded, and a 4xx
//   would tell it not to retry; a 500 would page someone for working as configured.

/** Seconds a client should wait: the database is down or restarting. */
export const RETRY_AFTER_UNAVAILABLE_SECONDS = 5;
/** Seconds a client should wait: the database is up but saturated (pool, connections, locks, time). */
export const RETRY_AFTER_BUSY_SECONDS = 2;

const MAX_CHAIN = 8;

const DATA_DETAILS: Record<string, string> = {
  '22P02': 'A value in the request has the wrong form for its field (an id that is not a UUID, say).',
  '22007': 'A date or time in the request is not valid.',
  '22008': 'A date or time in the request is out of range.',
  '22021': 'The request holds text that cannot be stored (a NUL character or invalid UTF-8).',
  '22P05': 'The request holds text that cannot be stored (a NUL character).',
  '22001': 'A value in the request is too long.',
  '22003': 'A number in the request is out of range.',
};
const DATA_DETAIL = 'A value in the request is not valid.';

// Server answers that say the database went away or cannot take this connection now.
const UNAVAILABLE_STATES = new Set([
  '57P01', // admin_shutdown: the backend was terminated (server shut down or pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
  '57P04', // database_dropped
  '3D000', // invalid_catalog_name: the database is not there (yet) — a restore, a misconfiguration
]);
// Server answers that say it is up but saturated.
const BUSY_STATES = new Set([
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available: lock_timeout
  '25P03', // idle_in_transaction_session_timeout
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

// Node's socket errors on connect, write or read.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EAI_AGAIN',
]);

// pg and PGlite raise these as plain Errors without a code; their text is all there is to go by.
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // pg: the server closed the socket (also "… due to connection timeout")
  /is not queryable$/, // pg: a client whose connection already failed or was closed
  /^Cannot use a pool after calling end on the pool$/, // pg: the app is shutting down
  /^PGlite is closed$/,
];
const BUSY_MESSAGES = [
  /^timeout exceeded when trying to connect$/, // pg: no pooled connection within connectionTimeoutMillis
  /^Query read timeout$/, // pg: query_timeout
];

type Classified = 'data' | 'conflict' | 'unavailable' | 'busy';

function* errorChain(error: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (depth > MAX_CHAIN || typeof error !== 'object' || error === null) return;
  const e = error as Record<string, unknown>;
  yield e;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) yield* errorChain(inner, depth + 1);
  }
  if (e.cause !== error) yield* errorChain(e.cause, depth + 1);
}

// Five characters, like Node's EPIPE: told apart by the list of socket codes.
const isSqlState = (code: unknown): code is string =>
  typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !SOCKET_CODES.has(code);

function classifyOne(e: Record<string, unknown>): { kind: Classified; state?: string } | undefined {
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (isSqlState(code)) {
    if (code === '23505') return { kind: 'conflict', state: code };
    if (code.startsWith('22')) return { kind: 'data', state: code };
    if (code.startsWith('08') || UNAVAILABLE_STATES.has(code)) return { kind: 'unavailable', state: code };
    if (code.startsWith('53') || BUSY_STATES.has(code)) return { kind: 'busy', state: code };
  }
  if (code && SOCKET_CODES.has(code)) return { kind: 'unavailable' };
  // A Unix socket that is not there: the embedded database's server is not running.
  if (code === 'ENOENT' && e.syscall === 'connect') return { kind: 'unavailable' };
  const message = typeof e.message === 'string' ? e.message : '';
  if (UNAVAILABLE_MESSAGES.some((m) => m.test(message))) return { kind: 'unavailable' };
  if (BUSY_MESSAGES.some((m) => m.test(message))) return { kind: 'busy' };
  return undefined;
}

/** The SQLSTATE PostgreSQL answered with, wherever it sits in the error's cause chain. */
export function sqlStateOf(error: unknown): string | undefined {
  for (const e of errorChain(error)) {
    if (isSqlState(e.code)) return e.code;
  }
  return undefined;
}

/**
 * For logs: the SQLSTATE and the innermost message (the driver's own words, not drizzle's wrapper,
 * which quotes the statement and its parameters).
 */
export function describeDatabaseError(error: unknown): string {
  let message = String(error);
  for (const e of errorChain(error)) if (typeof e.message === 'string') message = e.message;
  return `${sqlStateOf(error) ?? 'no SQLSTATE'}: ${message.split('\n')[0]}`;
}

/**
 * The AppError a database failure stands for (400, 409 or 503), or undefined when it is none of
 * those — a bug, answered 500 by the caller.
 */
export function databaseErrorToAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return undefined;
  let found: { kind: Classified; state?: string } | undefined;
  for (const e of errorChain(error)) {
    found = classifyOne(e);
    if (found) break;
  }
  switch (found?.kind) {
    case 'data':
      return new AppError('bad_request', DATA_DETAILS[found.state!] ?? DATA_DETAIL);
    case 'conflict':
      return new AppError('conflict', 'This already exists.');
    case 'unavailable':
      return new AppError(
        'unavailable',
        'The database is not reachable right now; try again in a few seconds.',
        undefined,
        { 'retry-after': String(RETRY_AFTER_UNAVAILABLE_SECONDS) },
      );
    case 'busy':
      return new AppError(
        'unavailable',
        found.state === '57014'
          ? 'The request took longer than the database allows for it; try again shortly, or ask for less (a smaller page, narrower filters).'
          : 'The database is busy; try again shortly.',
        undefined,
        { 'retry-after': String(RETRY_AFTER_BUSY_SECONDS) },
      );
    default:
      return undefined;
  }
}
