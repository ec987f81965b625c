'use client';

import { CheckIcon, ChevronsUpDownIcon } from 'lucide-react';
import { useRouter } from 'next/navigation';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuTrigger,
} from '../../../../components/ui/dropdown-menu';
import type { MembershipRole } from '../../../../lib/domain';
import { ROLE_LABELS } from '../../../../lib/permissions';

interface OrgOption {
  orgId: string;
  orgName: string;
  role: MembershipRole;
}

/** The current org; with several, a menu to switch (to the same page's overview in the other org). */
export function OrgSwitcher({ orgs, currentOrgId }: { orgs: OrgOption[]; currentOrgId: string }) {
  const router = useRouter();
  const current = orgs.find((org) => org.orgId === currentOrgId);
  return (
    <DropdownMenu>
      <DropdownMenuTrigger
        aria-label={`Org: ${current?.orgName ?? ''}. Switch org`}
        className="flex w-full cursor-pointer items-center gap-2 rounded-md px-2 py-1.5 text-left hover:bg-accent"
      >
        <span
          aria-hidden
          className="flex size-7 shrink-0 items-center justify-center rounded-md bg-primary text-xs font-semibold text-primary-foreground"
        >
          {current?.orgName.slice(0, 1).toUpperCase()}
        </span>
        <span className="grid min-w-0 flex-1 leading-tight">
          <span className="truncate text-sm font-semibold">{current?.orgName}</span>
          <span className="truncate text-xs text-muted-foreground">
            {current && ROLE_LABELS[current.role]}
          </span>
        </span>
        <ChevronsUpDownIcon aria-hidden className="size-4 text-muted-foreground" />
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" className="w-64">
        <DropdownMenuLabel>Your orgs</DropdownMenuLabel>
        {orgs.map((org) => (
          <DropdownMenuItem key={org.orgId} onSelect={() => router.push(`/console/${org.orgId}`)}>
            <span className="flex-1 truncate">{org.orgName}</span>
            <span className="text-xs text-muted-foreground">{ROLE_LABELS[org.role]}</span>
            {org.orgId === currentOrgId && <CheckIcon aria-label="current" className="size-4" />}
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
