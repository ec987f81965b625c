import { parseArgs, type ParseArgsConfig } from 'node:util';
import { type z } from 'zod';
import { openDatabase, EmbeddedDatabaseBusyError, type Database, type DatabaseHandle } from '../lib/db';
import { unsafeFindOrg, type OrgRow } from '../lib/repositories/unsafe';
import { connectionLimits, EnvError, parseEnv } from '../lib/env';
import { PendingMigrationsError } from '../lib/database/migrate';

/** A mistake in how a command was called: its message is shown with a hint to `--help`, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A request that cannot be carried out (a missing org, a duplicate user): exit code 1. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const processIo: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Whose connection a command uses: the app's (DATABASE_URL), or the table owner's
 * (MIGRATION_DATABASE_URL, falling back to DATABASE_URL) for migrations and database roles.
 */
export type Connection = 'app' | 'owner';

/** The database a command works on: PostgreSQL, the running server's embedded one, or the files themselves. */
export function openCommandDatabase(connection: Connection = 'app'): Promise<DatabaseHandle> {
  const env = parseEnv();
  return openDatabase({
    databaseUrl: connection === 'owner' ? (env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL) : env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    poolSize: 2,
    logQueries: env.DB_LOG_QUERIES,
    limits: connectionLimits(env),
    role: 'command',
  });
}

/** Parses flags strictly and validates them with zod; unknown or malformed flags are a UsageError. */
export function parseFlags<S extends z.ZodType>(
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  schema: S,
): z.infer<S> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues.map((i) => `--${i.path.join('.') || '?'}: ${i.message}`).join('\n'),
    );
  }
  return parsed.data;
}

/** Turns every failure into a message on stderr and an exit code: 2 for usage, 1 for everything else. */
export function describeFailure(error: unknown, io: CommandIo, helpHint: string): number {
  if (error instanceof UsageError) {
    io.err(`error: ${error.message}`);
    io.err(helpHint);
    return 2;
  }
  if (
    error instanceof CommandError ||
    error instanceof EnvError ||
    error instanceof EmbeddedDatabaseBusyError ||
    error instanceof PendingMigrationsError
  ) {
    io.err(`error: ${error.message}`);
    return 1;
  }
  const pgCode = (error as { code?: unknown }).code;
  if (typeof pgCode === 'string' && /^[0-9A-Z]{5}$/.test(pgCode)) {
    io.err(`error: the database refused the change: ${(error as Error).message}`);
    return 1;
  }
  if (
    error instanceof Error &&
    /ECONNREFUSED|ENOTFOUND|password authentication|does not exist/.test(error.message)
  ) {
    io.err(`error: cannot reach the database: ${error.message}`);
    io.err('Check DATABASE_URL (and MIGRATION_DATABASE_URL), or unset them to use the embedded database.');
    return 1;
  }
  io.err(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
}

/** The org `ref` names (its id or name), or a CommandError saying where to find one. */
export async function requireOrg(db: Database, ref: string): Promise<OrgRow> {
  const org = await unsafeFindOrg(db, ref);
  if (!org) throw new CommandError(`no org with id or name "${ref}" (see \`npm run admin -- list-orgs\`)`);
  return org;
}
