import { ShieldOffIcon } from 'lucide-react';
import Link from 'next/link';
import { buttonVariants } from '../components/ui/button';
import { EmptyState } from '../components/ui/empty-state';

/** No access to an org: not a member, or no such org (one answer for both, docs/decisions/009). */
export default function Forbidden() {
  return (
    <main className="flex min-h-dvh items-center justify-center p-6">
      <EmptyState
        icon={ShieldOffIcon}
        title="No access"
        action={
          <Link href="/console" className={buttonVariants({ variant: 'outline' })}>
            Go to your orgs
          </Link>
        }
      >
        You are not a member of this org, or it does not exist.
      </EmptyState>
    </main>
  );
}
