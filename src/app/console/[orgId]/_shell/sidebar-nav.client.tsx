'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '../../../../lib/ui/cn';
import { navHref, type NavItem } from '../../../../lib/ui/navigation';
import { NAV_ICONS } from './nav-icons';

/** The console's pages this role may open; the current one is marked for sight and screen readers. */
export function SidebarNav({
  orgId,
  items,
  onNavigate,
}: {
  orgId: string;
  items: NavItem[];
  onNavigate?: () => void;
}) {
  const pathname = usePathname();
  return (
    <nav aria-label="Console" className="grid gap-0.5">
      {items.map((item) => {
        const href = navHref(orgId, item);
        const current =
          item.path === '' ? pathname === href : pathname === href || pathname.startsWith(`${href}/`);
        const Icon = NAV_ICONS[item.key];
        return (
          <Link
            key={item.key}
            href={href}
            onClick={onNavigate}
            aria-current={current ? 'page' : undefined}
            className={cn(
              'flex h-8 items-center gap-2.5 rounded-md px-2.5 text-sm font-medium text-muted-foreground no-underline transition-colors hover:bg-accent hover:text-foreground',
              current && 'bg-accent text-foreground',
            )}
          >
            <Icon aria-hidden className="size-4 shrink-0" />
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
