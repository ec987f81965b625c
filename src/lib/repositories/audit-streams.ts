import { and, asc, desc, eq, gt, isNotNull, lte, sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db';
import type { OrgDb } from '../database/with-org';
import { auditDeliveries, auditStreams, events } from '../database/schema';
import type { OrgScope } from '../scope';
import { isoMillis } from './iso-time';
import { isoMicros } from './keyset';

// Audit streams and their delivery log (docs/decisions/035). The events table is the outbox: a
// stream's cursor is the last seq its receiver acknowledged.

export interface AuditStream {
  id: string;
  url: string;
  deliveredThroughSeq: number;
  /** The org's latest seq: the stream is behind by the difference. */
  headSeq: number;
  failures: number;
  nextAttemptAt: string;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  createdAt: string;
}

const at = (column: string) => isoMillis(sql.raw(`s.${column}`));

export async function listAuditStreams(
  tx: OrgDb,
  scope: OrgScope,
  streamId?: string,
): Promise<AuditStream[]> {
  return queryRows<AuditStream>(
    tx,
    sql`SELECT s.id, s.url, s.delivered_through_seq::float8 AS "deliveredThroughSeq",
          coalesce((SELECT max(e.seq) FROM events e WHERE e.org_id = s.org_id), 0)::float8 AS "headSeq",
          s.failures, ${at('next_attempt_at')} AS "nextAttemptAt", ${at('last_attempt_at')} AS "lastAttemptAt",
          ${at('last_success_at')} AS "lastSuccessAt", s.last_error AS "lastError", ${at('created_at')} AS "createdAt"
        FROM audit_streams s WHERE s.org_id = ${scope.orgId} ${streamId ? sql`AND s.id = ${streamId}` : sql``}
        ORDER BY s.created_at, s.id`,
  );
}

/** A new stream, starting after the org's current head: it receives what happens from now on. */
export async function insertAuditStream(
  tx: OrgDb,
  scope: OrgScope,
  input: { url: string; secret: string; createdByUserId: string | null },
): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    tx,
    sql`INSERT INTO audit_streams (org_id, url, secret, created_by_user_id, delivered_through_seq)
        VALUES (${scope.orgId}, ${input.url}, ${input.secret}, ${input.createdByUserId},
                coalesce((SELECT max(seq) FROM events WHERE org_id = ${scope.orgId}), 0))
        RETURNING id`,
  );
  return row!.id;
}

export async function deleteAuditStream(tx: OrgDb, scope: OrgScope, streamId: string): Promise<void> {
  await tx
    .delete(auditStreams)
    .where(and(eq(auditStreams.orgId, scope.orgId), eq(auditStreams.id, streamId)));
}

/**
 * The org's streams whose next attempt is due. One delivery job per org runs at a time (the jobs'
 * one-in-progress index), so a stream has one sender and its batches go out in order.
 */
export async function dueStreams(tx: OrgDb, scope: OrgScope) {
  return tx
    .select({
      id: auditStreams.id,
      url: auditStreams.url,
      secret: auditStreams.secret,
      deliveredThroughSeq: auditStreams.deliveredThroughSeq,
      failures: auditStreams.failures,
    })
    .from(auditStreams)
    .where(and(eq(auditStreams.orgId, scope.orgId), lte(auditStreams.nextAttemptAt, sql`now()`)))
    .orderBy(asc(auditStreams.createdAt));
}

/** A delivered event, as receivers get it: its fields, its personal part and its place in the chain. */
export async function eventsAfter(tx: OrgDb, scope: OrgScope, seq: number, limit: number) {
  const rows = await tx
    .select({
      id: events.id,
      seq: events.seq,
      createdAt: isoMicros(events.createdAt),
      eventType: events.eventType,
      actorUserId: events.actorUserId,
      actorRole: events.actorRole,
      targetType: events.targetType,
      targetId: events.targetId,
      metadata: events.metadata,
      personal: events.personal,
      personalDigest: events.personalDigest,
      prevHash: events.prevHash,
      hash: events.hash,
      contentHash: events.contentHash,
    })
    .from(events)
    .where(and(eq(events.orgId, scope.orgId), isNotNull(events.seq), gt(events.seq, seq)))
    .orderBy(asc(events.seq))
    .limit(limit);
  return rows.map((r) => ({ ...r, seq: r.seq! }));
}

export interface DeliveryAttempt {
  streamId: string;
  fromSeq: number;
  toSeq: number;
  events: number;
  httpStatus: number | null;
  error: string | null;
  attempt: number;
  durationMs: number;
}

/** A batch the receiver acknowledged: the cursor moves past it, and the backoff starts over. */
export async function recordDelivered(tx: OrgDb, scope: OrgScope, d: DeliveryAttempt): Promise<void> {
  await tx
    .update(auditStreams)
    .set({
      deliveredThroughSeq: d.toSeq,
      failures: 0,
      nextAttemptAt: sql`now()`,
      lastAttemptAt: sql`now()`,
      lastSuccessAt: sql`now()`,
      lastError: null,
    })
    .where(and(eq(auditStreams.orgId, scope.orgId), eq(auditStreams.id, d.streamId)));
  await tx.insert(auditDeliveries).values({ orgId: scope.orgId, status: 'delivered', ...d });
}

/** A batch that failed: the next attempt waits `retryInSeconds`. */
export async function recordFailed(
  tx: OrgDb,
  scope: OrgScope,
  d: DeliveryAttempt,
  retryInSeconds: number,
): Promise<void> {
  await tx
    .update(auditStreams)
    .set({
      failures: sql`${auditStreams.failures} + 1`,
      nextAttemptAt: sql`now() + make_interval(secs => ${retryInSeconds})`,
      lastAttemptAt: sql`now()`,
      lastError: d.error,
    })
    .where(and(eq(auditStreams.orgId, scope.orgId), eq(auditStreams.id, d.streamId)));
  await tx.insert(auditDeliveries).values({ orgId: scope.orgId, status: 'failed', ...d });
}

export interface AuditDelivery {
  id: string;
  fromSeq: number;
  toSeq: number;
  events: number;
  status: 'delivered' | 'failed';
  httpStatus: number | null;
  error: string | null;
  attempt: number;
  durationMs: number;
  createdAt: string;
}

/** The stream's latest attempts, newest first. */
export async function listDeliveries(
  tx: OrgDb,
  scope: OrgScope,
  streamId: string,
  limit: number,
): Promise<AuditDelivery[]> {
  const rows = await tx
    .select({
      id: auditDeliveries.id,
      fromSeq: auditDeliveries.fromSeq,
      toSeq: auditDeliveries.toSeq,
      events: auditDeliveries.events,
      status: auditDeliveries.status,
      httpStatus: auditDeliveries.httpStatus,
      error: auditDeliveries.error,
      attempt: auditDeliveries.attempt,
      durationMs: auditDeliveries.durationMs,
      createdAt: isoMillis(sql`${auditDeliveries.createdAt}`),
    })
    .from(auditDeliveries)
    .where(and(eq(auditDeliveries.orgId, scope.orgId), eq(auditDeliveries.streamId, streamId)))
    .orderBy(desc(auditDeliveries.createdAt), desc(auditDeliveries.id))
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    status: r.status as AuditDelivery['status'],
    createdAt: String(r.createdAt),
  }));
}

/**
 * Queues an audit_delivery job for every org with a stream that is due and behind (across orgs, as the
 * dispatcher does: app_enqueue_audit_deliveries, migration 0013).
 */
export async function unsafeEnqueueAuditDeliveries(db: Database, timeLimitSeconds: number) {
  return queryRows<{ orgId: string; id: string }>(
    db,
    sql`SELECT org_id AS "orgId", id FROM app_enqueue_audit_deliveries(${timeLimitSeconds}::int)`,
  );
}
