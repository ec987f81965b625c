'use client';

import { CrosshairIcon, PlusIcon, XIcon } from 'lucide-react';
import { Badge } from '../../../../components/ui/badge';
import { Button } from '../../../../components/ui/button';
import { Tooltip } from '../../../../components/ui/tooltip';

// The explorer's progress overlay and the bar of focus mode (depth, expand, what was left out).

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
}: {
  label: string;
  depth: number;
  truncated: { hop: number; kept: number; leftOut: number }[];
  onDepth: (depth: number) => void;
  onClear: () => void;
}) {
  return (
    <div className="flex flex-wrap items-center gap-2 rounded-md border border-border bg-muted/60 px-3 py-2 text-sm">
      <CrosshairIcon aria-hidden className="size-4 text-muted-foreground" />
      <span>
        Neighbourhood of <strong className="font-medium">{label}</strong>
      </span>
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
              'h-6 rounded px-2 text-xs font-medium outline-none focus-visible:outline-2 focus-visible:outline-ring ' +
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
        <XIcon aria-hidden /> Whole graph
      </Button>
    </div>
  );
}
