import { createRandom } from '../seed/random';
import type { CsrGraph } from './csr';

// Louvain community detection on the undirected, weighted view of the CSR, written here rather than
// taken from graphology-communities-louvain (not a dependency) so it runs on typed arrays at 1M+ nodes.
//
// Modularity, with m the total edge weight, k_i a node's weighted degree and γ the resolution:
//   Q = Σ_c [ Σ_in(c) / 2m − γ (Σ_tot(c) / 2m)² ]
// Moving a lone node i into community C changes Q in proportion to
//   k_i,C − γ · Σ_tot(C) · k_i / 2m
// (k_i,C: weight from i into C), so each move compares that quantity across neighbouring communities.
//
// One round is (a) local moving: visit nodes in a seeded random order, move each to the neighbouring
// community with the best gain, revisiting only nodes whose neighbourhood changed, until none moves;
// then (b) aggregation: each community becomes one node, edges between communities summed, edges
// inside kept as a self-loop weight. Rounds
// repeat on the aggregate until nothing moves. A full pass over the nodes is O(n + m); later passes
// touch only the changing part and the aggregate shrinks quickly, so a run is a few times O(n + m).

export interface CommunityOptions {
  /** γ: above 1 favours smaller communities, below 1 larger ones. */
  resolution?: number;
  /** Seed of the visiting order, so the same graph always gives the same communities. */
  seed?: number;
  /** Upper bound on node visits per round, as a multiple of the node count. */
  maxSweeps?: number;
}

export interface CommunityResult {
  /** Community id per node: 0..count-1, numbered by size (largest first), ties by smallest member id. */
  community: Int32Array;
  count: number;
  /** Community sizes, indexed by community id. */
  sizes: Int32Array;
  modularity: number;
}

/** The working graph of one round: undirected adjacency (each edge in both rows) plus self-loop weights. */
interface RoundGraph {
  n: number;
  offsets: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
  /** Weight of edges folded inside this node by aggregation, each counted once. */
  selfWeight: Float64Array;
}

function strengths(g: RoundGraph): Float64Array {
  const k = new Float64Array(g.n);
  for (let u = 0; u < g.n; u++) {
    let s = 2 * g.selfWeight[u]!;
    for (let e = g.offsets[u]!; e < g.offsets[u + 1]!; e++) s += g.weights[e]!;
    k[u] = s;
  }
  return k;
}

/** Local moving; returns the community per node (ids are node ids of the round graph) and whether any moved. */
function moveNodes(
  g: RoundGraph,
  resolution: number,
  random: () => number,
  maxSweeps: number,
): { community: Int32Array; moved: boolean } {
  const { n, offsets, targets, weights } = g;
  const k = strengths(g);
  let twoM = 0;
  for (let u = 0; u < n; u++) twoM += k[u]!;
  const community = new Int32Array(n);
  for (let u = 0; u < n; u++) community[u] = u;
  if (twoM === 0) return { community, moved: false };
  const total = Float64Array.from(k); // Σ_tot per community

  // Fisher–Yates with the seeded generator: a fixed, unbiased visiting order.
  const order = new Int32Array(n);
  for (let u = 0; u < n; u++) order[u] = u;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }

  // Fast local moving: a queue that starts with every node in the seeded order and afterwards holds
  // only nodes whose neighbourhood changed (a moved node's neighbours outside its new community), so
  // settled regions are not swept again. Every move raises Q strictly, so the queue drains; the visit
  // budget is a safeguard against floating-point cycling.
  const queue = order; // circular buffer of capacity n; each node is in it at most once
  const queued = new Uint8Array(n).fill(1);
  let head = 0;
  let size = n;
  // Weight from the current node into each neighbouring community, cleared through `touched`.
  const toCommunity = new Float64Array(n);
  const touched = new Int32Array(n);
  let moved = false;
  let budget = maxSweeps * n;
  while (size > 0 && budget-- > 0) {
    const u = queue[head]!;
    head = head + 1 === n ? 0 : head + 1;
    size--;
    queued[u] = 0;
    const own = community[u]!;
    let touchedCount = 0;
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
      const c = community[targets[e]!]!;
      if (toCommunity[c] === 0) touched[touchedCount++] = c;
      toCommunity[c]! += weights[e]!;
    }
    const ku = k[u]!;
    total[own]! -= ku;
    // Staying put is the baseline; a move must beat it strictly, so equal gains never cause churn.
    let best = own;
    let bestGain = toCommunity[own]! - (resolution * total[own]! * ku) / twoM;
    for (let t = 0; t < touchedCount; t++) {
      const c = touched[t]!;
      const gain = toCommunity[c]! - (resolution * total[c]! * ku) / twoM;
      if (gain > bestGain + 1e-12) {
        best = c;
        bestGain = gain;
      }
    }
    total[best]! += ku;
    for (let t = 0; t < touchedCount; t++) toCommunity[touched[t]!] = 0;
    if (best === own) continue;
    community[u] = best;
    moved = true;
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
      const v = targets[e]!;
      if (queued[v] || community[v] === best) continue;
      queued[v] = 1;
      let tail = head + size;
      if (tail >= n) tail -= n;
      queue[tail] = v;
      size++;
    }
  }
  return { community, moved };
}

/** Renumbers community ids to 0..count-1 in order of first appearance; returns the count. */
function compact(community: Int32Array): number {
  const map = new Int32Array(community.length).fill(-1);
  let count = 0;
  for (let u = 0; u < community.length; u++) {
    const c = community[u]!;
    if (map[c] === -1) map[c] = count++;
    community[u] = map[c]!;
  }
  return count;
}

/** Collapses each community into one node, in O(n + m). */
function aggregate(g: RoundGraph, community: Int32Array, count: number): RoundGraph {
  // Members of each community, bucketed.
  const memberOffsets = new Int32Array(count + 1);
  for (let u = 0; u < g.n; u++) memberOffsets[community[u]! + 1]!++;
  for (let c = 0; c < count; c++) memberOffsets[c + 1]! += memberOffsets[c]!;
  const cursor = memberOffsets.slice(0, count);
  const members = new Int32Array(g.n);
  for (let u = 0; u < g.n; u++) members[cursor[community[u]!]!++] = u;

  // Sized for the worst case (no two edges merge); trimmed at the end.
  const offsets = new Int32Array(count + 1);
  const targets = new Int32Array(g.targets.length);
  const weights = new Float64Array(g.targets.length);
  let stored = 0;
  const selfWeight = new Float64Array(count);
  const acc = new Float64Array(count);
  const touched = new Int32Array(count);
  for (let c = 0; c < count; c++) {
    offsets[c] = stored;
    let touchedCount = 0;
    let inside = 0;
    for (let i = memberOffsets[c]!; i < memberOffsets[c + 1]!; i++) {
      const u = members[i]!;
      selfWeight[c]! += g.selfWeight[u]!;
      for (let e = g.offsets[u]!; e < g.offsets[u + 1]!; e++) {
        const d = community[g.targets[e]!]!;
        if (d === c) {
          inside += g.weights[e]!;
          continue;
        }
        if (acc[d] === 0) touched[touchedCount++] = d;
        acc[d]! += g.weights[e]!;
      }
    }
    // Each inside edge was seen from both of its ends.
    selfWeight[c]! += inside / 2;
    for (let t = 0; t < touchedCount; t++) {
      const d = touched[t]!;
      targets[stored] = d;
      weights[stored] = acc[d]!;
      stored++;
      acc[d] = 0;
    }
  }
  offsets[count] = stored;
  return {
    n: count,
    offsets,
    targets: targets.slice(0, stored),
    weights: weights.slice(0, stored),
    selfWeight,
  };
}

function roundGraphFromCsr(g: CsrGraph): RoundGraph {
  return {
    n: g.nodeCount,
    offsets: g.undirectedOffsets,
    targets: g.undirectedNeighbours,
    weights: Float64Array.from(g.undirectedWeights),
    selfWeight: new Float64Array(g.nodeCount),
  };
}

/** Q of a partition of the CSR's undirected view, by the formula above; O(n + m). */
export function modularity(g: CsrGraph, community: Int32Array, resolution = 1): number {
  const n = g.nodeCount;
  let twoM = 0;
  const inside = new Float64Array(n);
  const total = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    const c = community[u]!;
    for (let e = g.undirectedOffsets[u]!; e < g.undirectedOffsets[u + 1]!; e++) {
      const w = g.undirectedWeights[e]!;
      twoM += w;
      total[c]! += w;
      if (community[g.undirectedNeighbours[e]!] === c) inside[c]! += w;
    }
  }
  if (twoM === 0) return 0;
  let q = 0;
  for (let c = 0; c < n; c++) q += inside[c]! / twoM - resolution * (total[c]! / twoM) ** 2;
  return q;
}

/** Louvain communities of the graph's undirected view. Isolated nodes are each their own community. */
export function louvainCommunities(g: CsrGraph, options: CommunityOptions = {}): CommunityResult {
  const { resolution = 1, seed = 1, maxSweeps = 50 } = options;
  const random = createRandom(seed);
  const n = g.nodeCount;
  // Community of each original node, composed through the rounds.
  const community = new Int32Array(n);
  for (let u = 0; u < n; u++) community[u] = u;

  let round = roundGraphFromCsr(g);
  for (;;) {
    const { community: moved, moved: changed } = moveNodes(round, resolution, random, maxSweeps);
    if (!changed) break;
    const count = compact(moved);
    for (let u = 0; u < n; u++) community[u] = moved[community[u]!]!;
    if (count === round.n) break;
    round = aggregate(round, moved, count);
  }

  // Final ids by size, largest first, ties by smallest member: stable labels for the same graph.
  const count = compact(community);
  const sizeOf = new Int32Array(count);
  const firstMember = new Int32Array(count).fill(-1);
  for (let u = 0; u < n; u++) {
    const c = community[u]!;
    sizeOf[c]!++;
    if (firstMember[c] === -1) firstMember[c] = u;
  }
  const byOrder = Array.from({ length: count }, (_, c) => c).sort(
    (a, b) => sizeOf[b]! - sizeOf[a]! || firstMember[a]! - firstMember[b]!,
  );
  const newId = new Int32Array(count);
  const sizes = new Int32Array(count);
  byOrder.forEach((c, i) => {
    newId[c] = i;
    sizes[i] = sizeOf[c]!;
  });
  for (let u = 0; u < n; u++) community[u] = newId[community[u]!]!;
  return { community, count, sizes, modularity: modularity(g, community, resolution) };
}
