'use client';

import { RotateCwIcon } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { startTransition } from 'react';
import { Alert } from '../../../../../components/ui/alert';
import { Button } from '../../../../../components/ui/button';
import { PageHeader } from '../../../../../components/ui/page-header';

/** The first page could not be read (the database was unreachable, say): say so and offer a retry. */
export default function ParticipantsError({
  error,
  reset,
}: {
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
      <PageHeader title="Participants" />
      <Alert
        variant="error"
        title="The participants could not be loaded"
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
