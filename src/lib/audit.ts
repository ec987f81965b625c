import type { Database } from './db';
import { events } from './database/schema';
import type { MembershipRole } from './domain';
import type { OrgScope } from './scope';

/** The event types of DESIGN.md §6 (and `overview.viewed`: docs/decisions/013-view-services.md). */
export type AuditEventType =
  | 'overview.viewed'
  | 'graph.viewed'
  | 'segments.viewed'
  | 'participants.listed'
  | 'participant.viewed'
  | 'recommendations.viewed'
  | 'recommendation.accepted'
  | 'recommendation.dismissed'
  | 'recommendation.generated'
  | 'intervention.created'
  | 'intervention.reversed'
  | 'participant.stage_changed'
  | 'audit.viewed'
  | 'audit.exported'
  | 'member.added'
  | 'member.role_changed'
  | 'member.removed'
  | 'import.completed'
  | 'access.denied'
  | 'auth.signed_in'
  | 'auth.sign_in_failed';

export interface AuditEvent {
  type: AuditEventType;
  targetType?: string | null;
  targetId?: string | null;
  metadata?: Record<string, unknown>;
}

type Executor = Pick<Database, 'insert'>;

/**
 * Persists one audit event for `scope`'s org, acting as `scope`'s user. Pass the transaction of the
 * action it records: a failed action then leaves no event, a successful one always has its event.
 */
export async function writeAuditEvent(tx: Executor, scope: OrgScope, event: AuditEvent): Promise<void> {
  await writeOrgAuditEvent(tx, scope.orgId, { userId: scope.userId, role: scope.role }, event);
}

/** Several events of one action in one statement (a bulk stage change writes one per participant). */
export async function writeAuditEvents(tx: Executor, scope: OrgScope, list: AuditEvent[]): Promise<void> {
  if (list.length === 0) return;
  await tx.insert(events).values(
    list.map((event) => ({
      orgId: scope.orgId,
      actorUserId: scope.userId,
      actorRole: scope.role,
      eventType: event.type,
      targetType: event.targetType ?? null,
      targetId: event.targetId ?? null,
      metadata: event.metadata ?? {},
    })),
  );
}

/**
 * For events that happen before a scope exists (denied access, sign-ins): the org is known to exist,
 * the actor may be anonymous (null) or a user without a role there.
 */
export async function writeOrgAuditEvent(
  tx: Executor,
  orgId: string,
  actor: { userId: string | null; role: MembershipRole | null },
  event: AuditEvent,
): Promise<void> {
  await tx.insert(events).values({
    orgId,
    actorUserId: actor.userId,
    actorRole: actor.role,
    eventType: event.type,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    metadata: event.metadata ?? {},
  });
}
