import type { CsrGraph } from './csr';

export interface BridgingResult {
  /**
   * Participation coefficient per node: P_i = 1 − Σ_c (k_ic / k_i)², with k_i the node's distinct
   * neighbours and k_ic those in community c. 0 when every neighbour is in one community (or there are
   * none); it approaches 1 as neighbours spread evenly over many communities.
   */
  participation: Float64Array;
  /** How many different communities a node's neighbours belong to. */
  neighbourCommunities: Int32Array;
  /** Neighbours outside the node's own community (community-boundary degree). */
  boundaryDegree: Int32Array;
}

/**
 * Bridging scores from a partition, in O(n + m): one pass over each node's distinct neighbours with a
 * per-community counter cleared through a list of the communities touched. Counts neighbours, not edge
 * weights, so a reason can cite them as people ("links two communities of …").
 */
export function bridgingScores(g: CsrGraph, community: Int32Array, communityCount: number): BridgingResult {
  const n = g.nodeCount;
  if (community.length !== n)
    throw new RangeError(`community has ${community.length} entries for ${n} nodes`);
  const participation = new Float64Array(n);
  const neighbourCommunities = new Int32Array(n);
  const boundaryDegree = new Int32Array(n);
  const counts = new Int32Array(communityCount);
  const touched = new Int32Array(communityCount);
  for (let u = 0; u < n; u++) {
    const start = g.undirectedOffsets[u]!;
    const end = g.undirectedOffsets[u + 1]!;
    const k = end - start;
    if (k === 0) continue;
    const own = community[u]!;
    let touchedCount = 0;
    let boundary = 0;
    for (let e = start; e < end; e++) {
      const c = community[g.undirectedNeighbours[e]!]!;
      if (counts[c] === 0) touched[touchedCount++] = c;
      counts[c]!++;
      if (c !== own) boundary++;
    }
    let sumSquares = 0;
    for (let t = 0; t < touchedCount; t++) {
      const c = touched[t]!;
      const share = counts[c]! / k;
      sumSquares += share * share;
      counts[c] = 0;
    }
    participation[u] = 1 - sumSquares;
    neighbourCommunities[u] = touchedCount;
    boundaryDegree[u] = boundary;
  }
  return { participation, neighbourCommunities, boundaryDegree };
}
