import type Graph from 'graphology';
import type Sigma from 'sigma';
import { communityNodeSize, dominantStage, linkWidth, type CommunityOverview } from './community-model';
import { edgeColour, type GraphPalette } from './graph-model';
import { markFirstFrame } from './first-frame';
import { loadSigmaModules } from './sigma-modules';
import { WebGLUnavailableError, webgl2Available } from './graph-renderer';

// The canvas of the overview: each community a disc at the position the Atlas run stored, sized by its
// members and coloured by its most common stage, with lines between communities as wide as the
// relationships between them are many. Nothing is laid out here: a thousand discs draw at once.
// Browser only; sigma is imported on demand.

export interface CommunityRendererCallbacks {
  onHover?: (index: number | null, at: { x: number; y: number }) => void;
  onClick?: (index: number) => void;
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
  size: number;
  color: string;
  share: number;
}

const key = (index: number) => `c${index}`;

/** Canvas labels stay short (the list and the tooltip carry the whole name), so fewer collide. */
const shortLabel = (label: string) => (label.length > 30 ? `${label.slice(0, 29).trimEnd()}…` : label);

export class CommunityRenderer {
  private highlight: string | null = null;
  private neighbours = new Set<string>();

  private constructor(
    private readonly data: CommunityOverview,
    private readonly graph: Graph<NodeAttributes, EdgeAttributes>,
    private sigma: Sigma<NodeAttributes, EdgeAttributes> | null,
    private palette: GraphPalette,
  ) {}

  static async create(
    container: HTMLElement,
    data: CommunityOverview,
    palette: GraphPalette,
    callbacks: CommunityRendererCallbacks = {},
    signal?: AbortSignal,
  ): Promise<CommunityRenderer> {
    if (!webgl2Available()) throw new WebGLUnavailableError();
    const [{ default: GraphClass }, { default: SigmaClass }] = await loadSigmaModules();
    // A canvas given up while the modules loaded must not draw into the container its successor uses.
    if (signal?.aborted) throw signal.reason;
    const graph = new GraphClass<NodeAttributes, EdgeAttributes>({ type: 'undirected' });
    const renderer = new CommunityRenderer(data, graph, null, palette);
    const largest = data.communities[0]?.size ?? 1;
    const side = Math.min(container.clientWidth, container.clientHeight) || 600;
    data.communities.forEach((c, i) =>
      graph.addNode(key(i), {
        i,
        x: c.x,
        y: c.y,
        size: communityNodeSize(c.size, largest, data.communities.length, side),
        color: '',
        label: shortLabel(c.label),
      }),
    );
    const index = new Map(data.communities.map((c, i) => [c.community, i]));
    const strongest = data.links[0]?.count ?? 1;
    for (const link of data.links) {
      const from = index.get(link.from);
      const to = index.get(link.to);
      if (from === undefined || to === undefined) continue;
      graph.addUndirectedEdge(key(from), key(to), {
        size: linkWidth(link.count, strongest),
        color: '',
        share: Math.log(link.count + 1) / Math.log(strongest + 1),
      });
    }
    renderer.colour();
    const sigma = new SigmaClass<NodeAttributes, EdgeAttributes>(graph, container, {
      settings: {
        hideEdgesOnMove: data.links.length > 2000,
        labelRenderedSizeThreshold: 11,
        labelDensity: 0.25,
        stagePadding: 32,
        itemSizesReference: 'screen',
        autoRescaleContent: 'nodes',
      },
      nodeReducer: (node, _display, attrs) => renderer.reduceNode(node, attrs),
      edgeReducer: (edge, _display, attrs) => renderer.reduceEdge(edge, attrs),
    });
    renderer.sigma = sigma;
    markFirstFrame();
    sigma.on('enterNode', ({ node, event }) => {
      callbacks.onHover?.(graph.getNodeAttribute(node, 'i'), { x: event.x, y: event.y });
      container.style.cursor = 'pointer';
    });
    sigma.on('leaveNode', ({ event }) => {
      callbacks.onHover?.(null, { x: event.x, y: event.y });
      container.style.cursor = '';
    });
    sigma.on('clickNode', ({ node }) => callbacks.onClick?.(graph.getNodeAttribute(node, 'i')));
    return renderer;
  }

  private colour(): void {
    this.graph.updateEachNodeAttributes((_node, attrs) => {
      const stage = dominantStage(this.data.communities[attrs.i]!.stageCounts);
      attrs.color = stage ? this.palette.stage[stage] : this.palette.muted;
      return attrs;
    });
    this.graph.updateEachEdgeAttributes((_edge, attrs) => {
      attrs.color = edgeColour(this.palette.edge, 0.2 + 0.8 * attrs.share, 0);
      return attrs;
    });
  }

  private reduceNode(node: string, attrs: NodeAttributes) {
    const labelColor = this.palette.foreground;
    if (this.highlight === null) return { labelColor };
    if (node === this.highlight) {
      return { labelColor, highlighted: true, zIndex: 2, labelVisibility: 'visible' as const };
    }
    if (this.neighbours.has(node)) return { labelColor, zIndex: 1 };
    return { labelColor, color: `${attrs.color.slice(0, 7)}40`, label: null, zIndex: 0 };
  }

  private reduceEdge(edge: string, attrs: EdgeAttributes) {
    if (this.highlight === null) return {};
    const [source, target] = this.graph.extremities(edge);
    if (source !== this.highlight && target !== this.highlight) return { visibility: 'hidden' as const };
    return { color: edgeColour(this.palette.foreground, 0.35 + 0.5 * attrs.share, 0), zIndex: 1 };
  }

  /** Highlights a community and those it is linked to (hover, or the list's focus); null clears it. */
  setHighlight(index: number | null): void {
    const next = index === null ? null : key(index);
    if (next === this.highlight) return;
    this.highlight = next && this.graph.hasNode(next) ? next : null;
    this.neighbours = this.highlight ? new Set(this.graph.neighbors(this.highlight)) : new Set();
    this.sigma?.refresh({ skipIndexation: true });
  }

  setPalette(palette: GraphPalette): void {
    if (JSON.stringify(palette) === JSON.stringify(this.palette)) return;
    this.palette = palette;
    this.colour();
  }

  zoom(factor: number): void {
    const camera = this.sigma?.getCamera();
    if (!camera) return;
    void camera.animate({ ratio: camera.getState().ratio / factor }, { duration: 250 });
  }

  resetCamera(): void {
    void this.sigma?.getCamera().animate({ x: 0.5, y: 0.5, ratio: 1, angle: 0 }, { duration: 400 });
  }

  kill(): void {
    this.sigma?.kill();
    this.sigma = null;
  }
}
