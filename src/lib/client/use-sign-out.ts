'use client';

import { useRouter } from 'next/navigation';

/** Ends the session on the server, then leaves the console for the sign-in page. */
export function useSignOut(): () => Promise<void> {
  const router = useRouter();
  return async () => {
    await fetch('/api/auth/sign-out', { method: 'POST', credentials: 'same-origin' }).catch(() => undefined);
    router.replace('/sign-in');
    router.refresh();
  };
}
