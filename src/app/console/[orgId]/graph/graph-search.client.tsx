'use client';

import { SearchIcon } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import { StageBadge } from '../../../../components/ui/stage-badge';
import { searchNodes, type CompactGraph } from '../../../../components/graph/graph-model';
import { api, data } from '../../../../lib/client/api';
import type { LifecycleStage } from '../../../../lib/domain';
import { cn } from '../../../../lib/ui/cn';

export type SearchResult =
  | { kind: 'drawn'; index: number; label: string; stage: LifecycleStage }
  | { kind: 'elsewhere'; id: string; label: string; stage: LifecycleStage };

/**
 * Find a participant by name: those drawn fly into view; when the canvas shows only part of the org
 * (overview or a neighbourhood), the org API finds the others, and choosing one focuses on it.
 */
export function GraphSearch({
  orgId,
  graph,
  partial,
  onChoose,
}: {
  orgId: string;
  graph: CompactGraph | null;
  partial: boolean;
  onChoose: (result: SearchResult) => void;
}) {
  const listId = useId();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [remote, setRemote] = useState<{ q: string; results: SearchResult[] }>({ q: '', results: [] });
  const q = query.trim();
  const remoteResults = partial && q.length >= 2 && remote.q === q ? remote.results : [];

  const drawn: SearchResult[] = graph
    ? searchNodes(graph.nodes.label, query).map((index) => ({
        kind: 'drawn',
        index,
        label: graph.nodes.label[index]!,
        stage: graph.nodes.lifecycleStage[index]!,
      }))
    : [];
  const drawnIds = new Set(drawn.map((r) => (r.kind === 'drawn' ? graph!.nodes.id[r.index] : '')));
  const results = [
    ...drawn,
    ...remoteResults.filter((r) => r.kind === 'elsewhere' && !drawnIds.has(r.id)).slice(0, 8 - drawn.length),
  ];

  useEffect(() => {
    if (!partial || q.length < 2) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      data(
        api.GET('/api/orgs/{orgId}/participants', {
          params: { path: { orgId }, query: { q, limit: 8 } },
          signal: controller.signal,
        }),
      )
        .then((page) =>
          setRemote({
            q,
            results: page.items.map((p) => ({
              kind: 'elsewhere' as const,
              id: p.id,
              label: p.displayName,
              stage: p.lifecycleStage,
            })),
          }),
        )
        .catch(() => setRemote({ q, results: [] }));
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [orgId, partial, q]);

  const choose = (result: SearchResult | undefined) => {
    if (!result) return;
    onChoose(result);
    setOpen(false);
    setQuery(result.label);
  };

  return (
    <div className="relative w-full sm:w-64">
      <SearchIcon
        aria-hidden
        className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground"
      />
      <input
        type="search"
        role="combobox"
        aria-label="Find a participant in the graph"
        aria-expanded={open && results.length > 0}
        aria-controls={listId}
        aria-activedescendant={open && results[active] ? `${listId}-${active}` : undefined}
        aria-autocomplete="list"
        placeholder="Find a participant…"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            setActive((a) => Math.min(a + 1, results.length - 1));
          } else if (event.key === 'ArrowUp') {
            event.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (event.key === 'Enter') {
            event.preventDefault();
            choose(results[active]);
          } else if (event.key === 'Escape') {
            setOpen(false);
          }
        }}
        className="h-8 w-full rounded-md border border-input bg-background pr-2 pl-8 text-sm outline-none placeholder:text-muted-foreground focus-visible:outline-2 focus-visible:outline-solid focus-visible:outline-offset-1 focus-visible:outline-ring"
      />
      {open && query.trim() && (
        <ul
          id={listId}
          role="listbox"
          aria-label="Participants found"
          className="absolute top-9 left-0 z-30 max-h-80 w-full min-w-64 overflow-y-auto rounded-md border border-border bg-popover p-1 text-sm shadow-lg"
        >
          {results.length === 0 && (
            <li className="px-2 py-1.5 text-muted-foreground" role="presentation">
              No participant by that name{partial && query.trim().length < 2 ? ' — type more' : ''}.
            </li>
          )}
          {results.map((result, i) => (
            <li
              key={result.kind === 'drawn' ? `d${result.index}` : `e${result.id}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(event) => {
                event.preventDefault();
                choose(result);
              }}
              onMouseEnter={() => setActive(i)}
              className={cn(
                'flex cursor-pointer items-center gap-2 rounded px-2 py-1.5',
                i === active && 'bg-accent',
              )}
            >
              <span className="min-w-0 flex-1 truncate">{result.label}</span>
              {result.kind === 'elsewhere' && (
                <span className="text-xs text-muted-foreground">not drawn · focus</span>
              )}
              <StageBadge stage={result.stage} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
