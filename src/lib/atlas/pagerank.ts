import type { CsrGraph } from './csr';

export interface CentralityOptions {
  /** Probability of following an edge rather than jumping to a random node (PageRank's d). */
  damping?: number;
  /** Stop when the L1 change between two iterations falls below this. */
  tolerance?: number;
  maxIterations?: number;
  /** Follow edges both ways (relationships without a meaningful direction); default: along `from → to`. */
  undirected?: boolean;
}

export interface CentralityResult {
  /** One PageRank score per node; the scores sum to 1. */
  scores: Float64Array;
  iterations: number;
  converged: boolean;
}

/**
 * PageRank by power iteration, O(iterations × (n + m)) time and O(n) extra memory.
 *
 *   x'[v] = (1 − d) / n + d · D / n + d · Σ_{u→v} x[u] · w(u,v) / s(u)
 *
 * where s(u) is u's total outgoing weight and D the score held by dangling nodes (s(u) = 0), which is
 * spread evenly over all nodes so no score leaks out and the scores keep summing to 1.
 */
export function pagerankScores(
  g: Pick<CsrGraph, 'nodeCount' | 'outOffsets' | 'outTargets' | 'outWeights'> &
    Partial<Pick<CsrGraph, 'undirectedOffsets' | 'undirectedNeighbours' | 'undirectedWeights'>>,
  options: CentralityOptions = {},
): CentralityResult {
  const { damping = 0.85, tolerance = 1e-10, maxIterations = 100, undirected = false } = options;
  const n = g.nodeCount;
  if (n === 0) return { scores: new Float64Array(0), iterations: 0, converged: true };

  const offsets = undirected ? g.undirectedOffsets! : g.outOffsets;
  const targets = undirected ? g.undirectedNeighbours! : g.outTargets;
  const weights = undirected ? g.undirectedWeights! : g.outWeights;

  const strength = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    let s = 0;
    for (let k = offsets[u]!; k < offsets[u + 1]!; k++) s += weights[k]!;
    strength[u] = s;
  }

  let x = new Float64Array(n).fill(1 / n);
  let next = new Float64Array(n);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    let dangling = 0;
    for (let u = 0; u < n; u++) if (strength[u] === 0) dangling += x[u]!;
    next.fill((1 - damping) / n + (damping * dangling) / n);
    // Push each node's share along its edges: one sequential pass over the CSR.
    for (let u = 0; u < n; u++) {
      const s = strength[u]!;
      if (s === 0) continue;
      const share = (damping * x[u]!) / s;
      for (let k = offsets[u]!; k < offsets[u + 1]!; k++) next[targets[k]!]! += share * weights[k]!;
    }
    // Renormalise against floating-point drift so the result sums to 1 however many iterations run.
    let total = 0;
    for (let v = 0; v < n; v++) total += next[v]!;
    let change = 0;
    for (let v = 0; v < n; v++) {
      next[v]! /= total;
      change += Math.abs(next[v]! - x[v]!);
    }
    [x, next] = [next, x];
    if (change < tolerance) {
      converged = true;
      break;
    }
  }
  return { scores: x, iterations, converged };
}
