import { requirePermission } from '../auth';
import type { Database } from '../db';
import { withOrg } from '../database/with-org';
import { AppError } from '../errors';
import type { CsvLimits } from '../import/csv-input';
import type { ImportKindName } from '../import/kinds';
import { appendChunk, deleteUpload, insertUpload } from '../repositories/import-uploads';
import { findActiveJob, JobInProgressError, type JobRow } from '../repositories/jobs';
import type { RequestScope } from '../scope';
import { requestJob } from './jobs';

// An import that runs as a job (docs/decisions/032): the request stores the file in chunks and queues
// a csv_import job, answered 202; the job reads the chunks in order through the same import as a
// request's, reporting its progress, and leaves the report as its result.

const CHUNK_BYTES = 1 << 20;

export async function startImportJob(
  db: Database,
  scope: RequestScope,
  kind: ImportKindName,
  source: AsyncIterable<Uint8Array>,
  options: { dryRun: boolean; limits: CsvLimits },
): Promise<JobRow> {
  requirePermission(scope, 'import.write');
  // One import job at a time per org: refused before its file is stored, not after.
  const active = await withOrg(db, scope, (tx) => findActiveJob(tx, scope, 'csv_import'));
  if (active) throw new JobInProgressError(active.id, 'csv_import');
  const uploadId = await withOrg(db, scope, (tx) =>
    insertUpload(tx, scope, { kind, dryRun: options.dryRun, createdByUserId: scope.userId }),
  );
  try {
    let n = 0;
    let total = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await withOrg(db, scope, (tx) => appendChunk(tx, scope, uploadId, n++, data));
    };
    for await (const part of source) {
      total += part.length;
      if (total > options.limits.maxBytes) {
        // The rest of the body is never read: the connection closes with the answer.
        throw new AppError(
          'payload_too_large',
          `The file is over the limit of ${options.limits.maxBytes} bytes.`,
          [{ path: 'body', message: 'too_large' }],
          { connection: 'close' },
        );
      }
      // A part may hold the whole body (or more than a chunk): it is cut into chunks as it comes.
      for (let at = 0; at < part.length;) {
        const piece = part.subarray(at, at + CHUNK_BYTES - pendingBytes);
        pending.push(Buffer.from(piece));
        pendingBytes += piece.length;
        at += piece.length;
        if (pendingBytes >= CHUNK_BYTES) await flush();
      }
    }
    await flush();
    if (total === 0)
      throw new AppError('bad_request', 'The file is empty: it needs a header row naming its columns.');
    return await requestJob(db, scope, 'csv_import', {
      params: { uploadId, kind, dryRun: options.dryRun, bytes: total },
    });
  } catch (error) {
    await withOrg(db, scope, (tx) => deleteUpload(tx, scope, uploadId));
    throw error;
  }
}
