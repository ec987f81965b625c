'use client';

import { useEffect, useRef, useState } from 'react';
import {
  countByDominantStage,
  describeStageMix,
  dominantStage,
  type CommunityOverview,
} from '../../../../components/graph/community-model';
import { CommunityRenderer } from '../../../../components/graph/community-renderer';
import { GraphLegend } from '../../../../components/graph/graph-legend';
import { resolveGraphPalette, watchTheme } from '../../../../components/graph/graph-palette';
import { LIFECYCLE_STAGES } from '../../../../lib/domain';
import { cn } from '../../../../lib/ui/cn';
import { STAGE_DOT_CLASS, STAGE_LABELS } from '../../../../lib/ui/stages';

// The overview of a large org: the communities of its latest Atlas run on a canvas (stored positions,
// nothing laid out here), a legend, and the same communities as a list — the way to reach them by
// keyboard and screen reader, and to find one by name. Choosing a community opens it.

const number = new Intl.NumberFormat('en');

export interface CanvasControls {
  zoom(factor: number): void;
  resetCamera(): void;
}

export function CommunityOverviewCanvas({
  overview,
  wide,
  onOpen,
  onControls,
  onFailure,
}: {
  overview: CommunityOverview;
  wide: boolean;
  onOpen: (community: number) => void;
  onControls: (controls: CanvasControls | null) => void;
  /** The canvas could not be drawn (no WebGL 2, or an error while building it). */
  onFailure: (error: unknown) => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const renderer = useRef<CommunityRenderer | null>(null);
  const [hover, setHover] = useState<{ index: number; x: number; y: number; flip: boolean } | null>(null);
  const [listFocus, setListFocus] = useState<number | null>(null);
  const [palette, setPalette] = useState(() => resolveGraphPalette());
  const communities = overview.communities;

  useEffect(() => {
    const controller = new AbortController();
    CommunityRenderer.create(
      container.current!,
      overview,
      resolveGraphPalette(),
      {
        onHover: (index, at) =>
          setHover(
            index === null
              ? null
              : { index, ...at, flip: at.x > (container.current?.clientWidth ?? 0) - 300 },
          ),
        onClick: (index) => onOpen(overview.communities[index]!.community),
      },
      controller.signal,
    )
      .then((created) => {
        if (controller.signal.aborted) return created.kill();
        renderer.current = created;
        onControls(created);
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) onFailure(error);
      });
    return () => {
      controller.abort();
      renderer.current?.kill();
      renderer.current = null;
      onControls(null);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one canvas per overview
  }, [overview]);

  useEffect(
    () =>
      watchTheme(() => {
        const next = resolveGraphPalette();
        renderer.current?.setPalette(next);
        setPalette(next);
      }),
    [],
  );

  useEffect(() => renderer.current?.setHighlight(hover?.index ?? listFocus), [hover, listFocus]);

  const byStage = countByDominantStage(communities);
  const hovered = hover ? communities[hover.index] : undefined;

  return (
    <>
      {/* On wide screens the list stands beside the canvas instead of over it. */}
      <div
        ref={container}
        className="absolute inset-y-0 left-0 right-0 md:right-76"
        data-testid="community-canvas"
      />

      <details
        open={wide}
        className="absolute bottom-3 left-3 z-10 w-56 rounded-md border border-border bg-popover/95 p-3 text-popover-foreground shadow-sm backdrop-blur [&:not([open])]:w-auto"
      >
        <summary className="cursor-pointer text-xs font-medium select-none">Legend</summary>
        <div className="mt-2 grid gap-2">
          <GraphLegend
            title="Most common stage"
            entries={LIFECYCLE_STAGES.map((stage) => ({
              key: stage,
              label: STAGE_LABELS[stage],
              colour: palette.stage[stage],
              count: byStage[stage],
            }))}
          />
          <p className="text-[11px] text-muted-foreground">
            Each circle is a community, sized by its members. Lines: relationships between communities, wider
            for more.
          </p>
        </div>
      </details>

      {wide ? (
        <section
          aria-label="Communities"
          className="absolute inset-y-3 right-3 z-10 flex w-72 flex-col rounded-md border border-border bg-popover text-popover-foreground"
        >
          <h2 className="px-3 py-2 text-xs font-medium">Communities ({number.format(communities.length)})</h2>
          <CommunityList communities={communities} onOpen={onOpen} onHighlight={setListFocus} />
        </section>
      ) : (
        <details className="absolute top-3 right-3 z-10 w-72 max-w-[calc(100%-1.5rem)] rounded-md border border-border bg-popover/95 text-popover-foreground shadow-sm backdrop-blur [&:not([open])]:w-auto">
          <summary className="cursor-pointer px-3 py-2 text-xs font-medium select-none">
            Communities ({number.format(communities.length)})
          </summary>
          <div className="flex max-h-[50vh] flex-col">
            <CommunityList communities={communities} onOpen={onOpen} onHighlight={setListFocus} />
          </div>
        </details>
      )}

      {hovered && hover && (
        <div
          role="tooltip"
          className={cn(
            'pointer-events-none absolute z-20 grid w-max max-w-72 gap-1 rounded-md border border-border bg-popover px-2.5 py-2 text-xs text-popover-foreground shadow-md',
            hover.flip && '-translate-x-full',
          )}
          style={{ left: hover.x + (hover.flip ? -14 : 14), top: hover.y + 14 }}
        >
          <span className="text-sm font-medium">{hovered.label}</span>
          <span>{number.format(hovered.size)} participants</span>
          <span className="text-muted-foreground">{describeStageMix(hovered.stageCounts, STAGE_LABELS)}</span>
          <span className="text-muted-foreground">
            {number.format(hovered.activity.activeRecently)} active in the last 30 days
            {hovered.activity.quietSince > 0
              ? `; ${number.format(hovered.activity.quietSince)} went quiet in them`
              : ''}
          </span>
          <span className="text-muted-foreground">Click to open it.</span>
        </div>
      )}
    </>
  );
}

/** The drawn communities as buttons, largest first: open one, or light it up on the canvas. */
function CommunityList({
  communities,
  onOpen,
  onHighlight,
}: {
  communities: CommunityOverview['communities'];
  onOpen: (community: number) => void;
  onHighlight: (index: number | null) => void;
}) {
  return (
    <ul aria-label="Communities, largest first" className="min-h-0 flex-1 overflow-y-auto px-1.5 pb-1.5">
      {communities.map((c, i) => {
        const stage = dominantStage(c.stageCounts);
        return (
          <li key={c.community}>
            <button
              type="button"
              onClick={() => onOpen(c.community)}
              onFocus={() => onHighlight(i)}
              onBlur={() => onHighlight(null)}
              onMouseEnter={() => onHighlight(i)}
              onMouseLeave={() => onHighlight(null)}
              className="flex w-full items-center gap-2 rounded px-1.5 py-1 text-left text-xs outline-none hover:bg-muted focus-visible:outline-2 focus-visible:outline-solid focus-visible:outline-ring"
            >
              <span
                aria-hidden
                className={cn(
                  'size-2.5 shrink-0 rounded-full bg-muted-foreground',
                  stage && STAGE_DOT_CLASS[stage],
                )}
              />
              <span className="min-w-0 flex-1 truncate">{c.label}</span>
              <span className="tabular-nums text-muted-foreground">
                {number.format(c.size)}
                <span className="sr-only"> participants</span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
