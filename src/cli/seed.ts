import cliProgress from 'cli-progress';
import { z } from 'zod';
import type { DatabaseHandle } from '../lib/db';
import { ensureMigrated } from '../lib/database/migrate';
import { parseEnv } from '../lib/env';
import { unsafeFindOrg } from '../lib/repositories/unsafe';
import { seedDemo } from '../lib/seed/demo';
import { loadSyntheticOrg } from '../lib/seed/load-synthetic';
import { validateSyntheticSize } from '../lib/seed/synthetic';
import { orgNameSchema, timezoneSchema } from '../lib/validation/common';
import { UsageError, describeFailure, parseFlags, type CommandIo } from './command';

export const SEED_HELP = `Seeds the database.

Usage:
  npm run db:seed
      The demo org "Iron Front Digital" with its operator. Running it again changes nothing.
      The operator's password is SEED_OPERATOR_PASSWORD, or a random one printed once.
  npm run db:seed -- --synthetic --participants N --edges M [--org NAME] [--timezone TZ] [--seed S]
      A large generated org (communities, hubs, isolated participants, skewed activity) for
      benchmarks. The org must not exist yet; it is loaded in one transaction.`;

const MAX_PARTICIPANTS = 20_000_000;
const MAX_EDGES = 200_000_000;

const flagSchema = z
  .object({
    synthetic: z.boolean().optional(),
    participants: z.coerce.number().int().min(2).max(MAX_PARTICIPANTS).optional(),
    edges: z.coerce.number().int().min(0).max(MAX_EDGES).optional(),
    org: orgNameSchema.optional(),
    timezone: timezoneSchema.default('UTC'),
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .default(1),
    help: z.boolean().optional(),
  })
  .superRefine((f, ctx) => {
    if (!f.synthetic) {
      for (const key of ['participants', 'edges', 'org'] as const) {
        if (f[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: 'only with --synthetic' });
      }
      return;
    }
    if (f.participants === undefined)
      ctx.addIssue({ code: 'custom', path: ['participants'], message: 'is required with --synthetic' });
    if (f.edges === undefined)
      ctx.addIssue({ code: 'custom', path: ['edges'], message: 'is required with --synthetic' });
    if (f.participants !== undefined && f.edges !== undefined) {
      const problem = validateSyntheticSize(f.participants, f.edges);
      if (problem)
        ctx.addIssue({ code: 'custom', path: ['edges'], message: problem.replace(/^--edges /, '') });
    }
  });

export async function runSeed(
  argv: string[],
  io: CommandIo,
  openDb: () => Promise<DatabaseHandle>,
): Promise<number> {
  const hint = 'Run `npm run db:seed -- --help` for usage.';
  let handle: DatabaseHandle | undefined;
  try {
    const flags = parseFlags(
      argv,
      {
        synthetic: { type: 'boolean' },
        participants: { type: 'string' },
        edges: { type: 'string' },
        org: { type: 'string' },
        timezone: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      flagSchema,
    );
    if (flags.help) {
      io.out(SEED_HELP);
      return 0;
    }
    handle = await openDb();
    await ensureMigrated(handle);
    if (flags.synthetic) await seedSynthetic(handle, flags as Required<typeof flags>, io);
    else await seedDemoOrg(handle, io);
    return 0;
  } catch (error) {
    return describeFailure(error, io, hint);
  } finally {
    await handle?.close();
  }
}

async function seedDemoOrg(handle: DatabaseHandle, io: CommandIo): Promise<void> {
  const result = await seedDemo(handle.db, { operatorPassword: parseEnv().SEED_OPERATOR_PASSWORD });
  const added = Object.entries(result.inserted).filter(([, n]) => n > 0);
  io.out(
    added.length
      ? `Seeded "${result.orgName}" (${result.orgId}): ${added.map(([table, n]) => `${n} ${table}`).join(', ')}.`
      : `"${result.orgName}" is already seeded; nothing changed.`,
  );
  if (result.generatedPassword) {
    io.out(`Sign in as ${result.operatorEmail} with the password ${result.generatedPassword}`);
    io.out('It is shown this once; set SEED_OPERATOR_PASSWORD before seeding to choose it yourself.');
  } else if (result.inserted.users) {
    io.out(`Sign in as ${result.operatorEmail} with the password from SEED_OPERATOR_PASSWORD.`);
  }
}

async function seedSynthetic(
  handle: DatabaseHandle,
  flags: { participants: number; edges: number; org?: string; timezone: string; seed: number },
  io: CommandIo,
): Promise<void> {
  const name = flags.org ?? `Synthetic ${flags.participants} x ${flags.edges} (seed ${flags.seed})`;
  if (await unsafeFindOrg(handle.db, name)) {
    throw new UsageError(
      `an org named "${name}" already exists; pick another --org (synthetic orgs are never merged)`,
    );
  }
  const bar = new cliProgress.SingleBar(
    {
      format:
        'loading {bar} {percentage}% | {value}/{total} rows | {duration_formatted} elapsed, eta {eta_formatted}',
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(flags.participants + flags.edges, 0);
  try {
    const result = await loadSyntheticOrg(
      handle,
      { name, timezone: flags.timezone },
      { participants: flags.participants, edges: flags.edges, seed: flags.seed, now: new Date() },
      (rows) => bar.increment(rows),
    );
    bar.stop();
    io.out(
      `Created "${name}" (${result.orgId}): ${result.participants} participants, ${result.relationships} relationships in ${result.seconds.toFixed(1)} s on ${handle.kind}.`,
    );
  } finally {
    bar.stop();
  }
}
