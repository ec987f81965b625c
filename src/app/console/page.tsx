import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { appDatabase } from '../../lib/db';
import { ROLE_LABELS } from '../../lib/permissions';
import { listOrgsOfUser } from '../../lib/repositories/memberships';
import { SignOutButton } from '../../components/sign-out-button';
import { requirePageUser } from './page-session';

export const metadata: Metadata = { title: 'Choose an org' };

/** /console: straight to the user's org, or a chooser when they have several. */
export default async function ConsolePage() {
  const { user } = await requirePageUser('/console');
  const orgs = await listOrgsOfUser((await appDatabase()).db, user.id);
  if (orgs.length === 1) redirect(`/console/${orgs[0]!.orgId}`);
  return (
    <main className="narrow">
      <h1>{orgs.length ? 'Choose an org' : 'No org yet'}</h1>
      {orgs.length ? (
        <ul className="org-list">
          {orgs.map((org) => (
            <li key={org.orgId}>
              <Link href={`/console/${org.orgId}`}>{org.orgName}</Link>{' '}
              <span className="muted">{ROLE_LABELS[org.role]}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="lead">
          You are signed in as {user.email}, but not a member of any org. Ask an administrator of your org to
          add you.
        </p>
      )}
      <SignOutButton />
    </main>
  );
}
