import Link from 'next/link';
import type { ReactNode } from 'react';
import { OrgSwitcher } from '../../../components/org-switcher';
import { SignOutButton } from '../../../components/sign-out-button';
import { appDatabase } from '../../../lib/db';
import { can, ROLE_LABELS } from '../../../lib/permissions';
import { listOrgsOfUser } from '../../../lib/repositories/memberships';
import { pageScope } from '../page-session';

export default async function OrgLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ orgId: string }>;
}) {
  const { orgId } = await params;
  const { user, scope } = await pageScope(orgId, `/console/${orgId}`);
  const orgs = await listOrgsOfUser((await appDatabase()).db, user.user.id);
  return (
    <>
      <header className="console-header">
        <Link href="/console" className="brand">
          Operator Console
        </Link>
        {scope && <OrgSwitcher orgs={orgs} current={scope.orgId} />}
        {scope && (
          <nav>
            <Link href={`/console/${scope.orgId}`}>Overview</Link>
            {can(scope.role, 'members.manage') && (
              <Link href={`/console/${scope.orgId}/members`}>Members</Link>
            )}
          </nav>
        )}
        <span className="whoami">
          {user.user.email}
          {scope && <span className="badge">{ROLE_LABELS[scope.role]}</span>}
        </span>
        <SignOutButton />
      </header>
      {scope ? (
        children
      ) : (
        <main className="narrow">
          <h1>No access</h1>
          <p className="lead">You are not a member of this org, or it does not exist.</p>
          <Link href="/console">Go to your orgs</Link>
        </main>
      )}
    </>
  );
}
