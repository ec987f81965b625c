import type { OrgDb } from './database/with-org';
import { events } from './database/schema';
import type { MembershipRole } from './domain';
import { actorMetadata, auditActor, type OrgScope } from './scope';
import { compiledSql, statementBuilder } from './database/compiled-sql';

/** The event types of DESIGN.md §6 (and `overview.viewed`: docs/decisions/013-view-services.md). */
export type AuditEventType =
  | 'overview.viewed'
  | 'graph.viewed'
  | 'segments.viewed'
  | 'participants.listed'
  | 'participants.exported'
  | 'relationships.exported'
  | 'segment.exported'
  | 'participant.viewed'
  | 'recommendations.viewed'
  | 'recommendation.accepted'
  | 'recommendation.dismissed'
  | 'recommendation.generated'
  | 'intervention.created'
  | 'intervention.reversed'
  | 'intervention.viewed'
  | 'participant.stage_changed'
  | 'audit.viewed'
  | 'audit.exported'
  | 'audit.verified'
  | 'member.added'
  | 'member.role_changed'
  | 'member.removed'
  | 'import.checked'
  | 'import.completed'
  | 'participant.erased'
  | 'audit.stream_created'
  | 'audit.stream_deleted'
  | 'audit.stream_tested'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'api_key.used'
  | 'org.settings_changed'
  | 'job.requested'
  | 'job.cancel_requested'
  | 'access.denied'
  | 'auth.signed_in'
  | 'auth.sign_in_failed';

// The union at run time (the audit log's type filter). A Record keyed by the union, so a type added
// above and forgotten here fails to compile rather than going missing from the filter.
const EVENT_TYPE_SET: Record<AuditEventType, true> = {
  'overview.viewed': true,
  'graph.viewed': true,
  'segments.viewed': true,
  'participants.listed': true,
  'participants.exported': true,
  'relationships.exported': true,
  'segment.exported': true,
  'participant.viewed': true,
  'recommendations.viewed': true,
  'recommendation.accepted': true,
  'recommendation.dismissed': true,
  'recommendation.generated': true,
  'intervention.created': true,
  'intervention.reversed': true,
  'intervention.viewed': true,
  'participant.stage_changed': true,
  'audit.viewed': true,
  'audit.exported': true,
  'audit.verified': true,
  'member.added': true,
  'member.role_changed': true,
  'member.removed': true,
  'import.checked': true,
  'import.completed': true,
  'participant.erased': true,
  'audit.stream_created': true,
  'audit.stream_deleted': true,
  'audit.stream_tested': true,
  'api_key.created': true,
  'api_key.revoked': true,
  'api_key.used': true,
  'org.settings_changed': true,
  'job.requested': true,
  'job.cancel_requested': true,
  'access.denied': true,
  'auth.signed_in': true,
  'auth.sign_in_failed': true,
};

/** Every event type, sorted by name. */
export const AUDIT_EVENT_TYPES = (Object.keys(EVENT_TYPE_SET) as AuditEventType[]).sort();

export interface AuditEvent {
  type: AuditEventType;
  targetType?: string | null;
  targetId?: string | null;
  metadata?: Record<string, unknown>;
  /**
   * What may name a person — a member's free text (reasons, notes) and search terms — kept apart from
   * the metadata so that an erasure can remove it while the chain still verifies (docs/decisions/034).
   * Never a participant's email or name copied on purpose: those are referenced by id.
   */
  personal?: Record<string, unknown>;
}

/** `personal` with its empty members left out, or null when nothing is left. */
function personalOf(event: AuditEvent): Record<string, unknown> | null {
  const entries = Object.entries(event.personal ?? {}).filter(
    ([, v]) => v !== undefined && v !== null && v !== '',
  );
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}

/**
 * Persists one audit event for `scope`'s org, acting as `scope`'s actor (a member, or the system). Pass
 * the transaction of the action it records: a failed action then leaves no event, a successful one
 * always has its event.
 */
export async function writeAuditEvent(tx: OrgDb, scope: OrgScope, event: AuditEvent): Promise<void> {
  await writeOrgAuditEvent(tx, scope.orgId, auditActor(scope), withActor(scope, event));
}

/** An event as `scope`'s actor writes it: an API key names itself in the metadata (decision 033). */
function withActor(scope: OrgScope, event: AuditEvent): AuditEvent {
  const named = actorMetadata(scope);
  return Object.keys(named).length === 0 ? event : { ...event, metadata: { ...event.metadata, ...named } };
}

/**
 * Records that a page of a list was read: the query's filters (all but its limit and cursor), how many
 * were shown, and whether it was the first page or a later one.
 */
export async function writeListPageViewed(
  tx: OrgDb,
  scope: OrgScope,
  type: AuditEventType,
  query: { limit: number; cursor?: string },
  shown: number,
): Promise<void> {
  const { limit: _limit, cursor, ...all } = query;
  const { filters, personal } = splitSearch(all);
  await writeAuditEvent(tx, scope, {
    type,
    targetType: 'org',
    targetId: scope.orgId,
    metadata: { filters, count: shown, page: cursor ? 'next' : 'first' },
    personal,
  });
}

/**
 * A list's or export's filters with the search text (`q`, which may be a person's name or email) moved
 * to the event's personal part.
 */
export function splitSearch<F extends { q?: unknown }>(
  filters: F,
): { filters: Omit<F, 'q'>; personal?: { q: unknown } } {
  const { q, ...rest } = filters;
  return q === undefined || q === '' ? { filters: rest } : { filters: rest, personal: { q } };
}

/** Several events of one action in one statement (a bulk stage change writes one per participant). */
export async function writeAuditEvents(tx: OrgDb, scope: OrgScope, list: AuditEvent[]): Promise<void> {
  if (list.length === 0) return;
  const actor = auditActor(scope);
  await tx.insert(events).values(list.map((given) => eventRow(scope.orgId, actor, withActor(scope, given))));
}

/** Who an event names as its actor: anonymous (null), a user without a role there, or the system. */
type EventActor = { userId: string | null; role: MembershipRole | 'system' | null };

/** An event's columns, as both writers insert them. */
const eventRow = (orgId: string, actor: EventActor, event: AuditEvent) => ({
  orgId,
  actorUserId: actor.userId,
  actorRole: actor.role,
  eventType: event.type,
  targetType: event.targetType ?? null,
  targetId: event.targetId ?? null,
  metadata: event.metadata ?? {},
  personal: personalOf(event),
});

/**
 * For events that happen before a scope exists (denied access, sign-ins): the org is known to exist,
 * the actor may be anonymous (null) or a user without a role there. `tx` is bound to that org
 * (`unsafeWithOrgId`).
 */
export async function writeOrgAuditEvent(
  tx: OrgDb,
  orgId: string,
  actor: EventActor,
  event: AuditEvent,
): Promise<void> {
  await tx.execute(insertEvent(eventRow(orgId, actor, event)));
}

// Every request writes one (decision 052): the statement is built once, its values encoded by the
// columns as drizzle's insert encodes them.
const insertEvent = compiledSql(
  'audit.writeOrgAuditEvent',
  ['orgId', 'actorUserId', 'actorRole', 'eventType', 'targetType', 'targetId', 'metadata', 'personal'],
  (p) => statementBuilder.insert(events).values(p),
);
