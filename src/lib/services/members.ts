import { requirePermission } from '../auth';
import type { Database } from '../db';
import { withOrg, type OrgDb } from '../database/with-org';
import type { MembershipRole } from '../domain';
import { AppError } from '../errors';
import { PRIVILEGED_ROLES } from '../permissions';
import {
  deleteMember,
  findMember,
  findMemberByUserId,
  findUserIdByEmail,
  insertMember,
  lockAndCountOwners,
  updateMemberRole,
  type Member,
} from '../repositories/memberships';
import type { RequestScope } from '../scope';

// Member management rules beyond the role table: only owners grant or take away admin and owner, and
// an org always keeps at least one owner.

function requireGrantIfPrivileged(scope: RequestScope, ...roles: MembershipRole[]): void {
  if (roles.some((role) => PRIVILEGED_ROLES.has(role))) requirePermission(scope, 'members.grant_admin');
}

async function requireMember(db: OrgDb, scope: RequestScope, memberId: string): Promise<Member> {
  const member = await findMember(db, scope, memberId);
  if (!member) throw new AppError('not_found', 'No such member in this org.');
  return member;
}

const LAST_OWNER = 'An org must keep at least one owner: make someone else owner first.';

export async function addMember(
  db: Database,
  scope: RequestScope,
  input: { email: string; role: MembershipRole },
): Promise<Member> {
  requireGrantIfPrivileged(scope, input.role);
  return withOrg(db, scope, async (tx) => {
    const userId = await findUserIdByEmail(tx, input.email);
    if (!userId) {
      throw new AppError(
        'unprocessable',
        'No account has this email; an administrator creates accounts first.',
        [{ path: 'email', message: 'no account with this email' }],
      );
    }
    if (await findMemberByUserId(tx, scope, userId)) {
      throw new AppError('conflict', `${input.email} is already a member of this org.`);
    }
    const memberId = await insertMember(tx, scope, { userId, email: input.email, role: input.role });
    return (await findMember(tx, scope, memberId))!;
  });
}

export async function changeMemberRole(
  db: Database,
  scope: RequestScope,
  memberId: string,
  role: MembershipRole,
): Promise<Member> {
  return withOrg(db, scope, async (tx) => {
    const member = await requireMember(tx, scope, memberId);
    requireGrantIfPrivileged(scope, member.role, role);
    if (member.role === role) return member;
    if (member.role === 'owner' && (await lockAndCountOwners(tx, scope)) <= 1)
      throw new AppError('conflict', LAST_OWNER);
    await updateMemberRole(tx, scope, member, role);
    return { ...member, role };
  });
}

export async function removeMember(db: Database, scope: RequestScope, memberId: string): Promise<void> {
  await withOrg(db, scope, async (tx) => {
    const member = await requireMember(tx, scope, memberId);
    requireGrantIfPrivileged(scope, member.role);
    if (member.role === 'owner' && (await lockAndCountOwners(tx, scope)) <= 1)
      throw new AppError('conflict', LAST_OWNER);
    await deleteMember(tx, scope, member);
  });
}
