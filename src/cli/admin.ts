import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import type { DatabaseHandle } from '../lib/db';
import { ensureMigrated } from '../lib/database/migrate';
import { APP_ROLE, AppLoginRefusedError, ensureAppLogin } from '../lib/database/roles';
import { hashPassword } from '../lib/password';
import {
  unsafeAddMembership,
  unsafeCreateOrg,
  unsafeCreateUserWithPassword,
  unsafeFindMembership,
  unsafeFindOrg,
  unsafeFindUserByEmail,
  unsafeListOrgs,
} from '../lib/repositories/unsafe';
import {
  emailSchema,
  membershipRoleSchema,
  orgNameSchema,
  passwordSchema,
  timezoneSchema,
} from '../lib/validation/common';
import {
  CommandError,
  UsageError,
  describeFailure,
  parseFlags,
  requireOrg,
  type CommandIo,
  type Connection,
} from './command';
import { IMPORT_HELP, importCommand } from './import';

export const ADMIN_HELP = `Operator Console administration

Usage: npm run admin -- <command> [options]

Commands:
  create-user  --email E (--password P | --password-stdin) [--name N]
               Creates a user who can sign in with email and password.
  create-org   --name N [--timezone TZ]
               Creates an org. TZ is an IANA time zone (default UTC).
  add-member   --org <id|name> --email E --role owner|admin|operator|viewer
               Gives an existing user a role in an org (audited as member.added).
  list-orgs    Lists the orgs with their ids, time zones and member counts.
  db-roles     --login NAME [--password-stdin]
               PostgreSQL only, as the owner of the tables (MIGRATION_DATABASE_URL):
               makes NAME a login role in ${APP_ROLE}, the role the app connects
               as, and prints the DATABASE_URL to give the app. Without
               --password-stdin it generates a password.
${IMPORT_HELP}

Options:
  -h, --help   Shows this help.

The database is DATABASE_URL when set, otherwise the embedded one under DATA_DIR
(through the running server when \`npm start\` is up); db-roles uses
MIGRATION_DATABASE_URL when set.`;

/** Flags are parsed and validated before the database is opened: bad input fails fast, even offline. */
export type AdminHandler = (argv: string[]) => (db: DatabaseHandle, io: CommandIo) => Promise<void>;

const createUser: AdminHandler = (argv) => {
  const flags = parseFlags(
    argv,
    {
      email: { type: 'string' },
      password: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      name: { type: 'string' },
    },
    z
      .object({
        email: emailSchema,
        password: passwordSchema.optional(),
        'password-stdin': z.boolean().optional(),
        name: z.string().trim().max(200).optional(),
      })
      .refine((f) => Boolean(f.password) !== Boolean(f['password-stdin']), {
        message: 'give exactly one of --password or --password-stdin',
        path: ['password'],
      }),
  );
  const password = flags.password ?? readPasswordFromStdin();
  return async ({ db }, io) => {
    if (await unsafeFindUserByEmail(db, flags.email))
      throw new CommandError(`a user with email ${flags.email} already exists`);
    const user = await unsafeCreateUserWithPassword(db, {
      email: flags.email,
      name: flags.name ?? '',
      passwordHash: await hashPassword(password),
    });
    io.out(`created user ${user.email} (${user.id})`);
  };
};

function readPasswordFromStdin(): string {
  const value = fs.readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  const parsed = passwordSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--password-stdin: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

const createOrg: AdminHandler = (argv) => {
  const flags = parseFlags(
    argv,
    { name: { type: 'string' }, timezone: { type: 'string' } },
    z.object({ name: orgNameSchema, timezone: timezoneSchema.default('UTC') }),
  );
  return async ({ db }, io) => {
    if (await unsafeFindOrg(db, flags.name))
      throw new CommandError(`an org named "${flags.name}" already exists`);
    const org = await unsafeCreateOrg(db, flags);
    io.out(`created org "${org.name}" (${org.id}, ${org.timezone})`);
  };
};

const addMember: AdminHandler = (argv) => {
  const flags = parseFlags(
    argv,
    { org: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' } },
    z.object({
      org: z.string().trim().min(1, 'is required'),
      email: emailSchema,
      role: membershipRoleSchema,
    }),
  );
  return async ({ db }, io) => {
    const org = await requireOrg(db, flags.org);
    const user = await unsafeFindUserByEmail(db, flags.email);
    if (!user)
      throw new CommandError(`no user with email ${flags.email} (create one with create-user first)`);
    const existing = await unsafeFindMembership(db, org.id, user.id);
    if (existing)
      throw new CommandError(`${user.email} is already a member of "${org.name}" as ${existing.role}`);
    await unsafeAddMembership(db, { orgId: org.id, userId: user.id, role: flags.role, via: 'admin-cli' });
    io.out(`added ${user.email} to "${org.name}" as ${flags.role}`);
  };
};

const listOrgs: AdminHandler = (argv) => {
  parseFlags(argv, {}, z.object({}));
  return async ({ db }, io) => {
    const rows = await unsafeListOrgs(db);
    if (rows.length === 0) io.out('no orgs yet (create one with create-org)');
    for (const org of rows) io.out(`${org.id}  ${org.name}  (${org.timezone}, ${org.members} members)`);
  };
};

const dbRoles: AdminHandler = (argv) => {
  const flags = parseFlags(
    argv,
    { login: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
    z.object({
      login: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL role name (a-z, 0-9, _)'),
      'password-stdin': z.boolean().optional(),
    }),
  );
  const password = flags['password-stdin']
    ? readPasswordFromStdin()
    : crypto.randomBytes(24).toString('base64url');
  return async (handle, io) => {
    const ownerUrl = handle.pool?.options.connectionString;
    if (handle.kind !== 'postgres' || !ownerUrl) {
      throw new CommandError(
        `the embedded database needs no login role: the app switches to ${APP_ROLE} inside each org's transactions`,
      );
    }
    try {
      const { created } = await ensureAppLogin(handle.db, flags.login, password);
      io.out(`${created ? 'created' : 'updated'} login role ${flags.login} in ${APP_ROLE}`);
    } catch (error) {
      if (error instanceof AppLoginRefusedError) throw new CommandError(error.message);
      throw error;
    }
    const appUrl = new URL(ownerUrl);
    appUrl.username = encodeURIComponent(flags.login);
    appUrl.password = encodeURIComponent(password);
    io.out('Give the app this connection (keep MIGRATION_DATABASE_URL for `npm run db:migrate`):');
    io.out(`DATABASE_URL=${appUrl.toString()}`);
  };
};

const COMMANDS: Record<string, AdminHandler> = {
  'create-user': createUser,
  'create-org': createOrg,
  'add-member': addMember,
  'list-orgs': listOrgs,
  'db-roles': dbRoles,
  import: importCommand,
};

/** Commands that act on the database's roles connect as the owner of the tables. */
const CONNECTIONS: Partial<Record<string, Connection>> = { 'db-roles': 'owner' };

/** Runs one admin command; returns the process exit code. */
export async function runAdmin(
  argv: string[],
  io: CommandIo,
  openDb: (connection: Connection) => Promise<DatabaseHandle>,
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.out : io.err)(ADMIN_HELP);
    return name ? 0 : 2;
  }
  const handler = COMMANDS[name];
  const hint = 'Run `npm run admin -- --help` for usage.';
  if (!handler) return describeFailure(new UsageError(`unknown command "${name}"`), io, hint);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(ADMIN_HELP);
    return 0;
  }
  let handle: DatabaseHandle | undefined;
  try {
    const run = handler(rest);
    handle = await openDb(CONNECTIONS[name] ?? 'app');
    await ensureMigrated(handle);
    await run(handle, io);
    return 0;
  } catch (error) {
    return describeFailure(error, io, hint);
  } finally {
    await handle?.close();
  }
}
