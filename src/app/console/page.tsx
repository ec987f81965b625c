import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Card } from '../../components/ui/card';
import { EmptyState } from '../../components/ui/empty-state';
import { appDatabase } from '../../lib/db';
import { ROLE_LABELS } from '../../lib/permissions';
import { unsafeListOrgsOfUser } from '../../lib/repositories/memberships';
import { requirePageUser } from './page-guard';
import { SignOutButton } from './sign-out-button.client';

export const metadata: Metadata = { title: 'Choose an org' };

/** /console: straight to the user's org, or a chooser when they have several. */
export default async function ConsolePage() {
  const { user } = await requirePageUser('/console');
  const orgs = await unsafeListOrgsOfUser((await appDatabase()).db, user.id);
  if (orgs.length === 1) redirect(`/console/${orgs[0]!.orgId}`);
  return (
    <main className="flex min-h-dvh items-center justify-center bg-muted/40 p-4">
      <Card className="w-full max-w-md p-6">
        {orgs.length ? (
          <>
            <h1 className="mb-4 text-xl font-semibold tracking-tight">Choose an org</h1>
            <ul className="grid gap-1">
              {orgs.map((org) => (
                <li key={org.orgId}>
                  <Link
                    href={`/console/${org.orgId}`}
                    className="flex items-center justify-between rounded-md px-3 py-2 font-medium no-underline hover:bg-accent"
                  >
                    {org.orgName}
                    <span className="text-xs text-muted-foreground">{ROLE_LABELS[org.role]}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <EmptyState title="No org yet" className="py-4">
            You are signed in as {user.email}, but not a member of any org. Ask an administrator of your org
            to add you.
          </EmptyState>
        )}
        <div className="mt-4 flex justify-end">
          <SignOutButton />
        </div>
      </Card>
    </main>
  );
}
