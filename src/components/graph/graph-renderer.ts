import type Graph from 'graphology';
import type FA2Layout from 'graphology-layout-forceatlas2/worker';
import type Sigma from 'sigma';
import {
  colourNodes,
  edgeColour,
  edgeTypeLegend,
  nodeSize,
  ringPositions,
  spiralPositions,
  storedPositions,
  type ColourMode,
  type CompactGraph,
  type GraphPalette,
  type LegendEntry,
} from './graph-model';
import { markFirstFrame } from './first-frame';
import { loadSigmaModules } from './sigma-modules';

// The canvas behind the explorer: a graphology graph built in chunks (so the page keeps answering while
// 50,000 edges go in), drawn by sigma (WebGL 2) and laid out by ForceAtlas2 in a web worker. Browser
// only; sigma and the layout are imported on demand so the server never loads them.

export class WebGLUnavailableError extends Error {
  constructor() {
    super('WebGL 2 is not available in this browser');
  }
}

export interface RendererCallbacks {
  onProgress?: (done: number, total: number) => void;
  onHover?: (node: number | null, at: { x: number; y: number }) => void;
  onClick?: (node: number | null) => void;
  onLayoutChange?: (running: boolean) => void;
  onFirstFrame?: () => void;
}

interface NodeAttributes {
  i: number;
  x: number;
  y: number;
  size: number;
  color: string;
  label: string;
}
interface EdgeAttributes {
  color: string;
  size: number;
  weight: number;
  t: number;
}

/** The layout runs on its own for this long, then stops until the operator resumes it. */
const LAYOUT_MS = 12_000;
const CHUNK_NODES = 2_500;
/** Past this size the layout waits for the operator (see isLarge). */
export const LARGE_GRAPH_NODES = 2_000;
const CHUNK_EDGES = 8_000;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function webgl2Available(): boolean {
  try {
    return Boolean(document.createElement('canvas').getContext('webgl2'));
  } catch {
    return false;
  }
}

export class GraphRenderer {
  private layout: FA2Layout | null = null;
  private layoutTimer: ReturnType<typeof setTimeout> | undefined;
  private highlight: string | null = null;
  private neighbours = new Set<string>();
  private minConfidence = 0;
  private typeColours: string[] = [];
  private nodeColours: string[] = [];
  private mode: ColourMode | null = null;
  /** Large graphs move without their edges while the layout runs: each frame stays cheap. */
  private edgesHiddenForLayout = false;
  legend: LegendEntry[] = [];
  edgeLegend: LegendEntry[] = [];

  private constructor(
    readonly data: CompactGraph,
    private readonly graph: Graph<NodeAttributes, EdgeAttributes>,
    private sigma: Sigma<NodeAttributes, EdgeAttributes> | null,
    private palette: GraphPalette,
    private readonly callbacks: RendererCallbacks,
  ) {}

  /**
   * Builds the graph and draws it in `container`. `previous` keeps the positions of participants who
   * were already on screen (a filter or a new focus does not scatter them); `focus` puts that
   * participant at the centre with each hop on a ring around it.
   */
  static async create(
    container: HTMLElement,
    data: CompactGraph,
    options: {
      palette: GraphPalette;
      colourMode: ColourMode;
      focus?: string | null;
      previous?: Map<string, { x: number; y: number }>;
      signal?: AbortSignal;
      callbacks?: RendererCallbacks;
    },
  ): Promise<GraphRenderer> {
    if (!webgl2Available()) throw new WebGLUnavailableError();
    const [{ default: GraphClass }, { default: SigmaClass }] = await loadSigmaModules();
    const callbacks = options.callbacks ?? {};
    const graph = new GraphClass<NodeAttributes, EdgeAttributes>({
      type: 'directed',
      multi: true,
      allowSelfLoops: true,
    });
    const renderer = new GraphRenderer(data, graph, null, options.palette, callbacks);
    await renderer.build(options.colourMode, options.focus ?? null, options.previous, options.signal);
    if (options.signal?.aborted) throw options.signal.reason;

    const big = data.nodes.id.length > 2000;
    const sigma = new SigmaClass<NodeAttributes, EdgeAttributes>(graph, container, {
      settings: {
        hideEdgesOnMove: true,
        hideLabelsOnMove: big,
        labelRenderedSizeThreshold: big ? 9 : 4,
        labelDensity: big ? 0.4 : 1,
        minEdgeThickness: 0.6,
        stagePadding: 24,
        // Sizes in screen pixels (sigma 4 defaults to graph units): ForceAtlas2 spreads or gathers the
        // positions by orders of magnitude, and a participant should not grow or shrink with it.
        itemSizesReference: 'screen',
        autoRescaleContent: 'nodes',
      },
      nodeReducer: (key, data) => renderer.reduceNode(key, data),
      edgeReducer: (key, data, attrs) => renderer.reduceEdge(key, data, attrs),
    });
    renderer.sigma = sigma;
    markFirstFrame(callbacks.onFirstFrame);
    sigma.on('enterNode', ({ node, event }) => {
      callbacks.onHover?.(graph.getNodeAttribute(node, 'i'), { x: event.x, y: event.y });
      container.style.cursor = 'pointer';
    });
    sigma.on('leaveNode', ({ event }) => {
      callbacks.onHover?.(null, { x: event.x, y: event.y });
      container.style.cursor = '';
    });
    sigma.on('clickNode', ({ node }) => callbacks.onClick?.(graph.getNodeAttribute(node, 'i')));
    sigma.on('clickStage', () => callbacks.onClick?.(null));
    return renderer;
  }

  private async build(
    mode: ColourMode,
    focus: string | null,
    previous: Map<string, { x: number; y: number }> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { nodes, edges } = this.data;
    const n = nodes.id.length;
    const m = edges.source.length;
    const total = n + m;
    const maxDegree = nodes.degree.reduce((max, d) => Math.max(max, d), 0);
    // Stored positions (a community) are the picture as Atlas laid it out: nothing carries over.
    const stored = storedPositions(this.data);
    if (stored) previous = undefined;
    const start =
      stored ?? (focus ? ringPositions(this.data, focus) : spiralPositions(nodes.degree, nodes.id));
    const { colours, legend } = colourNodes(this.data, mode, this.palette);
    this.mode = mode;
    this.nodeColours = colours;
    this.legend = legend;
    this.edgeLegend = edgeTypeLegend(this.data, this.palette);
    const typeIndex = new Map(this.edgeLegend.map((entry, i) => [entry.key, i]));
    this.typeColours = this.edgeLegend.map((entry) => entry.colour);

    for (let from = 0; from < n; from += CHUNK_NODES) {
      for (let i = from; i < Math.min(n, from + CHUNK_NODES); i++) {
        const id = nodes.id[i]!;
        const known = previous?.get(id);
        this.graph.addNode(id, {
          i,
          x: known?.x ?? start.x[i]!,
          y: known?.y ?? start.y[i]!,
          size: nodeSize(nodes.degree[i]!, maxDegree, n),
          color: colours[i]!,
          label: nodes.label[i]!,
        });
      }
      this.callbacks.onProgress?.(Math.min(n, from + CHUNK_NODES), total);
      await nextTask();
      if (signal?.aborted) return;
    }
    const edgeSize = n > 2000 ? 0.5 : 1;
    for (let from = 0; from < m; from += CHUNK_EDGES) {
      for (let j = from; j < Math.min(m, from + CHUNK_EDGES); j++) {
        const confidence = edges.confidence[j]!;
        this.graph.addDirectedEdge(nodes.id[edges.source[j]!]!, nodes.id[edges.target[j]!]!, {
          color: edgeColour(this.palette.edge, confidence, n),
          size: edgeSize + confidence * edgeSize,
          weight: confidence,
          t: typeIndex.get(edges.type[j]!) ?? 0,
        });
      }
      this.callbacks.onProgress?.(n + Math.min(m, from + CHUNK_EDGES), total);
      await nextTask();
      if (signal?.aborted) return;
    }
    if (previous?.size) this.placeNewcomersBesideNeighbours(previous);
  }

  /** Participants new to the screen start beside a neighbour that was already there. */
  private placeNewcomersBesideNeighbours(previous: Map<string, { x: number; y: number }>): void {
    this.graph.forEachNode((node, attrs) => {
      if (previous.has(node)) return;
      const anchor = this.graph.findNeighbor(node, (other) => previous.has(other));
      if (!anchor) return;
      const at = previous.get(anchor)!;
      const angle = (attrs.i * 2.399963) % (2 * Math.PI);
      attrs.x = at.x + Math.cos(angle) * 5;
      attrs.y = at.y + Math.sin(angle) * 5;
    });
  }

  private reduceNode(key: string, data: { size: number; color: string }) {
    const labelColor = this.palette.foreground;
    if (this.highlight === null) return { labelColor };
    if (key === this.highlight) {
      return {
        labelColor,
        highlighted: true,
        zIndex: 2,
        size: data.size * 1.3 + 2,
        labelVisibility: 'visible' as const,
      };
    }
    if (this.neighbours.has(key)) return { labelColor, zIndex: 1 };
    return { labelColor, color: this.dimmed(data.color), label: null, zIndex: 0 };
  }

  private reduceEdge(key: string, data: { color: string; size: number }, attrs: EdgeAttributes) {
    if (attrs.weight < this.minConfidence || this.edgesHiddenForLayout) {
      return { visibility: 'hidden' as const };
    }
    if (this.highlight === null) return {};
    const [source, target] = this.graph.extremities(key);
    if (source !== this.highlight && target !== this.highlight) return { visibility: 'hidden' as const };
    return {
      color: edgeColour(this.typeColours[attrs.t] ?? this.palette.edge, 0.6 + attrs.weight * 0.4, 0),
      size: data.size + 1,
      zIndex: 1,
    };
  }

  private dimmed(colour: string): string {
    return `${colour.slice(0, 7)}33`;
  }

  /** Highlights a participant and its neighbours (hover or selection); null clears it. */
  setHighlight(node: number | null): void {
    const key = node === null ? null : (this.data.nodes.id[node] ?? null);
    if (key === this.highlight) return;
    this.highlight = key && this.graph.hasNode(key) ? key : null;
    this.neighbours = this.highlight ? new Set(this.graph.neighbors(this.highlight)) : new Set();
    this.sigma?.refresh({ skipIndexation: true });
  }

  /** Hides weaker relationships at once while the slider moves; the API refetch follows on release. */
  previewMinConfidence(min: number): void {
    if (min === this.minConfidence) return;
    this.minConfidence = min;
    this.sigma?.refresh({ skipIndexation: true });
  }

  setColourMode(mode: ColourMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    const { colours, legend } = colourNodes(this.data, mode, this.palette);
    this.nodeColours = colours;
    this.legend = legend;
    this.graph.updateEachNodeAttributes(
      (_node, attrs) => {
        attrs.color = colours[attrs.i]!;
        return attrs;
      },
      { attributes: ['color'] },
    );
  }

  /** New theme colours (and mode); nothing is redrawn when neither changed. */
  setPalette(palette: GraphPalette, mode: ColourMode): void {
    if (JSON.stringify(palette) === JSON.stringify(this.palette)) return this.setColourMode(mode);
    this.palette = palette;
    this.mode = null;
    this.edgeLegend = edgeTypeLegend(this.data, palette);
    this.typeColours = this.edgeLegend.map((entry) => entry.colour);
    const n = this.data.nodes.id.length;
    this.graph.updateEachEdgeAttributes(
      (_edge, attrs) => {
        attrs.color = edgeColour(palette.edge, attrs.weight, n);
        return attrs;
      },
      { attributes: ['color'] },
    );
    this.setColourMode(mode);
  }

  /** Moves the camera to a participant and zooms in on it. */
  flyTo(node: number): void {
    const key = this.data.nodes.id[node];
    if (!this.sigma || !key) return;
    const display = this.sigma.getNodeDisplayData(key);
    if (!display) return;
    void this.sigma.getCamera().animate({ x: display.x, y: display.y, ratio: 0.2 }, { duration: 600 });
  }

  zoom(factor: number): void {
    const camera = this.sigma?.getCamera();
    if (!camera) return;
    void camera.animate({ ratio: camera.getState().ratio / factor }, { duration: 250 });
  }

  resetCamera(): void {
    void this.sigma?.getCamera().animate({ x: 0.5, y: 0.5, ratio: 1, angle: 0 }, { duration: 400 });
  }

  async startLayout(): Promise<void> {
    if (!this.sigma || this.graph.order < 2) return;
    if (!this.layout) {
      const [{ default: Layout }, { default: forceAtlas2 }] = await Promise.all([
        import('graphology-layout-forceatlas2/worker'),
        import('graphology-layout-forceatlas2'),
      ]);
      if (!this.sigma) return;
      const settings = forceAtlas2.inferSettings(this.graph);
      // Strong gravity keeps isolated participants and small islands in view instead of drifting off;
      // small graphs get more room between nodes so that labels do not overlap.
      this.layout = new Layout(this.graph, {
        settings: {
          ...settings,
          strongGravityMode: true,
          gravity: this.graph.order < 500 ? 1 : 0.05,
          scalingRatio: this.graph.order < 500 ? 10 : 2,
          slowDown: 10,
          edgeWeightInfluence: 1,
        },
      });
    }
    this.edgesHiddenForLayout = this.isLarge();
    this.layout.start();
    this.callbacks.onLayoutChange?.(true);
    clearTimeout(this.layoutTimer);
    this.layoutTimer = setTimeout(() => this.stopLayout(), LAYOUT_MS);
  }

  stopLayout(): void {
    clearTimeout(this.layoutTimer);
    if (!this.layout?.isRunning()) return;
    this.layout.stop();
    if (this.edgesHiddenForLayout) {
      this.edgesHiddenForLayout = false;
      this.sigma?.refresh({ skipIndexation: true });
    }
    this.callbacks.onLayoutChange?.(false);
  }

  /**
   * Past this size the layout waits for the operator: every layout frame redraws the whole graph, which
   * software-rendered WebGL (no GPU) takes seconds over.
   */
  isLarge(): boolean {
    return this.data.nodes.id.length > LARGE_GRAPH_NODES;
  }

  /** The graph came with positions an Atlas run laid out: no layout needs to start on its own. */
  isLaidOut(): boolean {
    return storedPositions(this.data) !== null;
  }

  isLayoutRunning(): boolean {
    return this.layout?.isRunning() ?? false;
  }

  /** Where each participant is now, for the next graph of the same page. */
  positions(): Map<string, { x: number; y: number }> {
    const positions = new Map<string, { x: number; y: number }>();
    this.graph.forEachNode((node, attrs) => positions.set(node, { x: attrs.x, y: attrs.y }));
    return positions;
  }

  kill(): void {
    clearTimeout(this.layoutTimer);
    this.layout?.kill();
    this.layout = null;
    this.sigma?.kill();
    this.sigma = null;
  }
}
