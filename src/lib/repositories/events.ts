import { and, eq, gt, gte, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { InOrgWithConnection, OrgDb } from '../database/with-org';
import type { ExportFormat } from '../export-format';
import { exportTime, renderedPages, type ExportColumns } from './export-lines';
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

// Two key probes per row, through this org's memberships so that the email of someone who is not a
// member here (a refused outsider) never reaches this org's log.
const membershipOfActor = and(
  eq(orgMemberships.orgId, events.orgId),
  eq(orgMemberships.userId, events.actorUserId),
);
const userOfMembership = eq(users.id, orgMemberships.userId);
const actorJoins = sql`LEFT JOIN ${orgMemberships} ON ${membershipOfActor} LEFT JOIN ${users} ON ${userOfMembership}`;

const orderOf = (after: After): SQL[] =>
  after.order === 'newest' ? [sql`${events.createdAt} DESC`, sql`${events.id} DESC`] : [sql`${events.seq}`];

async function fetchBatch(db: OrgDb, scope: OrgScope, filters: EventFilters, limit: number, after: After) {
  const rows = await db
    .select(columns)
    .from(events)
    .leftJoin(orgMemberships, membershipOfActor)
    .leftJoin(users, userOfMembership)
    .where(conditions(scope, filters, after))
    .orderBy(...orderOf(after))
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

/** An event as an export writes it (CSV columns in this order), the org along for offline checks. */
const exportColumns: ExportColumns = [
  ['id', sql`${events.id}`],
  ['createdAt', exportTime(events.createdAt, 6)],
  ['eventType', sql`${events.eventType}`],
  ['actorUserId', sql`${events.actorUserId}`],
  ['actorEmail', sql`${users.email}`],
  ['actorRole', sql`${events.actorRole}`],
  ['targetType', sql`${events.targetType}`],
  ['targetId', sql`${events.targetId}`],
  ['metadata', sql`${events.metadata}`],
  // The personal part, its salt and digest (docs/decisions/034): the digest is in the content hash.
  ['personal', sql`${events.personal}`],
  ['personalSalt', sql`${events.personalSalt}`],
  ['personalDigest', sql`${events.personalDigest}`],
  ['seq', sql`${events.seq}`],
  ['prevHash', sql`${events.prevHash}`],
  ['hash', sql`${events.hash}`],
  ['contentHash', sql`${events.contentHash}`],
  // The org, for verifying an export offline: an event's content hash covers it.
  ['orgId', sql`${events.orgId}`],
];

/**
 * Every matching event, newest first or in chain order (linked events only), as export lines rendered
 * by PostgreSQL in keyset pages (docs/decisions/040): an export of millions of events holds a page or
 * two in memory, and each page is its own scoped transaction, so a slow reader holds no connection
 * between pages (docs/decisions/028-scoped-executor.md).
 */
export function exportEventLines(
  inOrg: InOrgWithConnection,
  scope: OrgScope,
  filters: EventFilters,
  format: ExportFormat,
  order: After['order'] = 'newest',
  pageSize = 20_000,
): AsyncGenerator<string | Uint8Array> {
  return renderedPages(inOrg, format, exportColumns, [
    (last) => {
      const after: After =
        order === 'newest'
          ? { order, key: last && { at: last[0]!, id: last[1]! } }
          : { order, seq: last ? Number(last[0]) : 0 };
      return {
        from: sql`FROM ${events} ${actorJoins} WHERE ${conditions(scope, filters, after)}`,
        orderBy: sql.join(orderOf(after), sql`, `),
        limit: pageSize,
        key: order === 'newest' ? [sql`${events.createdAt}`, sql`${events.id}`] : [sql`${events.seq}`],
      };
    },
  ]);
}
