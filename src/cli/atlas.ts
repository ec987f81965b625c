import cliProgress from 'cli-progress';
import { z } from 'zod';
import type { DatabaseHandle } from '../lib/db';
import { ensureMigrated } from '../lib/database/migrate';
import type { JobKind } from '../lib/domain';
import { JOB_HANDLERS } from '../lib/jobs/handlers';
import { JobRunner } from '../lib/jobs/runner';
import { JobInProgressError, type JobRow } from '../lib/repositories/jobs';
import { CommandError, UsageError, describeFailure, parseFlags, requireOrg, type CommandIo } from './command';

export const ATLAS_HELP = `Runs Atlas and the lifecycle stage engine for one org, here and now, with a progress bar.

Usage:
  npm run atlas -- run --org ORG
      Graph analytics (PageRank, communities, bridging), the recommendations of every detector and
      the graph overview. Ends with one recommendation.generated event in the org's audit log.
  npm run atlas -- stages --org ORG
      Moves every participant to the lifecycle stage its activity points to (promote at once,
      demote after the org's grace period), recording each change in the audit log.

  ORG is the org's id or name. Both run as the system, like the server's schedule; a run already in
  progress for the org (from the console or the schedule) is reported, not started twice. Works on
  PostgreSQL (DATABASE_URL) and on the embedded database, through a running server when there is one.`;

const COMMANDS: Record<string, JobKind> = { run: 'atlas_run', stages: 'stage_update' };

const flagSchema = z.object({
  org: z.string().trim().min(1, 'names the org (its id or name)').optional(),
  help: z.boolean().optional(),
});

export async function runAtlasCommand(
  argv: string[],
  io: CommandIo,
  openDb: () => Promise<DatabaseHandle>,
  options: { progressStream?: NodeJS.WritableStream } = {},
): Promise<number> {
  const hint = 'Run `npm run atlas -- --help` for usage.';
  let handle: DatabaseHandle | undefined;
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h') {
      io.out(ATLAS_HELP);
      return command === undefined ? 2 : 0;
    }
    const kind = COMMANDS[command];
    if (!kind) throw new UsageError(`unknown command "${command}" (expected run or stages)`);
    const flags = parseFlags(
      rest,
      { org: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      flagSchema,
    );
    if (flags.help) {
      io.out(ATLAS_HELP);
      return 0;
    }
    if (!flags.org) throw new UsageError('--org is required');
    handle = await openDb();
    await ensureMigrated(handle);
    const org = await requireOrg(handle.db, flags.org);
    const job = await runWithProgress(handle, org, kind, options.progressStream ?? process.stderr);
    return report(job, io);
  } catch (error) {
    if (error instanceof JobInProgressError) {
      io.err(`error: ${error.message} Follow it in the console, or cancel it there.`);
      return 1;
    }
    return describeFailure(error, io, hint);
  } finally {
    await handle?.close();
  }
}

async function runWithProgress(
  handle: DatabaseHandle,
  org: { id: string; name: string; timezone: string },
  kind: JobKind,
  stream: NodeJS.WritableStream,
): Promise<JobRow> {
  const bar = new cliProgress.SingleBar(
    {
      format: `${org.name}: {bar} {percentage}% | {phase} | {duration_formatted}`,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
      stream,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(100, 0, { phase: 'starting' });
  const runner = new JobRunner(handle.db, JOB_HANDLERS, {
    log: () => undefined,
    onProgress: (_job, phase, fraction) => bar.update(Math.round(fraction * 100), { phase }),
  });
  // Ctrl-C stops the run cleanly: it is put back in the queue for a server to finish, or to run again.
  const interrupt = () => void runner.stop();
  process.once('SIGINT', interrupt);
  try {
    const job = await runner.runNow(org, kind);
    bar.update(job.status === 'succeeded' ? 100 : Math.round(job.progress * 100), { phase: job.status });
    return job;
  } finally {
    process.off('SIGINT', interrupt);
    bar.stop();
  }
}

function report(job: JobRow, io: CommandIo): number {
  if (job.status === 'succeeded') {
    io.out(`${job.kind === 'atlas_run' ? 'Atlas run' : 'Stage update'} ${job.id} succeeded.`);
    io.out(JSON.stringify(job.result, null, 2));
    return 0;
  }
  if (job.status === 'queued') {
    io.err(`Interrupted: job ${job.id} is back in the queue; a running server will finish it.`);
    return 1;
  }
  throw new CommandError(`job ${job.id} ${job.status}${job.error ? `: ${job.error}` : ''}`);
}
