import type { Metadata } from 'next';
import { appDatabase } from '../../../../lib/db';
import { can } from '../../../../lib/permissions';
import { listMembers } from '../../../../lib/repositories/memberships';
import { pageScope } from '../../page-session';
import { MembersManager } from './members-manager';

export const metadata: Metadata = { title: 'Members' };

// Pages show the first 500 members; the API pages through any number.
const PAGE_LIMIT = 500;

export default async function MembersPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const { scope } = await pageScope(orgId, `/console/${orgId}/members`);
  if (!scope) return null;
  if (!can(scope.role, 'members.manage')) {
    return (
      <main>
        <h1>Members</h1>
        <p className="lead">Managing members needs the admin or owner role.</p>
      </main>
    );
  }
  const page = await listMembers((await appDatabase()).db, scope, { limit: PAGE_LIMIT });
  return (
    <main>
      <h1>Members</h1>
      <MembersManager
        orgId={scope.orgId}
        members={page.items}
        currentUserId={scope.userId}
        canGrantAdmin={can(scope.role, 'members.grant_admin')}
      />
      {page.nextCursor && <p className="muted">Showing the first {PAGE_LIMIT} members.</p>}
    </main>
  );
}
