import { CompassIcon } from 'lucide-react';
import Link from 'next/link';
import { buttonVariants } from '../components/ui/button';
import { EmptyState } from '../components/ui/empty-state';

export default function NotFound() {
  return (
    <main className="flex min-h-[60vh] items-center justify-center p-6">
      <EmptyState
        icon={CompassIcon}
        title="Page not found"
        action={
          <Link href="/console" className={buttonVariants({ variant: 'outline' })}>
            Back to the console
          </Link>
        }
      >
        There is no page at this address, or what it showed is not in this org.
      </EmptyState>
    </main>
  );
}
