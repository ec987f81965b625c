import { and, asc, desc, eq, gt, gte, isNotNull, lt, type SQL } from 'drizzle-orm';
import type { InOrg, OrgDb } from '../database/with-org';
import { events, orgMemberships, users } from '../database/schema';
import { decodeCursor, toPage, type Page } from '../pagination';
import type { OrgScope } from '../scope';
import type { EventFilters } from '../validation/events';
import { isoMicros, olderThan, timeKeyCursorSchema, type TimeKey } from './keyset';

// Reading the audit log. Writing is src/lib/audit.ts; nothing updates or deletes (the database refuses).

export interface AuditEventRow {
  id: string;
  eventType: string;
  actorUserId: string | null;
  /**
   * The actor's email while they are a member of this org; null for anonymous events, for outsiders
   * refused at the door (an org must not learn who else holds accounts) and for former members.
   */
  actorEmail: string | null;
  actorRole: string | null;
  targetType: string | null;
  targetId: string | null;
  metadata: Record<string, unknown>;
  /** docs/decisions/034: null without a personal part, and once erased (the digest stays). */
  personal: Record<string, unknown> | null;
  personalSalt: string | null;
  personalDigest: string | null;
  createdAt: string;
  /** The audit chain (docs/decisions/030); null only for an event whose transaction has not committed. */
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
  contentHash: string | null;
}

const columns = {
  id: events.id,
  eventType: events.eventType,
  actorUserId: events.actorUserId,
  actorEmail: users.email,
  actorRole: events.actorRole,
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

/** Where a batch starts: after a (created_at, id) key newest first, or after a seq in chain order. */
type After = { order: 'newest'; key?: TimeKey } | { order: 'chain'; seq: number };

function conditions(scope: OrgScope, f: EventFilters, after: After): SQL | undefined {
  return and(
    eq(events.orgId, scope.orgId),
    f.type ? eq(events.eventType, f.type) : undefined,
    f.actorUserId ? eq(events.actorUserId, f.actorUserId) : undefined,
    f.targetType ? eq(events.targetType, f.targetType) : undefined,
    f.targetId ? eq(events.targetId, f.targetId) : undefined,
    f.from ? gte(events.createdAt, new Date(f.from)) : undefined,
    f.to ? lt(events.createdAt, new Date(f.to)) : undefined,
    // Newest first, the keyset (created_at, id) descending; or the chain's order, seq ascending.
    after.order === 'newest'
      ? after.key && olderThan(events.createdAt, events.id, after.key)
      : and(isNotNull(events.seq), gt(events.seq, after.seq)),
  );
}

async function fetchBatch(db: OrgDb, scope: OrgScope, filters: EventFilters, limit: number, after: After) {
  const rows = await db
    .select(columns)
    .from(events)
    // Two key probes per row of the page, through this org's memberships so that the email of someone
    // who is not a member here (a refused outsider) never reaches this org's log.
    .leftJoin(
      orgMemberships,
      and(eq(orgMemberships.orgId, events.orgId), eq(orgMemberships.userId, events.actorUserId)),
    )
    .leftJoin(users, eq(users.id, orgMemberships.userId))
    .where(conditions(scope, filters, after))
    .orderBy(...(after.order === 'newest' ? [desc(events.createdAt), desc(events.id)] : [asc(events.seq)]))
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    metadata: r.metadata as Record<string, unknown>,
    personal: r.personal as Record<string, unknown> | null,
  }));
}

const keyOf = (e: AuditEventRow): TimeKey => ({ at: e.createdAt, id: e.id });

export async function searchEvents(
  db: OrgDb,
  scope: OrgScope,
  query: EventFilters & { limit: number; cursor?: string },
): Promise<Page<AuditEventRow>> {
  const key = query.cursor ? decodeCursor(query.cursor, timeKeyCursorSchema) : undefined;
  const rows = await fetchBatch(db, scope, query, query.limit + 1, { order: 'newest', key });
  return toPage(rows, query.limit, keyOf);
}

/**
 * Every matching event, newest first or in chain order (linked events only), fetched in keyset
 * batches: an export of millions of events holds one batch in memory at a time, and each batch is its
 * own scoped transaction, so a slow reader holds no connection between batches
 * (docs/decisions/028-scoped-executor.md).
 */
export async function* streamEvents(
  inOrg: InOrg,
  scope: OrgScope,
  filters: EventFilters,
  order: After['order'] = 'newest',
  batchSize = 1000,
): AsyncGenerator<AuditEventRow> {
  let after: After = order === 'newest' ? { order } : { order, seq: 0 };
  for (;;) {
    const batch = await inOrg((tx) => fetchBatch(tx, scope, filters, batchSize, after));
    yield* batch;
    if (batch.length < batchSize) return;
    const last = batch[batch.length - 1]!;
    after = order === 'newest' ? { order, key: keyOf(last) } : { order, seq: last.seq! };
  }
}
