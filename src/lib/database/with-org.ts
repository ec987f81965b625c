import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { PoolClient } from 'pg';
import type { Database, DatabaseHandle } from '../db';
import * as schema from './schema';
import { APP_ROLE } from './roles';
import { labelStatements, named } from '../observability/query-label';
import { compiledSql } from './compiled-sql';
import type { OrgScope } from '../scope';

declare const orgBound: unique symbol;

/**
 * A transaction bound to one org: `app.org_id` is set in it (transaction-local), so row-level security
 * sees the org. Only `withOrg` makes one; every repository function that touches an org's rows takes
 * it instead of the raw `Database`, so a query outside a scoped transaction does not type-check.
 */
export type OrgDb = Database & { readonly [orgBound]: true };

/** Runs `fn` in a scoped transaction of the org: one step of long work (a stream's batch, a job's phase). */
export type InOrg = <T>(fn: (tx: OrgDb) => Promise<T>) => Promise<T>;

// The org each scoped transaction is bound to, so a nested withOrg joins it instead of taking a second
// connection from the pool (with a small pool, a request could wait for itself). `open` turns false at
// commit or rollback: joining a finished transaction would send statements down a connection that is
// back in the pool, serving someone else.
const bindings = new WeakMap<object, { orgId: string; open: boolean }>();

/**
 * `snapshot`: the transaction is REPEATABLE READ and READ ONLY, so that its statements all read the
 * data as of its first (a read in several statements whose answers must line up, docs/decisions/063).
 * It cannot write: the audit chain's head must be read as of the commit, not of the snapshot.
 */
export interface ScopedTransactionOptions {
  snapshot?: boolean;
}

// Every scoped transaction: its statements named, and the binding built once (decision 064).
const BIND_LABEL = 'with-org.bind';
// The one statement that binds a transaction: the org for row-level security, and the switch to the
// app's role (SET LOCAL ROLE), so that PGlite's superuser and an owner connecting with the app's URL
// are held to the policies too (decision 029). No extra round trip.
const setScope = compiledSql(
  BIND_LABEL,
  ['orgId'],
  ({ orgId }) => sql`select set_config('app.org_id', ${orgId}, true), set_config('role', ${APP_ROLE}, true)`,
);

async function bind<T>(
  db: Database,
  orgId: string,
  fn: (tx: OrgDb) => Promise<T>,
  { snapshot = false }: ScopedTransactionOptions = {},
): Promise<T> {
  const joined = bindings.get(db);
  if (joined) {
    if (snapshot) throw new Error('withOrg: a snapshot cannot join a transaction already open');
    if (!joined.open) throw new Error('withOrg: this transaction has already ended');
    if (joined.orgId !== orgId) {
      throw new Error(`withOrg: a transaction scoped to org ${joined.orgId} was asked to act in ${orgId}`);
    }
    return fn(db as OrgDb);
  }
  return db.transaction(
    named(BIND_LABEL, async (tx: Database) => {
      await tx.execute(setScope({ orgId }));
      const binding = { orgId, open: true };
      bindings.set(tx, binding);
      try {
        return await fn(tx as unknown as OrgDb);
      } finally {
        binding.open = false;
      }
    }),
    snapshot ? { isolationLevel: 'repeatable read', accessMode: 'read only' } : undefined,
  );
}

/**
 * The one place that opens a scoped transaction (docs/decisions/028-scoped-executor.md): it begins a
 * transaction, sets `app.org_id` with `set_config(…, true)` — local to the transaction, never to the
 * session, because pooled connections are shared — and calls `fn` with it. Inside an open scoped
 * transaction of the same org it joins that one; of another org it throws (a bug, never a request's
 * doing).
 */
export function withOrg<T>(db: Database, scope: OrgScope, fn: (tx: OrgDb) => Promise<T>): Promise<T> {
  return bind(db, scope.orgId, fn);
}

/** Each call opens its own scoped transaction (or joins `db`'s, when `db` is already one). */
export function inOrg(db: Database, scope: OrgScope): InOrg {
  return (fn) => withOrg(db, scope, fn);
}

/**
 * withOrg for an org id that no membership check verified: the writes made before a scope exists (an
 * `access.denied` of a non-member, sign-in events) and by the operator of the installation (the admin
 * command line, the seed). ESLint keeps it to those files.
 */
export function unsafeWithOrgId<T>(db: Database, orgId: string, fn: (tx: OrgDb) => Promise<T>): Promise<T> {
  return bind(db, orgId, fn);
}

/** What a bulk load needs of a database: the pool whose connections take COPY, when there is one. */
export type BulkDatabase = Pick<DatabaseHandle, 'db'> & Partial<Pick<DatabaseHandle, 'kind' | 'pool'>>;

/**
 * `withOrg` on a connection of its own, handed to `fn` beside the transaction when the database speaks
 * PostgreSQL's protocol (`COPY … FROM STDIN` needs the connection itself); undefined on the embedded
 * database, where bulk rows go in as multi-row INSERTs.
 */
export async function withOrgConnection<T>(
  handle: BulkDatabase,
  scope: OrgScope,
  fn: (tx: OrgDb, connection: PoolClient | undefined) => Promise<T>,
  options?: ScopedTransactionOptions,
): Promise<T> {
  if (handle.kind !== 'postgres' || !handle.pool)
    return bind(handle.db, scope.orgId, (tx) => fn(tx, undefined), options);
  const connection = await handle.pool.connect();
  try {
    const db = labelStatements(drizzle(connection, { schema }) as unknown as Database);
    return await bind(db, scope.orgId, (tx) => fn(tx, connection), options);
  } finally {
    connection.release();
  }
}

/**
 * InOrg whose steps also get the transaction's own connection when the database speaks PostgreSQL's
 * protocol (an export page's `COPY … TO STDOUT`, docs/decisions/045); undefined on the embedded one.
 * An InOrg is one that never has a connection to give.
 */
export type InOrgWithConnection = <T>(fn: (tx: OrgDb, connection?: PoolClient) => Promise<T>) => Promise<T>;

/** Each call opens its own scoped transaction on a connection of its own, as withOrgConnection. */
export function inOrgWithConnection(handle: BulkDatabase, scope: OrgScope): InOrgWithConnection {
  return (fn) => withOrgConnection(handle, scope, fn);
}
