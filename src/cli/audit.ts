import { z } from 'zod';
import { createAnchorJob } from '../lib/audit-chain/anchor-job';
import { publicKeyPem, resolveAnchorKeys, type AnchorKeys } from '../lib/audit-chain/signing';
import type { ChainReport } from '../lib/audit-chain/verifier';
import type { DatabaseHandle } from '../lib/db';
import { ensureMigrated } from '../lib/database/migrate';
import { withOrg } from '../lib/database/with-org';
import { parseEnv } from '../lib/env';
import { JOB_HANDLERS } from '../lib/jobs/handlers';
import { JobRunner } from '../lib/jobs/runner';
import { unsafeSystemScope } from '../lib/jobs/system-scope';
import { listAnchors } from '../lib/repositories/audit-chain';
import { JobInProgressError } from '../lib/repositories/jobs';
import { verifyAuditChain } from '../lib/services/audit-chain';
import { CommandError, UsageError, describeFailure, parseFlags, requireOrg, type CommandIo } from './command';

export const AUDIT_HELP = `Verifies, anchors and exports an org's tamper-evident audit chain (docs/decisions/030).

Usage:
  npm run audit -- verify --org ORG [--json]
      Walks the chain from its first event: prints the events checked, the first broken link (seq,
      event id, what is wrong) and the last anchor that verifies. Exit code 1 when it is broken.
  npm run audit -- anchor --org ORG
      Verifies the events since the last anchor and signs the chain's head now (the server does this
      every AUDIT_ANCHOR_HOURS). Runs as an audit_anchor job, like the schedule's.
  npm run audit -- anchors --org ORG
      Every anchor of the org as JSON lines, oldest first: keep them outside the database.
  npm run audit -- public-key
      The anchor key's public half (PEM), for scripts/verify-audit-export.mjs.

  ORG is the org's id or name. The signing key is AUDIT_SIGNING_KEY (PEM or base64 PKCS#8 Ed25519;
  make one with \`openssl genpkey -algorithm ed25519\`); the embedded demo keeps one in DATA_DIR.`;

const flagSchema = z.object({
  org: z.string().trim().min(1, 'names the org (its id or name)').optional(),
  json: z.boolean().optional(),
  help: z.boolean().optional(),
});

const COMMANDS = ['verify', 'anchor', 'anchors', 'public-key'] as const;
type Command = (typeof COMMANDS)[number];

export async function runAuditCommand(
  argv: string[],
  io: CommandIo,
  openDb: () => Promise<DatabaseHandle>,
  keys: () => AnchorKeys | null = () => resolveAnchorKeys(parseEnv()),
): Promise<number> {
  const hint = 'Run `npm run audit -- --help` for usage.';
  let handle: DatabaseHandle | undefined;
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h') {
      io.out(AUDIT_HELP);
      return command === undefined ? 2 : 0;
    }
    if (!(COMMANDS as readonly string[]).includes(command)) {
      throw new UsageError(`unknown command "${command}" (expected ${COMMANDS.join(', ')})`);
    }
    const flags = parseFlags(
      rest,
      { org: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      flagSchema,
    );
    if (flags.help) {
      io.out(AUDIT_HELP);
      return 0;
    }
    if (command === 'public-key') {
      const signing = requireKeys(keys());
      io.out(publicKeyPem(signing).trimEnd());
      io.err(`key id ${signing.keyId}`);
      return 0;
    }
    if (!flags.org) throw new UsageError('--org is required');
    handle = await openDb();
    await ensureMigrated(handle);
    const org = await requireOrg(handle.db, flags.org);
    return await run(command as Exclude<Command, 'public-key'>, handle, org, {
      json: flags.json ?? false,
      io,
      keys,
    });
  } catch (error) {
    if (error instanceof JobInProgressError) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    return describeFailure(error, io, hint);
  } finally {
    await handle?.close();
  }
}

function requireKeys(keys: AnchorKeys | null): AnchorKeys {
  if (!keys) throw new CommandError('no audit signing key: set AUDIT_SIGNING_KEY (see --help)');
  return keys;
}

async function run(
  command: Exclude<Command, 'public-key'>,
  handle: DatabaseHandle,
  org: { id: string; name: string; timezone: string },
  { json, io, keys }: { json: boolean; io: CommandIo; keys: () => AnchorKeys | null },
): Promise<number> {
  const scope = unsafeSystemScope(org);
  switch (command) {
    case 'verify': {
      const report = await verifyAuditChain(handle.db, scope, keys());
      if (json) io.out(JSON.stringify(report, null, 2));
      else describeReport(org.name, report, io);
      return report.status === 'verified' ? 0 : 1;
    }
    case 'anchors':
      for (const anchor of await withOrg(handle.db, scope, (tx) => listAnchors(tx, scope))) {
        io.out(JSON.stringify(anchor));
      }
      return 0;
    case 'anchor': {
      const signing = requireKeys(keys());
      const runner = new JobRunner(
        handle.db,
        { ...JOB_HANDLERS, audit_anchor: createAnchorJob(() => signing) },
        {
          log: () => undefined,
        },
      );
      const job = await runner.runNow(org, 'audit_anchor');
      if (job.status !== 'succeeded')
        throw new CommandError(`job ${job.id} ${job.status}${job.error ? `: ${job.error}` : ''}`);
      io.out(JSON.stringify(job.result));
      return job.result?.broken ? 1 : 0;
    }
  }
}

function describeReport(
  orgName: string,
  report: ChainReport & { keyId: string | null },
  io: CommandIo,
): void {
  const through = report.verifiedThrough;
  const head = through ? `through seq ${through.seq} (written ${through.createdAt})` : 'no events';
  if (report.status === 'verified')
    io.out(`${orgName}: the audit chain verifies, ${report.eventsChecked} events, ${head}.`);
  else {
    const b = report.firstBroken!;
    io.out(
      `${orgName}: the audit chain is BROKEN at seq ${b.seq ?? '(none)'} (event ${b.eventId ?? 'none'}): ${b.problem}.`,
    );
    io.out(`  ${b.detail}`);
    io.out(`  ${report.eventsChecked} events verify, ${head}.`);
  }
  const anchor = report.lastAnchor;
  io.out(
    anchor
      ? `Last anchor that verifies: seq ${anchor.seq}, signed ${anchor.anchoredAt} by key ${anchor.keyId}.`
      : 'No anchor verifies.',
  );
  if (!report.keyId) io.out('No signing key is configured (AUDIT_SIGNING_KEY), so no anchor was checked.');
  if (report.anchorsRejected)
    io.out(`${report.anchorsRejected} anchor(s) rejected: not signed by key ${report.keyId}.`);
}
