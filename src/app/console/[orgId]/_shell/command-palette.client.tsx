'use client';

import { SearchIcon, UserIcon } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Button } from '../../../../components/ui/button';
import {
  Command,
  CommandEmpty,
  CommandGroup,
  CommandInput,
  CommandItem,
  CommandList,
  CommandLoading,
} from '../../../../components/ui/command';
import { Dialog, DialogContent, DialogDescription, DialogTitle } from '../../../../components/ui/dialog';
import { Kbd } from '../../../../components/ui/kbd';
import { api, data, type ApiProblem } from '../../../../lib/client/api';
import { navHref, type NavItem } from '../../../../lib/ui/navigation';
import { NAV_ICONS } from './nav-icons';

interface Found {
  id: string;
  displayName: string;
  email: string | null;
}

/** Searches participants by name or email as the user types, a short pause after the last key. */
function useParticipantSearch(orgId: string, query: string, enabled: boolean) {
  const [found, setFound] = useState<Found[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const term = query.trim();
  useEffect(() => {
    if (!enabled || term.length < 2) return;
    let stale = false;
    const timer = setTimeout(async () => {
      setLoading(true);
      try {
        const page = await data(
          api.GET('/api/orgs/{orgId}/participants', {
            params: { path: { orgId }, query: { q: term, limit: 8 } },
          }),
        );
        if (!stale) {
          setFound(page.items);
          setError(null);
        }
      } catch (problem) {
        if (!stale) setError((problem as ApiProblem).summary);
      } finally {
        if (!stale) setLoading(false);
      }
    }, 200);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [orgId, term, enabled]);
  return term.length < 2 ? { found: [], loading: false, error: null } : { found, loading, error };
}

/** ⌘K / Ctrl-K: jump to a page, or find a participant by name or email. */
export function CommandPalette({ orgId, items }: { orgId: string; items: NavItem[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const { found, loading, error } = useParticipantSearch(orgId, query, open);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key.toLowerCase() === 'k' && (event.metaKey || event.ctrlKey)) {
        event.preventDefault();
        setOpen((was) => !was);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  function go(href: string) {
    setOpen(false);
    setQuery('');
    router.push(href);
  }

  return (
    <>
      <Button
        variant="outline"
        size="sm"
        onClick={() => setOpen(true)}
        className="w-full max-w-72 min-w-0 shrink justify-start gap-2 text-muted-foreground"
        aria-keyshortcuts="Control+K Meta+K"
      >
        <SearchIcon aria-hidden />
        <span className="flex-1 text-left">Search or jump to…</span>
        <Kbd className="hidden sm:inline-flex">Ctrl K</Kbd>
      </Button>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent className="max-w-xl gap-0 overflow-hidden p-0">
          <DialogTitle className="sr-only">Command palette</DialogTitle>
          <DialogDescription className="sr-only">
            Jump to a page or find a participant by name or email.
          </DialogDescription>
          <Command shouldFilter={false} label="Command palette">
            <CommandInput
              placeholder="Type a page, a name or an email…"
              value={query}
              onValueChange={setQuery}
            />
            <CommandList>
              {loading && <CommandLoading>Searching participants…</CommandLoading>}
              {error && <p className="px-3 py-2 text-sm text-destructive">{error}</p>}
              <CommandEmpty>Nothing matches “{query}”.</CommandEmpty>
              {found.length > 0 && (
                <CommandGroup heading="Participants">
                  {found.map((participant) => (
                    <CommandItem
                      key={participant.id}
                      value={`participant-${participant.id}`}
                      onSelect={() => go(`/console/${orgId}/participants/${participant.id}`)}
                    >
                      <UserIcon aria-hidden />
                      <span className="truncate">{participant.displayName}</span>
                      <span className="ml-auto truncate text-xs text-muted-foreground">
                        {participant.email}
                      </span>
                    </CommandItem>
                  ))}
                </CommandGroup>
              )}
              <CommandGroup heading="Pages">
                {items
                  .filter((item) => item.label.toLowerCase().includes(query.trim().toLowerCase()))
                  .map((item) => {
                    const Icon = NAV_ICONS[item.key];
                    return (
                      <CommandItem
                        key={item.key}
                        value={`page-${item.key}`}
                        onSelect={() => go(navHref(orgId, item))}
                      >
                        <Icon aria-hidden />
                        {item.label}
                        <span className="ml-auto text-xs text-muted-foreground">{item.description}</span>
                      </CommandItem>
                    );
                  })}
              </CommandGroup>
            </CommandList>
          </Command>
        </DialogContent>
      </Dialog>
    </>
  );
}
