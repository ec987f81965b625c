'use client';

import { LogOutIcon } from 'lucide-react';
import { Button } from '../../components/ui/button';
import { useSignOut } from '../../lib/client/use-sign-out';

export function SignOutButton() {
  const signOut = useSignOut();
  return (
    <Button variant="ghost" size="sm" onClick={signOut}>
      <LogOutIcon aria-hidden /> Sign out
    </Button>
  );
}
