import type { MembershipRole } from './domain';

declare const verified: unique symbol;

/**
 * The verified org scope: the org in the URL, the signed-in user, and their role there. Only
 * `resolveOrgContext` (src/lib/auth.ts) makes one, after checking the membership in the database; every
 * repository function takes it instead of a raw org id, so an unchecked id from a request cannot reach
 * a query (it does not type-check).
 */
export interface OrgScope {
  readonly orgId: string;
  readonly orgName: string;
  readonly timezone: string;
  readonly userId: string;
  readonly userEmail: string;
  readonly role: MembershipRole;
  readonly [verified]: true;
}

/** For resolveOrgContext only. */
export function createOrgScope(fields: Omit<OrgScope, typeof verified>): OrgScope {
  return Object.freeze({ ...fields }) as OrgScope;
}
