import type { MembershipRole } from './domain';

declare const verified: unique symbol;

/** Who acts in a scope: a member of the org, or the system (a background job). */
export type ScopeActor =
  | { readonly kind: 'user'; readonly userId: string; readonly email: string; readonly role: MembershipRole }
  | { readonly kind: 'system' };

/**
 * A verified org scope: the org and who acts in it. Every repository function takes one instead of a
 * raw org id, so an unchecked id from a request cannot reach a query (it does not type-check). Only two
 * places make one: `resolveOrgContext` (src/lib/auth.ts), after checking the membership in the
 * database, and the job runner's `unsafeSystemScope` (src/lib/jobs/system-scope.ts), for work no user
 * asked for at that moment. Audit events take their actor from it.
 */
export interface OrgScope {
  readonly orgId: string;
  readonly orgName: string;
  readonly timezone: string;
  readonly actor: ScopeActor;
  readonly [verified]: true;
}

/** A member's scope: what requests and pages hold, and what acting as an operator needs. */
export interface MemberScope extends OrgScope {
  readonly actor: Extract<ScopeActor, { kind: 'user' }>;
  readonly userId: string;
  readonly userEmail: string;
  readonly role: MembershipRole;
}

/** For resolveOrgContext only. */
export function createOrgScope(fields: {
  orgId: string;
  orgName: string;
  timezone: string;
  userId: string;
  userEmail: string;
  role: MembershipRole;
}): MemberScope {
  const actor = { kind: 'user', userId: fields.userId, email: fields.userEmail, role: fields.role } as const;
  return Object.freeze({ ...fields, actor: Object.freeze(actor) }) as MemberScope;
}

/** For the job runner only (src/lib/jobs/system-scope.ts). */
export function createSystemScope(org: { id: string; name: string; timezone: string }): OrgScope {
  return Object.freeze({
    orgId: org.id,
    orgName: org.name,
    timezone: org.timezone,
    actor: Object.freeze({ kind: 'system' }),
  }) as OrgScope;
}

/** The audit columns of an actor: the system writes `actor_user_id = null, actor_role = 'system'`. */
export function auditActor(scope: OrgScope): { userId: string | null; role: MembershipRole | 'system' } {
  return scope.actor.kind === 'user'
    ? { userId: scope.actor.userId, role: scope.actor.role }
    : { userId: null, role: 'system' };
}
