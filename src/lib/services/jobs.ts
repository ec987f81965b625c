import { writeAuditEvent } from '../audit';
import type { Database } from '../db';
import { withOrg } from '../database/with-org';
import { JOB_TIME_LIMITS, type JobKind, type JobStatus } from '../domain';
import { AppError } from '../errors';
import { enqueueJob, findJob, listJobs, requestJobCancel, type JobRow } from '../repositories/jobs';
import type { RequestScope, OrgScope } from '../scope';

/**
 * Queues a job of `kind` for the member's org, audited as job.requested in the same transaction. A
 * second request while one is queued or running is refused with 409 naming it (JobInProgressError).
 */
export async function requestJob(
  db: Database,
  scope: RequestScope,
  kind: JobKind,
  options: { claimAs?: string; params?: Record<string, unknown> } = {},
): Promise<JobRow> {
  return withOrg(db, scope, async (tx) => {
    const job = await enqueueJob(tx, scope, {
      kind,
      requestedByUserId: scope.userId,
      timeLimitSeconds: JOB_TIME_LIMITS[kind],
      ...options,
    });
    await writeAuditEvent(tx, scope, {
      type: 'job.requested',
      targetType: 'job',
      targetId: job.id,
      metadata: { kind },
    });
    return job;
  });
}

export async function getJob(db: Database, scope: OrgScope, id: string): Promise<JobRow> {
  const job = await withOrg(db, scope, (tx) => findJob(tx, scope, id));
  if (!job) throw new AppError('not_found', 'No such job in this org.');
  return job;
}

export async function getJobs(
  db: Database,
  scope: OrgScope,
  query: { kind?: JobKind; status?: JobStatus; limit: number },
): Promise<JobRow[]> {
  return withOrg(db, scope, (tx) => listJobs(tx, scope, query));
}

/** Asks a queued or running job to stop (audited); a finished one is a 409. */
export async function cancelJob(db: Database, scope: RequestScope, id: string): Promise<JobRow> {
  return withOrg(db, scope, async (tx) => {
    const current = await findJob(tx, scope, id);
    if (!current) throw new AppError('not_found', 'No such job in this org.');
    if (current.status !== 'queued' && current.status !== 'running') {
      throw new AppError(
        'conflict',
        `This job has already ${current.status === 'succeeded' ? 'finished' : current.status}.`,
      );
    }
    const job = (await requestJobCancel(tx, scope, id))!;
    await writeAuditEvent(tx, scope, {
      type: 'job.cancel_requested',
      targetType: 'job',
      targetId: id,
      metadata: { kind: job.kind, status: job.status },
    });
    return job;
  });
}
