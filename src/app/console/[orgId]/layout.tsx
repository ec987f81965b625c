import type { ReactNode } from 'react';
import { ROLE_LABELS } from '../../../lib/permissions';
import { navItemsFor } from '../../../lib/ui/navigation';
import { requireOrgPage } from '../page-guard';
import { CommandPalette } from './_shell/command-palette.client';
import { MobileNav } from './_shell/mobile-nav.client';
import { OrgSwitcher } from './_shell/org-switcher.client';
import { SidebarNav } from './_shell/sidebar-nav.client';
import { ThemeToggle } from './_shell/theme-toggle.client';
import { UserMenu } from './_shell/user-menu.client';

/** The console shell: org switcher and navigation beside, search, theme and account above the page. */
export default async function OrgLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ orgId: string }>;
}) {
  const { user, scope, orgs } = await requireOrgPage({ params });
  const items = navItemsFor(scope.role);
  const switcher = <OrgSwitcher orgs={orgs} currentOrgId={scope.orgId} />;
  return (
    <div className="flex min-h-dvh">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-popover focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <aside className="sticky top-0 hidden h-dvh w-60 shrink-0 flex-col gap-4 border-r border-border bg-card/60 p-3 md:flex">
        {switcher}
        <SidebarNav orgId={scope.orgId} items={items} />
        <p className="mt-auto px-2 text-xs text-muted-foreground">Operator Console</p>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex h-12 items-center gap-2 border-b border-border bg-background/85 px-3 backdrop-blur md:px-5">
          <MobileNav orgId={scope.orgId} items={items} header={switcher} />
          <CommandPalette orgId={scope.orgId} items={items} />
          <div className="ml-auto flex items-center gap-1">
            <ThemeToggle />
            <UserMenu email={user.user.email} roleLabel={ROLE_LABELS[scope.role]} />
          </div>
        </header>
        <main id="main" className="mx-auto w-full max-w-[1440px] flex-1 px-3 py-5 md:px-6">
          {children}
        </main>
      </div>
    </div>
  );
}
