import { and, asc, desc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { InOrg, OrgDb } from '../database/with-org';
import { auditAnchors, events } from '../database/schema';
import type { Anchor, ChainEvent } from '../audit-chain/verifier';
import type { OrgScope } from '../scope';
import { isoMicros } from './keyset';

// The audit chain as stored: events in seq order with their chain fields, and the signed anchors.
// The chain fields are written by the database's triggers alone (drizzle/ migration audit_chain).

const chainColumns = {
  orgId: events.orgId,
  id: events.id,
  actorUserId: events.actorUserId,
  actorRole: events.actorRole,
  eventType: events.eventType,
  targetType: events.targetType,
  targetId: events.targetId,
  metadata: events.metadata,
  personal: events.personal,
  personalSalt: events.personalSalt,
  personalDigest: events.personalDigest,
  createdAt: isoMicros(events.createdAt),
  seq: events.seq,
  prevHash: events.prevHash,
  hash: events.hash,
  contentHash: events.contentHash,
};

/**
 * The org's linked events after seq `after` in seq order, fetched in keyset batches of `batchSize`,
 * each its own scoped transaction (a long walk holds no connection between batches).
 */
export async function* streamChain(
  inOrg: InOrg,
  scope: OrgScope,
  batchSize = 5000,
  after = 0,
): AsyncGenerator<ChainEvent> {
  for (;;) {
    const from = after;
    const rows = await inOrg((tx) =>
      tx
        .select(chainColumns)
        .from(events)
        .where(and(eq(events.orgId, scope.orgId), isNotNull(events.seq), gt(events.seq, from)))
        .orderBy(asc(events.seq))
        .limit(batchSize),
    );
    for (const row of rows) yield row as ChainEvent;
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!.seq!;
  }
}

/** An event of the org that has no place in the chain (only a superuser can write one). */
export async function findUnchainedEvent(db: OrgDb, scope: OrgScope): Promise<{ id: string } | undefined> {
  const [row] = await db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.orgId, scope.orgId), isNull(events.seq)))
    .limit(1);
  return row;
}

/** The org's last linked event: the chain's head. */
export async function findChainHead(
  db: OrgDb,
  scope: OrgScope,
): Promise<{ seq: number; hash: string } | undefined> {
  const [row] = await db
    .select({ seq: events.seq, hash: events.hash })
    .from(events)
    .where(and(eq(events.orgId, scope.orgId), isNotNull(events.seq)))
    .orderBy(desc(events.seq))
    .limit(1);
  return row ? { seq: row.seq!, hash: row.hash! } : undefined;
}

const anchorColumns = {
  orgId: auditAnchors.orgId,
  seq: auditAnchors.seq,
  hash: auditAnchors.headHash,
  // Signed with millisecond precision (JavaScript's toISOString), so read back the same way.
  anchoredAt: sql<string>`to_char(${auditAnchors.anchoredAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  keyId: auditAnchors.keyId,
  signature: auditAnchors.signature,
};

/** Every anchor of the org, oldest first. */
export async function listAnchors(db: OrgDb, scope: OrgScope): Promise<Anchor[]> {
  return db
    .select(anchorColumns)
    .from(auditAnchors)
    .where(eq(auditAnchors.orgId, scope.orgId))
    .orderBy(asc(auditAnchors.seq));
}

export async function findLatestAnchor(db: OrgDb, scope: OrgScope): Promise<Anchor | undefined> {
  const [row] = await db
    .select(anchorColumns)
    .from(auditAnchors)
    .where(eq(auditAnchors.orgId, scope.orgId))
    .orderBy(desc(auditAnchors.seq))
    .limit(1);
  return row;
}

/** Stores a signed anchor; false when the org already has one at that seq (the head did not move). */
export async function insertAnchor(db: OrgDb, scope: OrgScope, anchor: Anchor): Promise<boolean> {
  const rows = await db
    .insert(auditAnchors)
    .values({
      orgId: scope.orgId,
      seq: anchor.seq,
      headHash: anchor.hash,
      anchoredAt: new Date(anchor.anchoredAt),
      keyId: anchor.keyId,
      signature: anchor.signature,
    })
    .onConflictDoNothing()
    .returning({ id: auditAnchors.id });
  return rows.length > 0;
}
