import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import type { CsrGraph } from './csr';
import { layoutsHere, type ExactLayoutJob, type ExactLayouts } from './exact-layouts';

// The building blocks of the stored layouts: a deterministic placement in order of centrality, which
// every node gets, and ForceAtlas2 (graphology-layout-forceatlas2) refining a group's most central
// nodes for a bounded number of iterations. No randomness anywhere: the same graph gives the same
// picture, so a rerun does not move anyone.

/** Distance between neighbouring nodes of a fresh placement, in layout units (as the explorer's spiral). */
export const LAYOUT_UNIT = 10;
const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));
/** How far (a share of half a turn) a node strays from the side of its neighbours. */
const SPREAD = 0.15;

/**
 * Above this many nodes ForceAtlas2 approximates repulsion with Barnes–Hut; below, every pair repels
 * exactly (k² / 2 pairs an iteration), which is cheaper for small groups.
 */
export const EXACT_REPULSION_MAX = 500;
/** Barnes–Hut costs about this many pair interactions per node and iteration (measured here). */
const BARNES_HUT_PAIRS_PER_NODE = 250;

/** Pair interactions ForceAtlas2 spends on `k` nodes over `iterations`: what a layout budget counts. */
export function forceAtlas2Cost(k: number, iterations: number): number {
  if (k < 3) return 0;
  const perIteration = k <= EXACT_REPULSION_MAX ? (k * (k - 1)) / 2 : k * BARNES_HUT_PAIRS_PER_NODE;
  return perIteration * iterations;
}

/** Where each node is, by node id; `placed` marks the nodes already given a position. */
export class Placement {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly placed: Uint8Array;
  constructor(n: number) {
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.placed = new Uint8Array(n);
  }
}

/**
 * Places `members[from..to)` (in order of centrality) on a sunflower, the most central nearest the
 * centre: the i-th at radius LAYOUT_UNIT·√(i + ½), or — continuing around `from` nodes already placed
 * within radius `inner` — at inner·√((i + ½) / (from + ½)), so the disc fills evenly outwards. Each
 * goes on the side where its already placed neighbours in the same group are (the direction of their
 * weighted centre), spread a little so that people with the same neighbours do not stack; a node whose
 * placed neighbours surround the centre, or who has none, takes the golden-angle turn of a plain
 * sunflower. O(size + edges of the group).
 */
export function placeInOrder(
  g: CsrGraph,
  group: { of: Int32Array | null; id: number },
  members: Int32Array,
  from: number,
  to: number,
  inner: number,
  at: Placement,
): void {
  const { undirectedOffsets: offsets, undirectedNeighbours: neighbours, undirectedWeights: weights } = g;
  const unit = from === 0 ? LAYOUT_UNIT : inner / Math.sqrt(from + 0.5);
  for (let i = from; i < to; i++) {
    const u = members[i]!;
    const radius = i === 0 ? 0 : unit * Math.sqrt(i + 0.5);
    let weight = 0;
    let cx = 0;
    let cy = 0;
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
      const v = neighbours[e]!;
      if (!at.placed[v] || (group.of !== null && group.of[v] !== group.id)) continue;
      const w = weights[e]!;
      weight += w;
      cx += w * at.x[v]!;
      cy += w * at.y[v]!;
    }
    const turn = (i * GOLDEN_ANGLE) % (2 * Math.PI);
    const centre = weight > 0 ? Math.hypot(cx / weight, cy / weight) : 0;
    const angle = centre > 0.25 * radius ? Math.atan2(cy, cx) + (turn - Math.PI) * SPREAD : turn;
    at.x[u] = radius * Math.cos(angle);
    at.y[u] = radius * Math.sin(angle);
    at.placed[u] = 1;
  }
}

/** Edges among `members[0..k)` (local indexes, each pair once, weights summed both ways). */
export function edgesAmong(
  g: CsrGraph,
  group: { of: Int32Array | null; id: number },
  members: Int32Array,
  indexInGroup: Int32Array,
  k: number,
): { from: number[]; to: number[]; weight: number[] } {
  const edges = { from: [] as number[], to: [] as number[], weight: [] as number[] };
  for (let i = 0; i < k; i++) {
    const u = members[i]!;
    for (let e = g.undirectedOffsets[u]!; e < g.undirectedOffsets[u + 1]!; e++) {
      const v = g.undirectedNeighbours[e]!;
      if (group.of !== null && group.of[v] !== group.id) continue;
      const j = indexInGroup[v]!;
      if (j <= i || j >= k) continue;
      edges.from.push(i);
      edges.to.push(j);
      edges.weight.push(g.undirectedWeights[e]!);
    }
  }
  return edges;
}

/** A group to refine: its `k` most central `members` and the edges among them (local indexes). */
export interface LayoutGroup {
  members: Int32Array;
  k: number;
  edges: { from: number[]; to: number[]; weight: number[] };
}

/**
 * ForceAtlas2 over each group's `members[0..k)` from their current positions, for `iterations` steps,
 * with the library's settings for a graph of that size (strong gravity keeps loose nodes in view):
 * exact repulsion by exactForceAtlas2 up to EXACT_REPULSION_MAX nodes — those handed to `layouts`
 * together, which may work them out on two threads — and Barnes–Hut by the library above.
 */
export function refineWithForceAtlas2(
  groups: LayoutGroup[],
  iterations: number,
  at: Placement,
  layouts: ExactLayouts = layoutsHere,
): void {
  if (iterations <= 0) return;
  const exact: { group: LayoutGroup; job: ExactLayoutJob }[] = [];
  for (const group of groups) {
    const { members, k, edges } = group;
    if (k < 3) continue;
    const settings = { ...forceAtlas2.inferSettings(k), edgeWeightInfluence: 1 };
    if (k > EXACT_REPULSION_MAX) {
      barnesHut(group, iterations, settings, at);
      continue;
    }
    // The same layout, a third of the time (decision 054).
    const x = Float64Array.from({ length: k }, (_, i) => at.x[members[i]!]!);
    const y = Float64Array.from({ length: k }, (_, i) => at.y[members[i]!]!);
    exact.push({ group, job: { x, y, edges, iterations, settings } });
  }
  layouts.run(exact.map(({ job }) => job));
  for (const { group, job } of exact) {
    for (let i = 0; i < group.k; i++) {
      at.x[group.members[i]!] = job.x[i]!;
      at.y[group.members[i]!] = job.y[i]!;
    }
  }
}

function barnesHut(
  { members, k, edges }: LayoutGroup,
  iterations: number,
  settings: ReturnType<typeof forceAtlas2.inferSettings>,
  at: Placement,
): void {
  const graph = new Graph<{ x: number; y: number }, { weight: number }>({ type: 'undirected' });
  for (let i = 0; i < k; i++) graph.addNode(i, { x: at.x[members[i]!]!, y: at.y[members[i]!]! });
  for (let e = 0; e < edges.from.length; e++)
    graph.addUndirectedEdge(edges.from[e]!, edges.to[e]!, { weight: edges.weight[e]! });
  forceAtlas2.assign(graph, {
    iterations,
    getEdgeWeight: 'weight',
    settings: { ...settings, barnesHutOptimize: true },
  });
  graph.forEachNode((key, attributes) => {
    const u = members[Number(key)]!;
    at.x[u] = attributes.x;
    at.y[u] = attributes.y;
  });
}

/**
 * Centres `members[0..k)` on the origin and scales them to the spread a fresh placement of k nodes has
 * (root-mean-square radius LAYOUT_UNIT·√(k/2)), so every layout is on one scale whatever ForceAtlas2
 * did to it. Returns the largest radius afterwards.
 */
export function normalise(members: Int32Array, k: number, at: Placement): number {
  if (k === 0) return 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < k; i++) {
    cx += at.x[members[i]!]!;
    cy += at.y[members[i]!]!;
  }
  cx /= k;
  cy /= k;
  let squares = 0;
  for (let i = 0; i < k; i++) {
    const u = members[i]!;
    squares += (at.x[u]! - cx) ** 2 + (at.y[u]! - cy) ** 2;
  }
  const rms = Math.sqrt(squares / k);
  const scale = rms > 0 ? (LAYOUT_UNIT * Math.sqrt(k / 2)) / rms : 1;
  let outer = 0;
  for (let i = 0; i < k; i++) {
    const u = members[i]!;
    at.x[u] = (at.x[u]! - cx) * scale;
    at.y[u] = (at.y[u]! - cy) * scale;
    outer = Math.max(outer, Math.hypot(at.x[u]!, at.y[u]!));
  }
  return outer;
}

/** Position `index` on a sunflower ring that starts beyond `radius` (for what a layout leaves out). */
export function ringBeyond(radius: number, index: number): { x: number; y: number } {
  const r = radius + LAYOUT_UNIT * (1 + Math.sqrt(index + 0.5));
  return { x: r * Math.cos(index * GOLDEN_ANGLE), y: r * Math.sin(index * GOLDEN_ANGLE) };
}
