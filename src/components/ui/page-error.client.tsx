'use client';

import { RotateCwIcon } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { startTransition } from 'react';
import { Alert } from './alert';
import { Button } from './button';
import { PageHeader } from './page-header';

/**
 * A console page whose data could not be read (the database did not answer, say): the page's title,
 * what failed, the error's reference, and a retry. Each feature's error.tsx renders it.
 */
export function PageError({
  title,
  what,
  error,
  reset,
}: {
  title: string;
  /** "The audit log", "The participants"… */
  what: string;
  error: Error & { digest?: string };
  reset: () => void;
}) {
  const router = useRouter();
  const retry = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });
  return (
    <>
      <PageHeader title={title} />
      <Alert
        variant="error"
        title={`${what} could not be loaded`}
        action={
          <Button variant="outline" size="sm" onClick={retry}>
            <RotateCwIcon aria-hidden /> Retry
          </Button>
        }
      >
        The server did not answer as expected. Try again in a moment
        {error.digest ? ` (reference ${error.digest})` : ''}.
      </Alert>
    </>
  );
}
