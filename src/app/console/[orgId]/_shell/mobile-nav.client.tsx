'use client';

import { MenuIcon } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { Button } from '../../../../components/ui/button';
import { Dialog, DialogTitle, DialogTrigger, SheetContent } from '../../../../components/ui/dialog';
import type { NavItem } from '../../../../lib/ui/navigation';
import { SidebarNav } from './sidebar-nav.client';

/** On narrow screens the navigation opens as a panel from the menu button. */
export function MobileNav({ orgId, items, header }: { orgId: string; items: NavItem[]; header: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="icon" className="md:hidden" aria-label="Open navigation">
          <MenuIcon aria-hidden />
        </Button>
      </DialogTrigger>
      <SheetContent className="right-auto left-0 max-w-72 border-r border-l-0">
        <DialogTitle className="sr-only">Navigation</DialogTitle>
        {header}
        <SidebarNav orgId={orgId} items={items} onNavigate={() => setOpen(false)} />
      </SheetContent>
    </Dialog>
  );
}
