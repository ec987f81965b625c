import { withOrg } from '../database/with-org';
import { AppError } from '../errors';
import { JobStoppedError, type JobHandler } from '../jobs/runner';
import { deleteUpload, findUpload, readChunk } from '../repositories/import-uploads';
import { importCsv, type ImportReport } from '../services/imports';
import type { CsvLimits } from './csv-input';

// The csv_import job (docs/decisions/032): reads an uploaded file's chunks in order into the import,
// reporting how much it has read, and completes with the import's report — also when rows were
// rejected and nothing was written, which is an answer, not a failure.

/** The rows a job's report keeps (rejected first): it is read again at every poll of the job. */
const JOB_REPORT_ROWS = 500;

export function createImportJob(limits: () => CsvLimits): JobHandler {
  return async (ctx) => {
    const { db, scope } = ctx;
    const uploadId = String(ctx.job.params.uploadId ?? '');
    const upload = await withOrg(db, scope, (tx) => findUpload(tx, scope, uploadId));
    if (!upload) throw new Error('The uploaded file is no longer there; upload it again.');
    const phase = upload.dryRun ? 'checking the rows' : 'importing the rows';
    const total = Math.max(upload.bytes, 1);
    let read = 0;
    const readNext = async (n: number) => {
      const data = await withOrg(db, scope, (tx) => readChunk(tx, scope, uploadId, n));
      read += data.length;
      await ctx.progress(`${phase}: ${Math.round((100 * read) / total)}% read`, (0.9 * read) / total);
      return data;
    };
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let n = 0; n < upload!.chunks; n++) yield await readNext(n);
      await ctx.progress(upload!.dryRun ? 'judging the rows' : 'writing the rows', 0.9);
    }
    // The embedded database has one backend, however many sockets reach it: while the import's
    // transaction holds it, neither a chunk nor a progress report could be read or written, so there
    // the file is read first, into memory.
    const concurrent = ctx.bulk.kind === 'postgres' && ctx.bulk.pool !== undefined;
    const source = concurrent ? chunks() : await inMemory(upload.chunks, readNext);
    try {
      let report: ImportReport;
      try {
        report = await importCsv(ctx.bulk, scope, upload.kind, source, {
          dryRun: upload.dryRun,
          limits: limits(),
        });
      } catch (error) {
        const rejected =
          error instanceof AppError ? (error.extensions?.report as ImportReport | undefined) : undefined;
        if (!rejected) throw error;
        report = rejected;
      }
      const rows = report.rows.slice(0, JOB_REPORT_ROWS);
      const kept = { ...report, rows, rowsLeftOut: report.rowsLeftOut + report.rows.length - rows.length };
      await withOrg(db, scope, async (tx) => {
        await deleteUpload(tx, scope, uploadId);
        await ctx.complete(tx, { report: kept });
      });
    } catch (error) {
      // A shutdown puts the job back in the queue, and a lost claim means another runner has it: both
      // read the same file again.
      const resumed =
        error instanceof JobStoppedError && (error.why === 'shutdown' || error.why === 'claim_lost');
      if (!resumed) {
        await withOrg(db, scope, (tx) => deleteUpload(tx, scope, uploadId));
      }
      throw error;
    }
  };
}

async function inMemory(
  count: number,
  readNext: (n: number) => Promise<Buffer>,
): Promise<AsyncIterable<Uint8Array>> {
  const all: Buffer[] = [];
  for (let n = 0; n < count; n++) all.push(await readNext(n));
  return (async function* () {
    yield* all;
  })();
}
