import fs from 'node:fs';
import { z } from 'zod';
import { parseEnv } from '../lib/env';
import { AppError } from '../lib/errors';
import { unsafeSystemScope } from '../lib/jobs/system-scope';
import { importCsv, type ImportReport } from '../lib/services/imports';
import { importLimitsOf } from '../lib/import/csv-input';
import type { AdminHandler } from './admin';
import { CommandError, parseFlags, requireOrg, type CommandIo } from './command';

export const IMPORT_HELP = `  import       --org <id|name> [--participants FILE] [--relationships FILE] [--dry-run]
               Imports participants, then relationships, from CSV files: each file
               all or nothing. --dry-run reports what each row would do and writes
               nothing (relationships are then matched against the participants
               already in the org). Exit 1, with the reasons, when anything is refused.`;

/** Rows shown of a report on the terminal; the counts cover them all. */
const SHOWN_ROWS = 50;

// The command acts as the system, as a job does: it is the installation's administrator loading files,
// not a member of the org (the audit event's actor is 'system').
export const importCommand: AdminHandler = (argv) => {
  const flags = parseFlags(
    argv,
    {
      org: { type: 'string' },
      participants: { type: 'string' },
      relationships: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
    z
      .object({
        org: z.string().trim().min(1, 'is required'),
        participants: z.string().min(1).optional(),
        relationships: z.string().min(1).optional(),
        'dry-run': z.boolean().optional(),
      })
      .refine((f) => f.participants || f.relationships, {
        message: 'give --participants FILE, --relationships FILE or both',
        path: ['participants'],
      }),
  );
  const env = parseEnv();
  const limits = importLimitsOf(env);
  return async (handle, io) => {
    const org = await requireOrg(handle.db, flags.org);
    const scope = unsafeSystemScope(org);
    const files = [
      ['participants', flags.participants],
      ['relationships', flags.relationships],
    ] as const;
    let refused = 0;
    for (const [kind, file] of files) {
      if (!file) continue;
      const source = await openFile(file);
      try {
        const report = await importCsv(handle, scope, kind, source, {
          dryRun: Boolean(flags['dry-run']),
          limits,
        });
        printReport(io, file, report);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        refused++;
        io.err(`${file}: ${error.message}`);
        const report = error.extensions?.report as ImportReport | undefined;
        if (report) printReport(io, file, report);
      } finally {
        source.destroy();
      }
    }
    if (refused)
      throw new CommandError(`${refused} ${refused === 1 ? 'file was' : 'files were'} not imported`);
  };
};

async function openFile(file: string): Promise<fs.ReadStream> {
  try {
    await fs.promises.access(file, fs.constants.R_OK);
  } catch (error) {
    throw new CommandError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return fs.createReadStream(file, { highWaterMark: 256 * 1024 });
}

function printReport(io: CommandIo, file: string, report: ImportReport): void {
  const { created, updated, unchanged, rejected } = report.counts;
  const verb = report.applied
    ? 'imported'
    : report.dryRun
      ? 'checked (dry run, nothing written)'
      : 'not imported';
  io.out(
    `${file}: ${report.kind} ${verb}: ${report.file.rows} ${report.file.rows === 1 ? 'row' : 'rows'} — ${created} created, ${updated} updated, ` +
      `${unchanged} unchanged, ${rejected} rejected (sha256 ${report.file.sha256})`,
  );
  // A dry run shows every row; an import, the rejected ones (the report lists those first).
  const shown = report.rows.filter((r) => r.outcome === 'rejected' || report.dryRun).slice(0, SHOWN_ROWS);
  for (const row of shown) {
    const why = row.problems?.map(
      (p) => `${p.column} ${p.message}${p.value ? ` (${JSON.stringify(p.value)})` : ''}`,
    );
    const what = row.changes?.length ? ` (${row.changes.join(', ')})` : '';
    io.out(`  row ${row.row}: ${row.outcome}${what} ${row.key}${why ? `: ${why.join('; ')}` : ''}`);
  }
  const more = (report.dryRun ? report.file.rows : rejected) - shown.length;
  if (more > 0) io.out(`  … and ${more} more ${more === 1 ? 'row' : 'rows'}`);
}
