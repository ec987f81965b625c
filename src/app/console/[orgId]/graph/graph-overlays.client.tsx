'use client';

import { ArrowLeftIcon, ChevronRightIcon, CrosshairIcon, PlusIcon, XIcon } from 'lucide-react';
import Link from 'next/link';
import { Alert } from '../../../../components/ui/alert';
import { Badge } from '../../../../components/ui/badge';
import { Button } from '../../../../components/ui/button';
import { Tooltip } from '../../../../components/ui/tooltip';

// The explorer's progress overlay, the bar of focus mode (depth, expand, what was left out) and the
// trail from the overview into a community and a neighbourhood.

const number = new Intl.NumberFormat('en');

export type LoadStatus = { phase: 'fetching' } | { phase: 'drawing'; done: number; total: number };

export function GraphProgress({ status }: { status: LoadStatus }) {
  const share = status.phase === 'drawing' && status.total > 0 ? status.done / status.total : null;
  return (
    <div
      className="absolute inset-0 z-10 grid place-items-center bg-card/60"
      role="status"
      aria-live="polite"
    >
      <div className="grid w-64 gap-2 text-center text-sm">
        <span>{share === null ? 'Loading the relationships…' : `Drawing… ${Math.round(share * 100)}%`}</span>
        <div
          className="h-1.5 overflow-hidden rounded-full bg-muted"
          role="progressbar"
          aria-label="Loading the graph"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={share === null ? undefined : Math.round(share * 100)}
        >
          <div
            className={
              share === null
                ? 'h-full w-1/3 animate-pulse rounded-full bg-primary'
                : 'h-full rounded-full bg-primary transition-[width]'
            }
            style={share === null ? undefined : { width: `${Math.round(share * 100)}%` }}
          />
        </div>
      </div>
    </div>
  );
}

export function FocusBar({
  label,
  depth,
  truncated,
  onDepth,
  onClear,
  clearLabel = 'Whole graph',
}: {
  /** Null when the trail above already names the neighbourhood. */
  label: string | null;
  depth: number;
  truncated: { hop: number; kept: number; leftOut: number }[];
  onDepth: (depth: number) => void;
  onClear: () => void;
  clearLabel?: string;
}) {
  return (
    <div className="flex flex-wrap items-center gap-2 rounded-md border border-border bg-muted/60 px-3 py-2 text-sm">
      <CrosshairIcon aria-hidden className="size-4 text-muted-foreground" />
      {label !== null && (
        <span>
          Neighbourhood of <strong className="font-medium">{label}</strong>
        </span>
      )}
      <div
        role="radiogroup"
        aria-label="Hops from the focus"
        className="inline-flex rounded-md border border-input p-0.5"
      >
        {[1, 2, 3].map((d) => (
          <button
            key={d}
            type="button"
            role="radio"
            aria-checked={depth === d}
            onClick={() => onDepth(d)}
            className={
              'h-6 rounded px-2 text-xs font-medium outline-none focus-visible:outline-2 focus-visible:outline-solid focus-visible:outline-ring ' +
              (depth === d ? 'bg-background text-foreground shadow-sm' : 'text-muted-foreground')
            }
          >
            {d} {d === 1 ? 'hop' : 'hops'}
          </button>
        ))}
      </div>
      {depth < 3 && (
        <Button variant="ghost" size="sm" onClick={() => onDepth(depth + 1)}>
          <PlusIcon aria-hidden /> Expand one hop
        </Button>
      )}
      {truncated.map((t) => (
        <Tooltip key={t.hop} content={`At hop ${t.hop} the ${t.kept} most connected are drawn.`}>
          <Badge variant="warning" tabIndex={0}>
            Hop {t.hop}: {number.format(t.leftOut)} more not shown
          </Badge>
        </Tooltip>
      ))}
      <Button variant="ghost" size="sm" className="ml-auto" onClick={onClear}>
        <XIcon aria-hidden /> {clearLabel}
      </Button>
    </div>
  );
}

/**
 * Where the explorer is below the overview: Communities › a community › a neighbourhood, each step
 * back a button. `community` is null for a neighbourhood opened from the overview directly.
 */
export function CommunityTrail({
  community,
  focusLabel,
  onOverview,
  onCommunity,
}: {
  community: { label: string; shown: number; matched: number } | null;
  focusLabel: string | null;
  onOverview: () => void;
  onCommunity: () => void;
}) {
  const step =
    'rounded px-1 font-medium underline-offset-2 outline-none hover:underline focus-visible:outline-2 focus-visible:outline-solid focus-visible:outline-ring';
  return (
    <nav
      aria-label="Where you are in the graph"
      className="flex flex-wrap items-center gap-x-2 gap-y-1 rounded-md border border-border bg-muted/60 px-3 py-2 text-sm"
    >
      <Button variant="ghost" size="sm" onClick={focusLabel && community ? onCommunity : onOverview}>
        <ArrowLeftIcon aria-hidden />
        {/* On phones the arrow alone: the trail beside it says where back leads. */}
        <span className="sr-only sm:not-sr-only">Back</span>
      </Button>
      <ol className="flex min-w-0 flex-1 basis-0 flex-wrap items-center gap-1">
        <li>
          <button type="button" className={step} onClick={onOverview}>
            Communities
          </button>
        </li>
        {community && (
          <li className="flex min-w-0 items-center gap-1">
            <ChevronRightIcon aria-hidden className="size-4 text-muted-foreground" />
            {focusLabel ? (
              <button type="button" className={`${step} truncate`} onClick={onCommunity}>
                {community.label}
              </button>
            ) : (
              <span aria-current="page" className="truncate px-1 font-medium">
                {community.label}
              </span>
            )}
          </li>
        )}
        {focusLabel && (
          <li className="flex items-center gap-1">
            <ChevronRightIcon aria-hidden className="size-4 text-muted-foreground" />
            <span aria-current="page" className="px-1">
              Neighbourhood of {focusLabel}
            </span>
          </li>
        )}
      </ol>
      {community && !focusLabel && community.shown < community.matched && (
        <span className="text-xs text-muted-foreground">
          The {number.format(community.shown)} most central of {number.format(community.matched)} members
        </span>
      )}
    </nav>
  );
}

/**
 * Why a large org shows its most connected participants rather than its communities: Atlas has not
 * run yet (and who can run it), or filters were chosen, which apply to participants.
 */
export function OverviewNotice({
  orgId,
  overview,
  participants,
  overviewSize,
  filtered,
  canRunAtlas,
}: {
  orgId: string;
  overview: { total: number; shown: number; reason: 'no_atlas_run' | 'filters' };
  participants: number;
  overviewSize: number;
  filtered: boolean;
  canRunAtlas: boolean;
}) {
  return (
    <Alert variant="info" title={`The ${number.format(overview.shown)} most connected participants`}>
      This org has {number.format(participants)} participants
      {filtered ? ` (${number.format(overview.total)} match the filters)` : ''}: too many to draw at once, so
      the graph shows the {number.format(overviewSize)} with the most relationships and the relationships
      among them. Find anyone else by name, or choose “Focus here” to explore a neighbourhood.{' '}
      {overview.reason === 'filters' ? (
        <>Filters apply to participants; clear them to see the org’s communities again.</>
      ) : (
        <>
          Atlas has not run for this org yet: once it has, the graph opens on the communities it finds.{' '}
          {canRunAtlas ? (
            <Link className="font-medium underline" href={`/console/${orgId}/recommendations`}>
              Run Atlas on the Recommendations page
            </Link>
          ) : (
            'An admin can run it from the Recommendations page.'
          )}
        </>
      )}
    </Alert>
  );
}
