import type { MembershipRole } from './domain';

declare const verified: unique symbol;

/** Who acts in a scope: a member of the org, one of its API keys, or the system (a background job). */
export type ScopeActor =
  | { readonly kind: 'user'; readonly userId: string; readonly email: string; readonly role: MembershipRole }
  | {
      readonly kind: 'api_key';
      readonly keyId: string;
      readonly prefix: string;
      readonly role: MembershipRole;
    }
  | { readonly kind: 'system' };

/**
 * A verified org scope: the org and who acts in it. Every repository function takes one instead of a
 * raw org id, so an unchecked id from a request cannot reach a query (it does not type-check). Only
 * three places make one: `resolveOrgContext` (src/lib/auth.ts), after checking the membership in the
 * database, `resolveApiKeyContext` (src/lib/api-keys.ts), after checking the key, and the job runner's
 * `unsafeSystemScope` (src/lib/jobs/system-scope.ts), for work no one asked for at that moment. Audit
 * events take their actor from it.
 */
export interface OrgScope {
  readonly orgId: string;
  readonly orgName: string;
  readonly timezone: string;
  readonly actor: ScopeActor;
  readonly [verified]: true;
}

/** What a request acts as: a member signed in, or an API key with a role (docs/decisions/033). */
export interface RequestScope extends OrgScope {
  readonly actor: Extract<ScopeActor, { kind: 'user' | 'api_key' }>;
  /** The signed-in member; null for an API key (columns such as an intervention's author stay empty). */
  readonly userId: string | null;
  /** Whose share of the rate limits and heavy slots a request uses: the user's or the key's id. */
  readonly principalId: string;
  readonly role: MembershipRole;
}

/** A member's scope: what pages hold (always signed in), and requests made with a session. */
export interface MemberScope extends RequestScope {
  readonly actor: Extract<ScopeActor, { kind: 'user' }>;
  readonly userId: string;
  readonly userEmail: string;
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
  return Object.freeze({ ...fields, principalId: fields.userId, actor: Object.freeze(actor) }) as MemberScope;
}

/** For resolveApiKeyContext only. */
export function createApiKeyScope(fields: {
  orgId: string;
  orgName: string;
  timezone: string;
  keyId: string;
  prefix: string;
  role: MembershipRole;
}): RequestScope {
  const actor = { kind: 'api_key', keyId: fields.keyId, prefix: fields.prefix, role: fields.role } as const;
  return Object.freeze({
    orgId: fields.orgId,
    orgName: fields.orgName,
    timezone: fields.timezone,
    userId: null,
    principalId: fields.keyId,
    role: fields.role,
    actor: Object.freeze(actor),
  }) as RequestScope;
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

/**
 * The audit columns of an actor: the system writes `actor_user_id = null, actor_role = 'system'`; an
 * API key writes null and its role, and names itself in the event's metadata (`keyMetadata`).
 */
export function auditActor(scope: OrgScope): { userId: string | null; role: MembershipRole | 'system' } {
  switch (scope.actor.kind) {
    case 'user':
      return { userId: scope.actor.userId, role: scope.actor.role };
    case 'api_key':
      return { userId: null, role: scope.actor.role };
    case 'system':
      return { userId: null, role: 'system' };
  }
}

/** What an event's metadata says of its actor beyond the columns: which API key, when one acted. */
export function actorMetadata(scope: OrgScope): Record<string, string> {
  return scope.actor.kind === 'api_key'
    ? { actorType: 'api_key', apiKeyId: scope.actor.keyId, apiKeyPrefix: scope.actor.prefix }
    : {};
}
