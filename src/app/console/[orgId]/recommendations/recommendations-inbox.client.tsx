'use client';

import { CheckIcon, InboxIcon, KeyboardIcon, ListFilterIcon, RotateCwIcon, XIcon } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useQueryStates } from 'nuqs';
import { useCallback, useEffect, useRef, useState, useTransition, type ReactNode } from 'react';
import { Alert } from '../../../../components/ui/alert';
import { Button } from '../../../../components/ui/button';
import { Checkbox } from '../../../../components/ui/checkbox';
import { EmptyState } from '../../../../components/ui/empty-state';
import { Label, NativeSelect } from '../../../../components/ui/input';
import { Kbd } from '../../../../components/ui/kbd';
import { PageHeader } from '../../../../components/ui/page-header';
import { Spinner } from '../../../../components/ui/skeleton';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../../../components/ui/tabs';
import {
  RECOMMENDATION_STATUSES,
  RECOMMENDATION_TARGET_TYPES,
  type RecommendationStatus,
} from '../../../../lib/domain';
import { cn } from '../../../../lib/ui/cn';
import { DecisionDialog, type DecisionRequest } from './decision-dialog.client';
import type { Decision } from './inbox-state';
import { RecommendationCard } from './recommendation-card.client';
import { shortcutFor } from './recommendation-shortcuts';
import { actionLabel, TARGET_TYPE_LABELS } from './recommendation-text';
import {
  actionOptions,
  hasFilters,
  recommendationSearchParams,
  tabCounts,
  type RecommendationFacet,
  type RecommendationListFilters,
} from './recommendations-params';
import { ShortcutsHelp } from './shortcuts-help.client';
import { useInbox, type InboxPage } from './use-inbox.client';

const TAB_LABELS: Record<RecommendationStatus, string> = {
  pending: 'Pending',
  accepted: 'Accepted',
  dismissed: 'Dismissed',
  superseded: 'Superseded',
};

/**
 * The recommendations inbox. The tab and filters live in the URL; changing them re-renders the page on
 * the server (shallow: false), which reads and audits the first page through the view service. Later
 * pages and every decision go through the org API.
 */
export function RecommendationsInbox({
  orgId,
  now,
  canDecide,
  filters,
  initialPage,
  facets,
  atlas,
}: {
  orgId: string;
  now: number;
  /** recommendations.decide: whether to offer accept, dismiss and selection at all. */
  canDecide: boolean;
  /** The filters the server read `initialPage` with. */
  filters: RecommendationListFilters;
  initialPage: InboxPage;
  facets: RecommendationFacet[];
  /** Shown between the title and the tabs (the Atlas panel). */
  atlas?: ReactNode;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [url, setUrl] = useQueryStates(recommendationSearchParams, {
    shallow: false,
    history: 'push',
    startTransition,
  });
  const loadedUrl = { action: filters.suggestedAction ?? null, target: filters.targetType ?? null };
  const inbox = useInbox({
    orgId,
    filters,
    initialPage,
    counts: tabCounts(facets, loadedUrl),
    onIntervention: (id) => router.push(`/console/${orgId}/interventions/${id}`),
  });
  const [prompt, setPrompt] = useState<DecisionRequest | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const focusedId = useRef<string | null>(null);
  const cards = useRef(new Map<string, HTMLElement>());
  const decidable = canDecide && filters.status === 'pending';

  const focusCard = useCallback((id: string | undefined) => {
    if (!id) return;
    const element = cards.current.get(id);
    element?.focus();
    element?.scrollIntoView({ block: 'nearest' });
  }, []);

  const ask = useCallback(
    (decision: Decision, ids: string[]) => {
      const recs = inbox.items.filter((r) => ids.includes(r.id));
      if (recs.length > 0) setPrompt({ decision, recs });
    },
    [inbox.items],
  );

  /** The selection, or else the card in focus: what a or d acts on. */
  const targetsOfShortcut = useCallback(() => {
    if (inbox.selected.size > 0) return [...inbox.selected];
    return focusedId.current && inbox.items.some((r) => r.id === focusedId.current)
      ? [focusedId.current]
      : [];
  }, [inbox.items, inbox.selected]);

  async function confirm(input: { reason?: string; intervene: boolean }) {
    if (!prompt) return;
    const ids = prompt.recs.map((r) => r.id);
    // The focus goes to the card after the last one decided (or before, at the end of the list).
    const remaining = inbox.items.filter((r) => !ids.includes(r.id));
    const lastIndex = Math.max(...ids.map((id) => inbox.items.findIndex((r) => r.id === id)));
    const next = inbox.items.slice(lastIndex + 1).find((r) => !ids.includes(r.id)) ?? remaining.at(-1);
    setPrompt(null);
    focusedId.current = next?.id ?? null;
    requestAnimationFrame(() => focusCard(next?.id));
    await inbox.decide(prompt.recs, prompt.decision, input);
  }

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (prompt || helpOpen) return;
      const action = shortcutFor(event, { canDecide: decidable });
      if (!action) return;
      event.preventDefault();
      const ids = inbox.items.map((r) => r.id);
      const at = focusedId.current ? ids.indexOf(focusedId.current) : -1;
      if (action === 'help') setHelpOpen(true);
      else if (action === 'next') focusCard(ids[at < 0 ? 0 : Math.min(at + 1, ids.length - 1)]);
      else if (action === 'previous') focusCard(ids[at < 0 ? 0 : Math.max(at - 1, 0)]);
      else if (action === 'toggleSelection' && at >= 0) {
        const id = ids[at]!;
        inbox.setSelected((current) => {
          const next = new Set(current);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          return next;
        });
      } else if (action === 'accept' || action === 'dismiss') {
        ask(action === 'accept' ? 'accepted' : 'dismissed', targetsOfShortcut());
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [ask, decidable, focusCard, helpOpen, inbox, prompt, targetsOfShortcut]);

  const options = actionOptions(facets, url);
  const filtered = hasFilters(url);
  const allIds = inbox.items.map((r) => r.id);
  const selectedCount = allIds.filter((id) => inbox.selected.has(id)).length;

  return (
    <>
      <PageHeader
        title="Recommendations"
        description="What Atlas suggests, why, and today's figures behind it. Accept to act on it, or dismiss it with a reason."
        actions={
          // Hidden on phone-sized screens, which rarely have a keyboard.
          <Button
            variant="ghost"
            size="sm"
            className="hidden sm:inline-flex"
            onClick={() => setHelpOpen(true)}
          >
            <KeyboardIcon aria-hidden /> Shortcuts <Kbd>?</Kbd>
          </Button>
        }
      />
      {atlas}
      <Tabs value={url.tab} onValueChange={(tab) => void setUrl({ tab: tab as RecommendationStatus })}>
        <div className="flex flex-wrap items-end justify-between gap-3 pb-4">
          <TabsList aria-label="Recommendations by status">
            {RECOMMENDATION_STATUSES.map((status) => (
              <TabsTrigger key={status} value={status}>
                {TAB_LABELS[status]}
                <span className="rounded bg-muted-foreground/10 px-1 text-xs tabular-nums text-muted-foreground">
                  {inbox.counts[status].toLocaleString('en')}
                </span>
              </TabsTrigger>
            ))}
          </TabsList>
          <div
            className="grid w-full grid-cols-2 items-end gap-2 sm:flex sm:w-auto"
            role="group"
            aria-label="Filters"
          >
            <div className="grid gap-1">
              <Label htmlFor="rec-action">Action</Label>
              <NativeSelect
                id="rec-action"
                className="sm:w-52"
                value={url.action ?? ''}
                onChange={(event) => void setUrl({ action: event.target.value || null })}
              >
                <option value="">All actions</option>
                {options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {actionLabel({ suggestedAction: o.value, target: null })} ({o.count})
                  </option>
                ))}
              </NativeSelect>
            </div>
            <div className="grid gap-1">
              <Label htmlFor="rec-target">Target</Label>
              <NativeSelect
                id="rec-target"
                className="sm:w-40"
                value={url.target ?? ''}
                onChange={(event) =>
                  void setUrl({ target: (event.target.value || null) as (typeof url)['target'] })
                }
              >
                <option value="">All targets</option>
                {RECOMMENDATION_TARGET_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {TARGET_TYPE_LABELS[type]}
                  </option>
                ))}
              </NativeSelect>
            </div>
            {filtered && (
              <Button
                variant="ghost"
                className="col-span-2 justify-self-start"
                onClick={() => void setUrl({ action: null, target: null })}
              >
                <XIcon aria-hidden /> Clear
              </Button>
            )}
          </div>
        </div>

        <TabsContent value={url.tab} className="outline-none" aria-busy={pending || undefined}>
          {decidable && inbox.items.length > 0 && (
            <div className="sticky top-12 z-20 -mx-1 mb-3 flex min-h-11 flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border border-border bg-background/95 px-3 py-1.5 backdrop-blur">
              <div className="flex items-center gap-2">
                <Checkbox
                  id="rec-select-all"
                  checked={
                    selectedCount === 0 ? false : selectedCount === allIds.length ? true : 'indeterminate'
                  }
                  onCheckedChange={(checked) => inbox.setSelected(new Set(checked === true ? allIds : []))}
                />
                <Label htmlFor="rec-select-all" className="cursor-pointer text-sm text-foreground">
                  {selectedCount > 0 ? `${selectedCount} selected` : 'Select all'}
                </Label>
              </div>
              {selectedCount > 0 ? (
                <div className="ml-auto flex flex-wrap gap-2">
                  <Button size="sm" onClick={() => ask('accepted', [...inbox.selected])}>
                    <CheckIcon aria-hidden /> Accept {selectedCount}
                  </Button>
                  <Button size="sm" variant="outline" onClick={() => ask('dismissed', [...inbox.selected])}>
                    <XIcon aria-hidden /> Dismiss {selectedCount}
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => inbox.setSelected(new Set())}>
                    Clear selection
                  </Button>
                </div>
              ) : (
                <p className="ml-auto hidden text-xs text-muted-foreground sm:block">
                  <Kbd>j</Kbd> <Kbd>k</Kbd> move · <Kbd>x</Kbd> select · <Kbd>a</Kbd> accept · <Kbd>d</Kbd>{' '}
                  dismiss
                </p>
              )}
            </div>
          )}

          {pending && (
            <div className="mb-3 flex items-center gap-2 text-sm text-muted-foreground">
              <Spinner label="Loading recommendations" /> Loading…
            </div>
          )}

          {inbox.items.length === 0 && !inbox.nextCursor ? (
            <div className="rounded-lg border border-dashed border-border bg-card">
              <InboxEmpty
                status={filters.status}
                filtered={filtered}
                onClear={() => void setUrl({ action: null, target: null })}
              />
            </div>
          ) : (
            <ul
              className={cn('grid gap-3 transition-opacity', pending && 'opacity-60')}
              aria-label={`${TAB_LABELS[filters.status]} recommendations`}
            >
              {inbox.items.map((rec) => (
                <li key={rec.id}>
                  <RecommendationCard
                    ref={(element) => {
                      if (element) cards.current.set(rec.id, element);
                      else cards.current.delete(rec.id);
                    }}
                    orgId={orgId}
                    rec={rec}
                    now={now}
                    decidable={decidable}
                    selected={inbox.selected.has(rec.id)}
                    problem={inbox.problems[rec.id]}
                    onFocus={() => (focusedId.current = rec.id)}
                    onSelectedChange={(checked) =>
                      inbox.setSelected((current) => {
                        const next = new Set(current);
                        if (checked) next.add(rec.id);
                        else next.delete(rec.id);
                        return next;
                      })
                    }
                    onAccept={() => ask('accepted', [rec.id])}
                    onDismiss={() => ask('dismissed', [rec.id])}
                  />
                </li>
              ))}
            </ul>
          )}

          {inbox.loadError && (
            <Alert
              variant="error"
              title="More recommendations could not be loaded"
              className="mt-3"
              action={
                <Button variant="outline" size="sm" onClick={() => void inbox.loadMore()}>
                  <RotateCwIcon aria-hidden /> Retry
                </Button>
              }
            >
              {inbox.loadError}
            </Alert>
          )}
          {inbox.nextCursor && !inbox.loadError && (
            <div className="mt-4 flex justify-center">
              <Button variant="outline" onClick={() => void inbox.loadMore()} disabled={inbox.loadingMore}>
                {inbox.loadingMore ? <Spinner label="Loading more" /> : null}
                Show more
              </Button>
            </div>
          )}
        </TabsContent>
      </Tabs>

      <DecisionDialog
        request={prompt}
        onCancel={() => setPrompt(null)}
        onConfirm={(input) => void confirm(input)}
      />
      <ShortcutsHelp open={helpOpen} onOpenChange={setHelpOpen} canDecide={decidable} />
    </>
  );
}

function InboxEmpty({
  status,
  filtered,
  onClear,
}: {
  status: RecommendationStatus;
  filtered: boolean;
  onClear: () => void;
}) {
  if (filtered) {
    return (
      <EmptyState
        icon={ListFilterIcon}
        title={`No ${status} recommendations match these filters`}
        action={
          <Button variant="outline" size="sm" onClick={onClear}>
            Clear filters
          </Button>
        }
      >
        Other actions or target types may have some; clear the filters to see them all.
      </EmptyState>
    );
  }
  const texts: Record<RecommendationStatus, [string, string]> = {
    pending: [
      'Nothing pending',
      'Atlas will suggest what to look at next as it notices participants going quiet, stages that no longer match activity, or relationships that look stale. Decided ones are under Accepted and Dismissed.',
    ],
    accepted: [
      'Nothing accepted yet',
      'Recommendations you accept land here, with the intervention they applied, if any. Pending ones wait under Pending.',
    ],
    dismissed: [
      'Nothing dismissed',
      'Dismissed recommendations stay here with the reason given, so nobody has to decide twice.',
    ],
    superseded: [
      'Nothing superseded',
      'When a later Atlas run no longer finds the reason for a pending recommendation, it lands here instead of lingering.',
    ],
  };
  const [title, body] = texts[status];
  return (
    <EmptyState icon={InboxIcon} title={title}>
      {body}
    </EmptyState>
  );
}
