'use client';

import { useRouter } from 'next/navigation';

export function SignOutButton() {
  const router = useRouter();
  async function signOut() {
    await fetch('/api/auth/sign-out', { method: 'POST', credentials: 'same-origin' }).catch(() => undefined);
    router.replace('/sign-in');
    router.refresh();
  }
  return (
    <button type="button" className="link-button" onClick={signOut}>
      Sign out
    </button>
  );
}
