import { writeAuditEvent } from '../audit';
import { newStreamSecret } from '../audit-stream/signing';
import { privateHostProblem, streamUrlProblem } from '../audit-stream/url';
import { requirePermission } from '../auth';
import type { Database } from '../db';
import { withOrg, type OrgDb } from '../database/with-org';
import { AppError } from '../errors';
import {
  deleteAuditStream,
  insertAuditStream,
  listAuditStreams,
  listDeliveries,
  type AuditDelivery,
  type AuditStream,
} from '../repositories/audit-streams';
import type { RequestScope } from '../scope';

// Streaming the audit log to an admin's endpoint (docs/decisions/035): registering, removing, testing,
// and the delivery log. Delivery itself is the audit_delivery job.

const DELIVERY_LOG_LIMIT = 50;

async function requireStream(tx: OrgDb, scope: RequestScope, streamId: string): Promise<AuditStream> {
  const [stream] = await listAuditStreams(tx, scope, streamId);
  if (!stream) throw new AppError('not_found', 'No such audit stream in this org.');
  return stream;
}

export async function viewAuditStreams(db: Database, scope: RequestScope): Promise<{ items: AuditStream[] }> {
  requirePermission(scope, 'audit.stream');
  return withOrg(db, scope, async (tx) => ({ items: await listAuditStreams(tx, scope) }));
}

/** Registers an endpoint; it receives the events from now on. The answer holds the signing secret, once. */
export async function createAuditStream(
  db: Database,
  scope: RequestScope,
  input: { url: string },
  production: boolean,
): Promise<AuditStream & { secret: string }> {
  requirePermission(scope, 'audit.stream');
  const problem =
    streamUrlProblem(input.url, production) ?? (production ? await privateHostProblem(input.url) : null);
  if (problem) throw new AppError('bad_request', `The URL ${problem}.`, [{ path: 'url', message: problem }]);
  const secret = newStreamSecret();
  return withOrg(db, scope, async (tx) => {
    const id = await insertAuditStream(tx, scope, { url: input.url, secret, createdByUserId: scope.userId });
    await writeAuditEvent(tx, scope, {
      type: 'audit.stream_created',
      targetType: 'audit_stream',
      targetId: id,
      metadata: { url: input.url },
    });
    const [stream] = await listAuditStreams(tx, scope, id);
    return { ...stream!, secret };
  });
}

export async function removeAuditStream(db: Database, scope: RequestScope, streamId: string): Promise<void> {
  requirePermission(scope, 'audit.stream');
  await withOrg(db, scope, async (tx) => {
    const stream = await requireStream(tx, scope, streamId);
    await deleteAuditStream(tx, scope, streamId);
    await writeAuditEvent(tx, scope, {
      type: 'audit.stream_deleted',
      targetType: 'audit_stream',
      targetId: streamId,
      metadata: { url: stream.url, deliveredThroughSeq: stream.deliveredThroughSeq },
    });
  });
}

/**
 * Writes an audit.stream_tested event, which every stream of the org then delivers like any other:
 * the test goes through the same queue, signature and order as real events.
 */
export async function testAuditStream(
  db: Database,
  scope: RequestScope,
  streamId: string,
): Promise<{ testId: string }> {
  requirePermission(scope, 'audit.stream');
  return withOrg(db, scope, async (tx) => {
    const stream = await requireStream(tx, scope, streamId);
    const testId = crypto.randomUUID();
    await writeAuditEvent(tx, scope, {
      type: 'audit.stream_tested',
      targetType: 'audit_stream',
      targetId: streamId,
      metadata: { testId, url: stream.url },
    });
    return { testId };
  });
}

export async function viewDeliveries(
  db: Database,
  scope: RequestScope,
  streamId: string,
): Promise<{ items: AuditDelivery[] }> {
  requirePermission(scope, 'audit.stream');
  return withOrg(db, scope, async (tx) => {
    await requireStream(tx, scope, streamId);
    return { items: await listDeliveries(tx, scope, streamId, DELIVERY_LOG_LIMIT) };
  });
}
