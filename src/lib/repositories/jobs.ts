import { sql } from 'drizzle-orm';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import type { JobKind, JobStatus } from '../domain';
import { AppError } from '../errors';
import type { OrgScope } from '../scope';

// The jobs of one org, as requests and pages see them. Claiming work across orgs is the runner's
// business alone (src/lib/jobs/queue.ts).

export interface JobRow {
  id: string;
  kind: JobKind;
  status: JobStatus;
  phase: string | null;
  progress: number;
  attempts: number;
  timeLimitSeconds: number;
  requestedByUserId: string | null;
  params: Record<string, unknown>;
  error: string | null;
  result: Record<string, unknown> | null;
  cancelRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  heartbeatAt: string | null;
  finishedAt: string | null;
}

const iso = (column: string) =>
  sql.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);

/** The columns of a JobRow from `jobs` (aliased j). */
export const JOB_COLUMNS = sql`j.id, j.kind, j.status, j.phase, j.progress, j.attempts,
  j.time_limit_seconds AS "timeLimitSeconds", j.requested_by_user_id AS "requestedByUserId", j.params,
  j.error, j.result, j.cancel_requested_at IS NOT NULL AS "cancelRequested",
  ${iso('j.created_at')} AS "createdAt", ${iso('j.started_at')} AS "startedAt",
  ${iso('j.heartbeat_at')} AS "heartbeatAt", ${iso('j.finished_at')} AS "finishedAt"`;

/** A second request for work of a kind already queued or running in the org: 409 naming the job. */
export class JobInProgressError extends AppError {
  constructor(
    readonly jobId: string,
    kind: JobKind,
  ) {
    super(
      'conflict',
      `A ${kind.replace('_', ' ')} is already in progress for this org (job ${jobId}).`,
      undefined,
      undefined,
      {
        jobId,
      },
    );
  }
}

export interface EnqueueOptions {
  kind: JobKind;
  params?: Record<string, unknown>;
  requestedByUserId: string | null;
  timeLimitSeconds: number;
  /**
   * Claimed at once by this worker id (a command that runs the job itself, with its own progress bar),
   * so that no server's runner picks it up in between.
   */
  claimAs?: string;
}

/**
 * Queues a job for `scope`'s org, or throws JobInProgressError when one of the kind is queued or
 * running. The partial unique index decides, so two requests at the same instant cannot both win.
 */
export async function enqueueJob(db: OrgDb, scope: OrgScope, options: EnqueueOptions): Promise<JobRow> {
  const claimed = options.claimAs !== undefined;
  const [row] = await queryRows<JobRow>(
    db,
    sql`WITH inserted AS (
          INSERT INTO jobs AS j (org_id, kind, params, requested_by_user_id, time_limit_seconds,
                                 status, worker_id, attempts, started_at, heartbeat_at)
          VALUES (${scope.orgId}, ${options.kind}, ${JSON.stringify(options.params ?? {})}::jsonb,
                  ${options.requestedByUserId}, ${options.timeLimitSeconds},
                  ${claimed ? 'running' : 'queued'}, ${options.claimAs ?? null}, ${claimed ? 1 : 0},
                  ${claimed ? sql`now()` : null}, ${claimed ? sql`now()` : null})
          ON CONFLICT (org_id, kind) WHERE status IN ('queued', 'running') DO NOTHING
          RETURNING *)
        SELECT ${JOB_COLUMNS} FROM inserted j`,
  );
  if (row) return row;
  const active = await findActiveJob(db, scope, options.kind);
  // The one in progress may have finished between the two statements: try once more.
  if (!active) return enqueueJob(db, scope, options);
  throw new JobInProgressError(active.id, options.kind);
}

export async function findJob(db: OrgDb, scope: OrgScope, id: string): Promise<JobRow | undefined> {
  const [row] = await queryRows<JobRow>(
    db,
    sql`SELECT ${JOB_COLUMNS} FROM jobs j WHERE j.org_id = ${scope.orgId} AND j.id = ${id}`,
  );
  return row;
}

export async function findActiveJob(db: OrgDb, scope: OrgScope, kind: JobKind): Promise<JobRow | undefined> {
  const [row] = await queryRows<JobRow>(
    db,
    sql`SELECT ${JOB_COLUMNS} FROM jobs j
        WHERE j.org_id = ${scope.orgId} AND j.kind = ${kind} AND j.status IN ('queued', 'running')`,
  );
  return row;
}

/** The org's most recent jobs of a kind (or of every kind), newest first. */
export async function listJobs(
  db: OrgDb,
  scope: OrgScope,
  query: { kind?: JobKind; status?: JobStatus; limit: number },
): Promise<JobRow[]> {
  return queryRows<JobRow>(
    db,
    sql`SELECT ${JOB_COLUMNS} FROM jobs j
        WHERE j.org_id = ${scope.orgId}
          ${query.kind ? sql`AND j.kind = ${query.kind}` : sql``}
          ${query.status ? sql`AND j.status = ${query.status}` : sql``}
        ORDER BY j.created_at DESC, j.id DESC LIMIT ${query.limit}`,
  );
}

/**
 * Asks a queued or running job to stop. A queued one is cancelled at once; a running one stops at its
 * next checkpoint (within about a second) and its runner marks it cancelled. Returns the job as it is
 * now, or undefined when there is no such job.
 */
export async function requestJobCancel(db: OrgDb, scope: OrgScope, id: string): Promise<JobRow | undefined> {
  const [row] = await queryRows<JobRow>(
    db,
    sql`UPDATE jobs AS j SET
          cancel_requested_at = coalesce(j.cancel_requested_at, now()),
          status = CASE WHEN j.status = 'queued' THEN 'cancelled' ELSE j.status END,
          finished_at = CASE WHEN j.status = 'queued' THEN now() ELSE j.finished_at END
        WHERE j.org_id = ${scope.orgId} AND j.id = ${id}
        RETURNING ${JOB_COLUMNS}`,
  );
  return row;
}

/** Marks `scope`'s job succeeded with its result; in the transaction that commits what it wrote. */
export async function completeJob(
  tx: OrgDb,
  scope: OrgScope,
  id: string,
  result: Record<string, unknown>,
): Promise<void> {
  await tx.execute(sql`UPDATE jobs SET status = 'succeeded', progress = 1, phase = 'done',
      result = ${JSON.stringify(result)}::jsonb, finished_at = now(), heartbeat_at = now()
    WHERE org_id = ${scope.orgId} AND id = ${id}`);
}
