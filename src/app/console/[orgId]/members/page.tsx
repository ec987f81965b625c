import type { Metadata } from 'next';
import { PageHeader } from '../../../../components/ui/page-header';
import { can } from '../../../../lib/permissions';
import { viewApiKeys } from '../../../../lib/services/api-keys';
import { viewMembers } from '../../../../lib/services/views/members';
import { requireOrgPage } from '../../page-guard';
import { ApiKeysManager } from './api-keys-manager.client';
import { MembersManager } from './members-manager.client';
import { requestNow } from '../../request-now';

export const metadata: Metadata = { title: 'Members' };

// Pages show the first 500 members; the API pages through any number.
const PAGE_LIMIT = 500;

export default async function MembersPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { db, scope } = await requireOrgPage({ params, permission: 'members.manage' });
  const page = await viewMembers(db, scope, { limit: PAGE_LIMIT });
  // Admins and owners hold both permissions; the guard above asked for the first.
  const keys = can(scope.role, 'api_keys.manage') ? await viewApiKeys(db, scope) : null;
  return (
    <>
      <PageHeader
        title="Members"
        description="Who works in this org and with which role, and the API keys its scripts use. Owners alone grant or take away admin and owner."
      />
      <MembersManager
        orgId={scope.orgId}
        members={page.items}
        currentUserId={scope.userId}
        canGrantAdmin={can(scope.role, 'members.grant_admin')}
      />
      {page.nextCursor && (
        <p className="mt-3 text-sm text-muted-foreground">Showing the first {PAGE_LIMIT} members.</p>
      )}
      {keys && (
        <div className="mt-6">
          <ApiKeysManager orgId={scope.orgId} keys={keys.items} now={requestNow()} />
        </div>
      )}
    </>
  );
}
