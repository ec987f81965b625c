'use client';

import { LogOutIcon, UserIcon } from 'lucide-react';
import { Button } from '../../../../components/ui/button';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '../../../../components/ui/dropdown-menu';
import { useSignOut } from '../../../../lib/client/use-sign-out';

export function UserMenu({ email, roleLabel }: { email: string; roleLabel: string }) {
  const signOut = useSignOut();
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={`Account: ${email}`} className="gap-2">
          <span
            aria-hidden
            className="flex size-6 items-center justify-center rounded-full bg-muted text-xs font-semibold uppercase"
          >
            {email.slice(0, 1)}
          </span>
          <span className="hidden max-w-48 truncate text-sm lg:inline">{email}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-60">
        <DropdownMenuLabel className="grid gap-0.5">
          <span className="flex items-center gap-1.5 text-sm text-foreground">
            <UserIcon aria-hidden className="size-3.5" />
            <span className="truncate">{email}</span>
          </span>
          <span>{roleLabel} in this org</span>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={signOut}>
          <LogOutIcon aria-hidden /> Sign out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
