// A compressed-sparse-row (CSR) graph over dense node ids 0..n-1, held in typed arrays so an org of
// millions of participants and relationships fits in a few hundred megabytes and every pass over it is
// a tight loop over contiguous memory (no per-node objects for the garbage collector to trace).
//
// Three views are built once, each in O(n + m):
// - out: each node's targets (a directed edge u→v is stored once here),
// - in: each node's sources (the same edges, transposed),
// - undirected: each node's distinct neighbours either way, with u→v and v→u merged into one entry
//   whose weight is their sum (what community detection and bridging read).

export interface CsrInput {
  /** Number of nodes; node ids are 0..nodeCount-1. */
  nodeCount: number;
  /** Edge sources, one per edge. */
  from: Int32Array;
  /** Edge targets, one per edge, same length as `from`. */
  to: Int32Array;
  /** Optional positive edge weights; every edge weighs 1 when omitted. */
  weight?: Float32Array;
}

export interface CsrGraph {
  readonly nodeCount: number;
  /** Distinct directed edges stored (after merging duplicates). */
  readonly edgeCount: number;
  readonly outOffsets: Int32Array;
  readonly outTargets: Int32Array;
  readonly outWeights: Float32Array;
  /** For each stored out-edge, the index in the input arrays of its first occurrence (for evidence ids). */
  readonly outEdgeIndex: Int32Array;
  readonly inOffsets: Int32Array;
  readonly inSources: Int32Array;
  readonly inWeights: Float32Array;
  readonly undirectedOffsets: Int32Array;
  readonly undirectedNeighbours: Int32Array;
  readonly undirectedWeights: Float32Array;
}

/** Input that cannot form a graph; `field` names the failing input array and `index` the entry. */
export class CsrInputError extends Error {
  constructor(
    readonly field: 'nodeCount' | 'from' | 'to' | 'weight',
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsrInputError';
  }
}

function validate(input: CsrInput): void {
  const { nodeCount: n, from, to, weight } = input;
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff)
    throw new CsrInputError('nodeCount', -1, `nodeCount must be a non-negative integer, got ${n}`);
  if (to.length !== from.length)
    throw new CsrInputError('to', -1, `to has ${to.length} entries but from has ${from.length}`);
  if (weight && weight.length !== from.length)
    throw new CsrInputError('weight', -1, `weight has ${weight.length} entries but from has ${from.length}`);
  for (let e = 0; e < from.length; e++) {
    const u = from[e]!;
    const v = to[e]!;
    if (u < 0 || u >= n) throw new CsrInputError('from', e, `from[${e}] = ${u} is outside 0..${n - 1}`);
    if (v < 0 || v >= n) throw new CsrInputError('to', e, `to[${e}] = ${v} is outside 0..${n - 1}`);
    // A relationship with oneself carries no information about the network and would distort degrees.
    if (u === v) throw new CsrInputError('to', e, `edge ${e} joins node ${u} to itself`);
    if (weight) {
      const w = weight[e]!;
      if (!(w > 0) || !Number.isFinite(w))
        throw new CsrInputError('weight', e, `weight[${e}] = ${w} must be a positive finite number`);
    }
  }
}

/** Counting-sort bucket starts: offsets[u]..offsets[u+1] will hold the entries keyed by u. */
function offsetsFromKeys(n: number, keys: Int32Array, count: number): Int32Array {
  const offsets = new Int32Array(n + 1);
  for (let e = 0; e < count; e++) offsets[keys[e]! + 1]!++;
  for (let u = 0; u < n; u++) offsets[u + 1]! += offsets[u]!;
  return offsets;
}

/**
 * Builds the graph in O(n + m) (counting sorts, no comparison sort). Duplicate directed edges (the
 * same from and to more than once, e.g. two relationship types between the same pair) are merged into
 * one stored edge whose weight is the sum; `outEdgeIndex` keeps the first one's input index. An edge
 * and its reverse (u→v and v→u) stay two directed edges and become one undirected neighbour entry.
 * Throws `CsrInputError` on ids out of range, self loops, mismatched lengths or non-positive weights.
 */
export function buildCsr(input: CsrInput): CsrGraph {
  validate(input);
  const { nodeCount: n, from, to, weight } = input;
  const m = from.length;

  // Bucket the input edges by source.
  const rawOffsets = offsetsFromKeys(n, from, m);
  const cursor = rawOffsets.slice(0, n);
  const rawTargets = new Int32Array(m);
  const rawIndex = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    const slot = cursor[from[e]!]!++;
    rawTargets[slot] = to[e]!;
    rawIndex[slot] = e;
  }

  // Merge duplicates within each source's bucket: `seenAt[v]` remembers where v was stored for the
  // current source, valid while `seenFor[v]` is that source, so the marker arrays are never cleared.
  const seenFor = new Int32Array(n).fill(-1);
  const seenAt = new Int32Array(n);
  const outOffsets = new Int32Array(n + 1);
  const outTargets = new Int32Array(m);
  const outWeights = new Float32Array(m);
  const outEdgeIndex = new Int32Array(m);
  let stored = 0;
  for (let u = 0; u < n; u++) {
    outOffsets[u] = stored;
    for (let k = rawOffsets[u]!; k < rawOffsets[u + 1]!; k++) {
      const v = rawTargets[k]!;
      const e = rawIndex[k]!;
      const w = weight ? weight[e]! : 1;
      if (seenFor[v] === u) {
        outWeights[seenAt[v]!]! += w;
      } else {
        seenFor[v] = u;
        seenAt[v] = stored;
        outTargets[stored] = v;
        outWeights[stored] = w;
        outEdgeIndex[stored] = e;
        stored++;
      }
    }
  }
  outOffsets[n] = stored;

  // Transpose for the in-view.
  const outSourceOf = new Int32Array(stored);
  for (let u = 0; u < n; u++) for (let k = outOffsets[u]!; k < outOffsets[u + 1]!; k++) outSourceOf[k] = u;
  const inOffsets = offsetsFromKeys(n, outTargets, stored);
  const inCursor = inOffsets.slice(0, n);
  const inSources = new Int32Array(stored);
  const inWeights = new Float32Array(stored);
  for (let k = 0; k < stored; k++) {
    const slot = inCursor[outTargets[k]!]!++;
    inSources[slot] = outSourceOf[k]!;
    inWeights[slot] = outWeights[k]!;
  }

  // Undirected view: out- and in-neighbours of each node, reciprocal pairs merged (same marker trick).
  seenFor.fill(-1);
  const undirectedOffsets = new Int32Array(n + 1);
  const undirectedNeighbours = new Int32Array(2 * stored);
  const undirectedWeights = new Float32Array(2 * stored);
  let entries = 0;
  const add = (u: number, v: number, w: number) => {
    if (seenFor[v] === u) {
      undirectedWeights[seenAt[v]!]! += w;
    } else {
      seenFor[v] = u;
      seenAt[v] = entries;
      undirectedNeighbours[entries] = v;
      undirectedWeights[entries] = w;
      entries++;
    }
  };
  for (let u = 0; u < n; u++) {
    undirectedOffsets[u] = entries;
    for (let k = outOffsets[u]!; k < outOffsets[u + 1]!; k++) add(u, outTargets[k]!, outWeights[k]!);
    for (let k = inOffsets[u]!; k < inOffsets[u + 1]!; k++) add(u, inSources[k]!, inWeights[k]!);
  }
  undirectedOffsets[n] = entries;

  return {
    nodeCount: n,
    edgeCount: stored,
    outOffsets,
    outTargets: outTargets.slice(0, stored),
    outWeights: outWeights.slice(0, stored),
    outEdgeIndex: outEdgeIndex.slice(0, stored),
    inOffsets,
    inSources,
    inWeights,
    undirectedOffsets,
    undirectedNeighbours: undirectedNeighbours.slice(0, entries),
    undirectedWeights: undirectedWeights.slice(0, entries),
  };
}

/** Targets of u's outgoing edges (a view, not a copy). */
export function outNeighbours(g: CsrGraph, u: number): Int32Array {
  return g.outTargets.subarray(g.outOffsets[u], g.outOffsets[u + 1]);
}

/** Sources of u's incoming edges (a view, not a copy). */
export function inNeighbours(g: CsrGraph, u: number): Int32Array {
  return g.inSources.subarray(g.inOffsets[u], g.inOffsets[u + 1]);
}

/** Distinct nodes u is related to in either direction (a view, not a copy). */
export function neighbours(g: CsrGraph, u: number): Int32Array {
  return g.undirectedNeighbours.subarray(g.undirectedOffsets[u], g.undirectedOffsets[u + 1]);
}

export function outDegree(g: CsrGraph, u: number): number {
  return g.outOffsets[u + 1]! - g.outOffsets[u]!;
}

export function inDegree(g: CsrGraph, u: number): number {
  return g.inOffsets[u + 1]! - g.inOffsets[u]!;
}

/** Number of distinct neighbours either way (u→v and v→u count once). */
export function degree(g: CsrGraph, u: number): number {
  return g.undirectedOffsets[u + 1]! - g.undirectedOffsets[u]!;
}

/** Every node's distinct-neighbour count, in one O(n) pass. */
export function degrees(g: CsrGraph): Int32Array {
  const out = new Int32Array(g.nodeCount);
  for (let u = 0; u < g.nodeCount; u++) out[u] = degree(g, u);
  return out;
}
