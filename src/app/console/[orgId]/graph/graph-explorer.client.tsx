'use client';

import { MinusIcon, PauseIcon, PlayIcon, PlusIcon, ScanIcon, SearchXIcon } from 'lucide-react';
import Link from 'next/link';
import { useQueryStates } from 'nuqs';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { ExportMenu, ExportStatus } from '../../../../components/exports/stream-export.client';
import { GraphLegend } from '../../../../components/graph/graph-legend';
import type { CommunityOverview } from '../../../../components/graph/community-model';
import {
  describeLastActivity,
  rankRoles,
  type CompactGraph,
  type LegendEntry,
} from '../../../../components/graph/graph-model';
import { resolveGraphPalette, watchTheme } from '../../../../components/graph/graph-palette';
import { loadSigmaModules } from '../../../../components/graph/sigma-modules';
import {
  GraphRenderer,
  LARGE_GRAPH_NODES,
  WebGLUnavailableError,
} from '../../../../components/graph/graph-renderer';
import { Alert } from '../../../../components/ui/alert';
import { Button } from '../../../../components/ui/button';
import { EmptyState } from '../../../../components/ui/empty-state';
import { StageBadge } from '../../../../components/ui/stage-badge';
import { Tooltip } from '../../../../components/ui/tooltip';
import { api, ApiProblem, data } from '../../../../lib/client/api';
import { cn } from '../../../../lib/ui/cn';
import { relativeTime } from '../../../../lib/ui/relative-time';
import { CommunityOverviewCanvas, type CanvasControls } from './community-overview.client';
import { graphParsers, hasNodeFilters, toGraphApiQuery, type GraphViewState } from './graph-params';
import { CommunityTrail, FocusBar, GraphProgress, OverviewNotice } from './graph-overlays.client';
import { GraphSearch, type SearchResult } from './graph-search.client';
import { ColourSwitch, ConfidenceSlider, FilterSelects } from './graph-toolbar.client';
import { ParticipantPanel } from './participant-panel.client';
import { useRelationshipsExport } from './relationships-export.client';

type Status =
  | { phase: 'fetching' }
  | { phase: 'drawing'; done: number; total: number }
  | { phase: 'ready' }
  | { phase: 'error'; problem: ApiProblem }
  | { phase: 'webgl' };

const number = new Intl.NumberFormat('en');

// The page is the canvas: its code (sigma, graphology) is asked for as soon as this module runs in the
// browser, while the page hydrates, rather than when the first view is drawn.
if (typeof window !== 'undefined') loadSigmaModules().catch(() => undefined);

// The legend starts open on wide screens and folded on phones, where it would cover the graph.
const WIDE = '(min-width: 768px)';
const isWide = () => window.matchMedia(WIDE).matches;
const subscribeToWidth = (onChange: () => void) => {
  const query = window.matchMedia(WIDE);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
};

export function GraphExplorer({
  orgId,
  participants,
  wholeLimit,
  overviewSize,
  initial,
  canIntervene,
  canRunAtlas,
}: {
  orgId: string;
  participants: number;
  wholeLimit: number;
  overviewSize: number;
  /** The API's answer to the first view's query (its key), read by the page as it rendered. */
  initial?: { key: string; response: CommunityOverview };
  canIntervene: boolean;
  canRunAtlas: boolean;
}) {
  const [params, setParams] = useQueryStates(graphParsers);
  const relationshipsExport = useRelationshipsExport(orgId);
  const state = params as GraphViewState;
  const query = useMemo(
    () => toGraphApiQuery(state, { participants, wholeLimit }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the query depends on these values only
    [
      state.community,
      state.focus,
      state.depth,
      state.stage,
      state.role,
      state.segment,
      state.minConfidence,
      participants,
      wholeLimit,
    ],
  );
  const queryKey = JSON.stringify(query);

  const container = useRef<HTMLDivElement>(null);
  const renderer = useRef<GraphRenderer | null>(null);
  const [graph, setGraph] = useState<CompactGraph | null>(null);
  const [communities, setCommunities] = useState<CommunityOverview | null>(null);
  /** When the run behind the overview finished, in words, as of loading it. */
  const [runAge, setRunAge] = useState('');
  const overviewControls = useRef<CanvasControls | null>(null);
  // The community last drilled into, so the trail can name it while a neighbourhood inside it is drawn.
  const [openCommunity, setOpenCommunity] = useState<{
    community: number;
    label: string;
    shown: number;
    matched: number;
  } | null>(null);
  // Each status belongs to one load; a status of an earlier load reads as "fetching" the new one.
  const [loaded, setLoaded] = useState<{ key: string; status: Status }>({
    key: '',
    status: { phase: 'fetching' },
  });
  const [attempt, setAttempt] = useState(0);
  const [legend, setLegend] = useState<{ nodes: LegendEntry[]; edges: LegendEntry[] }>({
    nodes: [],
    edges: [],
  });
  const [layoutRunning, setLayoutRunning] = useState(false);
  const [hover, setHover] = useState<{ index: number; x: number; y: number; flip: boolean } | null>(null);
  const [selected, setSelected] = useState<string | null>(state.focus);
  const [knownRoles, setKnownRoles] = useState<string[]>([]);
  const wide = useSyncExternalStore(subscribeToWidth, isWide, () => true);
  const colourRef = useRef(state.colour);
  useEffect(() => {
    colourRef.current = state.colour;
  }, [state.colour]);
  const loadKey = `${queryKey}#${attempt}`;
  // Taken by the first load that asks for it; any later one (a retry, a view left and come back to)
  // asks the API.
  const initialAnswer = useRef(initial);
  const status: Status = loaded.key === loadKey ? loaded.status : { phase: 'fetching' };

  // Load and draw whenever the API query changes; the colour mode only recolours.
  useEffect(() => {
    const controller = new AbortController();
    const previous = renderer.current?.positions();
    const setStatus = (next: Status) => setLoaded({ key: loadKey, status: next });
    (async () => {
      const given = attempt === 0 && initialAnswer.current?.key === queryKey ? initialAnswer.current : null;
      initialAnswer.current = undefined;
      const response =
        given?.response ??
        (await data(
          api.GET('/api/orgs/{orgId}/graph', {
            params: { path: { orgId }, query },
            signal: controller.signal,
          }),
        ));
      if (controller.signal.aborted) return;
      renderer.current?.kill();
      renderer.current = null;
      setHover(null);
      if ('view' in response && response.view === 'communities') {
        setGraph(null);
        setCommunities(response);
        setRunAge(relativeTime(response.run.finishedAt, Date.now()));
        setStatus({ phase: 'ready' });
        return;
      }
      const payload = response as CompactGraph;
      setCommunities(null);
      setGraph(payload);
      if (payload.community) {
        const { community, label, matched } = payload.community;
        setOpenCommunity({ community, label, matched, shown: payload.nodes.id.length });
      }
      setKnownRoles((roles) => [...new Set([...roles, ...rankRoles(payload.nodes.role).map((r) => r.role)])]);
      if (payload.nodes.id.length === 0) {
        setStatus({ phase: 'ready' });
        return;
      }
      setStatus({ phase: 'drawing', done: 0, total: payload.nodes.id.length + payload.edges.source.length });
      const created = await GraphRenderer.create(container.current!, payload, {
        palette: resolveGraphPalette(),
        colourMode: colourRef.current,
        focus: query.focus,
        previous,
        signal: controller.signal,
        callbacks: {
          onProgress: (done, total) => setStatus({ phase: 'drawing', done, total }),
          onHover: (index, at) =>
            setHover(
              index === null
                ? null
                : { index, ...at, flip: at.x > (container.current?.clientWidth ?? 0) - 280 },
            ),
          onClick: (index) => setSelected(index === null ? null : payload.nodes.id[index]!),
          onLayoutChange: setLayoutRunning,
        },
      });
      if (controller.signal.aborted) {
        created.kill();
        return;
      }
      renderer.current = created;
      setLegend({ nodes: created.legend, edges: created.edgeLegend });
      setStatus({ phase: 'ready' });
      const focusIndex = query.focus ? payload.nodes.id.indexOf(query.focus) : -1;
      if (focusIndex >= 0) created.setHighlight(focusIndex);
      if (!created.isLarge() && !created.isLaidOut()) void created.startLayout();
    })().catch((error: unknown) => {
      if (controller.signal.aborted) return;
      if (error instanceof WebGLUnavailableError) setStatus({ phase: 'webgl' });
      else
        setStatus({
          phase: 'error',
          problem: error instanceof ApiProblem ? error : new ApiProblem(0, 'Error', String(error)),
        });
    });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by the serialised query
  }, [orgId, loadKey]);

  useEffect(() => () => renderer.current?.kill(), []);

  // Recolour on a mode switch or a theme change, without reloading.
  useEffect(() => {
    const apply = () => {
      const r = renderer.current;
      if (!r) return;
      r.setPalette(resolveGraphPalette(), colourRef.current);
      setLegend({ nodes: r.legend, edges: r.edgeLegend });
    };
    apply();
    return watchTheme(apply);
  }, [state.colour, status.phase]);

  const highlightIndex = useMemo(() => {
    if (hover) return hover.index;
    if (!graph || !selected) return null;
    const index = graph.nodes.id.indexOf(selected);
    return index >= 0 ? index : null;
  }, [graph, hover, selected]);
  useEffect(() => renderer.current?.setHighlight(highlightIndex), [highlightIndex]);

  const focusOn = useCallback(
    (id: string) => {
      setSelected(id);
      void setParams({ focus: id, depth: state.focus ? state.depth : 1 }, { history: 'push' });
    },
    [setParams, state.focus, state.depth],
  );

  const onSearch = (result: SearchResult) => {
    if (result.kind === 'elsewhere') return focusOn(result.id);
    setSelected(graph!.nodes.id[result.index]!);
    renderer.current?.flyTo(result.index);
  };

  const openCommunityView = useCallback(
    (community: number) => {
      setSelected(null);
      void setParams({ community, focus: null, depth: null }, { history: 'push' });
    },
    [setParams],
  );
  const backToOverview = () =>
    void setParams({ community: null, focus: null, depth: null }, { history: 'push' });
  const canvas = (): CanvasControls | null => overviewControls.current ?? renderer.current;
  const setControls = useCallback((controls: CanvasControls | null) => {
    overviewControls.current = controls;
  }, []);

  const commitConfidence = useCallback(
    (minConfidence: number) => void setParams({ minConfidence }),
    [setParams],
  );
  const nodes = graph?.nodes.id.length ?? 0;
  const edges = graph?.edges.source.length ?? 0;
  const partial = Boolean(state.focus || graph?.overview || graph?.community || communities);
  const large = participants > wholeLimit;
  const trailCommunity =
    state.community !== null && openCommunity?.community === state.community ? openCommunity : null;
  const focusIndex = graph && state.focus ? graph.nodes.id.indexOf(state.focus) : -1;
  const focusLabel = focusIndex >= 0 ? graph!.nodes.label[focusIndex] : 'this participant';
  const hovered = hover && graph ? hover.index : null;

  return (
    <div className="flex h-[calc(100dvh-5.5rem)] min-h-[560px] flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="grid gap-1">
          <h1 className="text-xl font-semibold tracking-tight">Graph</h1>
          <p className="text-sm text-muted-foreground" aria-live="polite">
            {status.phase === 'ready' && communities
              ? `${number.format(communities.communities.length)} communities of ${number.format(communities.participants)} participants, as Atlas found them ${runAge}`
              : status.phase === 'ready' && graph
                ? `${number.format(nodes)} participants and ${number.format(edges)} relationships drawn`
                : 'Who is connected to whom: click a participant to see them and act.'}
          </p>
        </div>
        <div className="flex w-full items-center gap-2 sm:w-auto">
          <div className="min-w-0 flex-1">
            <GraphSearch orgId={orgId} graph={graph} partial={partial} onChoose={onSearch} />
          </div>
          <ExportMenu
            exporter={relationshipsExport}
            label="All relationships in this org, not only those drawn"
            srLabel="relationships"
          />
        </div>
      </div>
      <ExportStatus exporter={relationshipsExport} className="self-end" />

      <div className="flex flex-wrap items-center gap-2" role="toolbar" aria-label="Graph view">
        {!communities && (
          <ColourSwitch value={state.colour} onChange={(colour) => void setParams({ colour })} />
        )}
        <FilterSelects
          stage={state.stage}
          role={state.role}
          segment={state.segment}
          roles={knownRoles}
          onChange={(filters) => void setParams(filters)}
        />
        {!communities && (
          <ConfidenceSlider
            value={state.minConfidence}
            onPreview={(v) => renderer.current?.previewMinConfidence(v)}
            onCommit={commitConfidence}
          />
        )}
        <div className="ml-auto flex items-center gap-1">
          {!communities && (
            <Button
              variant="outline"
              size="sm"
              disabled={status.phase !== 'ready' || nodes < 2}
              onClick={() =>
                layoutRunning ? renderer.current?.stopLayout() : void renderer.current?.startLayout()
              }
            >
              {layoutRunning ? <PauseIcon aria-hidden /> : <PlayIcon aria-hidden />}
              {layoutRunning ? 'Pause layout' : 'Run layout'}
            </Button>
          )}
          <Tooltip content="Zoom in">
            <Button variant="ghost" size="icon" aria-label="Zoom in" onClick={() => canvas()?.zoom(1.6)}>
              <PlusIcon />
            </Button>
          </Tooltip>
          <Tooltip content="Zoom out">
            <Button variant="ghost" size="icon" aria-label="Zoom out" onClick={() => canvas()?.zoom(1 / 1.6)}>
              <MinusIcon />
            </Button>
          </Tooltip>
          <Tooltip content="Show everything">
            <Button
              variant="ghost"
              size="icon"
              aria-label="Show everything"
              onClick={() => canvas()?.resetCamera()}
            >
              <ScanIcon />
            </Button>
          </Tooltip>
        </div>
      </div>

      {graph?.overview && !state.focus && (
        <OverviewNotice
          orgId={orgId}
          overview={graph.overview}
          participants={participants}
          overviewSize={overviewSize}
          filtered={hasNodeFilters(state) || state.minConfidence > 0}
          canRunAtlas={canRunAtlas}
        />
      )}

      {large && (state.community !== null || state.focus) && (
        <CommunityTrail
          community={trailCommunity}
          focusLabel={state.focus ? (focusLabel ?? 'this participant') : null}
          onOverview={backToOverview}
          onCommunity={() => void setParams({ focus: null, depth: null }, { history: 'push' })}
        />
      )}

      {state.focus && (
        <FocusBar
          label={large ? null : (focusLabel ?? 'this participant')}
          depth={state.depth}
          truncated={graph?.truncated ?? []}
          onDepth={(depth) => void setParams({ depth }, { history: 'push' })}
          onClear={() => void setParams({ focus: null, depth: null }, { history: 'push' })}
          clearLabel={
            state.community !== null
              ? 'Back to the community'
              : large
                ? 'Back to the overview'
                : 'Whole graph'
          }
        />
      )}

      <div className="relative min-h-0 flex-1 overflow-hidden rounded-lg border border-border bg-card">
        <div ref={container} className="absolute inset-0" data-testid="graph-canvas" />

        {status.phase === 'ready' && communities && communities.communities.length > 0 && (
          <CommunityOverviewCanvas
            overview={communities}
            wide={wide}
            onOpen={openCommunityView}
            onControls={setControls}
            onFailure={(error) =>
              setLoaded({
                key: loadKey,
                status:
                  error instanceof WebGLUnavailableError
                    ? { phase: 'webgl' }
                    : { phase: 'error', problem: new ApiProblem(0, 'Error', String(error)) },
              })
            }
          />
        )}

        {status.phase === 'ready' && communities && communities.communities.length === 0 && (
          <EmptyState icon={SearchXIcon} title="No community to draw" className="absolute inset-0">
            Atlas found no group of two or more related participants in this org. Find participants by name
            above, or open the participants list.
          </EmptyState>
        )}

        {(status.phase === 'fetching' || status.phase === 'drawing') && <GraphProgress status={status} />}

        {status.phase === 'error' && (
          <div className="absolute inset-0 grid place-items-center p-6">
            <Alert
              variant="error"
              title="The graph could not be loaded"
              className="max-w-lg"
              action={
                <Button size="sm" variant="outline" onClick={() => setAttempt((a) => a + 1)}>
                  Retry
                </Button>
              }
            >
              {status.problem.summary}
            </Alert>
          </div>
        )}

        {status.phase === 'webgl' && (
          <div className="absolute inset-0 grid place-items-center p-6">
            <Alert variant="warning" title="This browser cannot draw the graph" className="max-w-lg">
              The graph needs WebGL 2, which is turned off or unavailable here (check the browser’s hardware
              acceleration setting). The same participants are in the{' '}
              <Link className="underline" href={`/console/${orgId}/participants`}>
                participants list
              </Link>
              .
            </Alert>
          </div>
        )}

        {status.phase === 'ready' && graph && nodes === 0 && (
          <EmptyState
            icon={SearchXIcon}
            title="No participant matches these filters"
            className="absolute inset-0"
            action={
              <Button
                variant="outline"
                size="sm"
                onClick={() =>
                  void setParams({ stage: null, role: null, segment: null, minConfidence: null })
                }
              >
                Clear the filters
              </Button>
            }
          >
            Widen the stage, role or segment, or lower the minimum confidence.
          </EmptyState>
        )}

        {status.phase === 'ready' && nodes > 0 && (
          <details
            open={wide}
            className="absolute bottom-3 left-3 z-10 max-h-[60%] w-52 overflow-y-auto rounded-md border border-border bg-popover/95 p-3 text-popover-foreground shadow-sm backdrop-blur [&:not([open])]:w-auto"
          >
            <summary className="cursor-pointer text-xs font-medium select-none">Legend</summary>
            <div className="mt-2 grid gap-3">
              <GraphLegend
                title={
                  state.colour === 'stage'
                    ? 'Lifecycle stage'
                    : state.colour === 'segment'
                      ? 'Segment'
                      : 'Role'
                }
                entries={legend.nodes}
              />
              {highlightIndex !== null && (
                <GraphLegend
                  title="Their relationships, by type"
                  entries={legend.edges.slice(0, 6)}
                  shape="line"
                />
              )}
              <p className="text-[11px] text-muted-foreground">
                Size: relationships. Faint lines: low confidence.
                {nodes > LARGE_GRAPH_NODES && !layoutRunning
                  ? ' Most connected at the centre until you run the layout.'
                  : ''}
              </p>
            </div>
          </details>
        )}

        {hovered !== null && graph && hover && (
          <div
            role="tooltip"
            className={cn(
              'pointer-events-none absolute z-20 grid w-max max-w-64 gap-1 rounded-md border border-border bg-popover px-2.5 py-2 text-xs text-popover-foreground shadow-md',
              hover.flip && '-translate-x-full',
            )}
            style={{ left: hover.x + (hover.flip ? -14 : 14), top: hover.y + 14 }}
          >
            <span className="truncate text-sm font-medium">{graph.nodes.label[hovered]}</span>
            <StageBadge stage={graph.nodes.lifecycleStage[hovered]!} className="w-fit" />
            <span className="text-muted-foreground">
              {graph.nodes.degree[hovered]} relationships · active{' '}
              {describeLastActivity(graph.nodes.lastActivityAt[hovered]!)}
            </span>
          </div>
        )}

        {selected && (
          <ParticipantPanel
            key={selected}
            orgId={orgId}
            participantId={selected}
            canIntervene={canIntervene}
            onFocus={focusOn}
            onClose={() => setSelected(null)}
          />
        )}
      </div>
    </div>
  );
}
