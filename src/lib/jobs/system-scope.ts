import { createSystemScope, type OrgScope } from '../scope';

/**
 * The scope a job acts in: its org, with the system as the actor (audit events get actor_user_id null
 * and actor_role 'system'). Unsafe because it checks no membership: only the job runner may make one,
 * for a job row it has claimed (eslint enforces where this is imported).
 */
export function unsafeSystemScope(org: { id: string; name: string; timezone: string }): OrgScope {
  return createSystemScope(org);
}
