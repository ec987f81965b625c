// Where each node's score stands among all nodes, for reasons such as "top 3% by PageRank".

export interface TopShareOptions {
  /**
   * Scores closer than this count as equal (compared after rounding to multiples of it), so that
   * floating-point noise between nodes in the same position does not split a tie. Default: exact.
   */
  quantum?: number;
}

/**
 * For each node, the share of nodes (0..1] whose score is at least its own: the best node of 1000 gets
 * 0.001 ("top 0.1%"), and a node is in the top 3% exactly when its share is ≤ 0.03.
 *
 * Ties all take the share of the whole tied group, i.e. the worst position among them, so the value
 * does not depend on node order and a reason never claims more than the numbers support (if everyone
 * ties, everyone is "top 100%"). O(n log n): one numeric sort of a copy and a binary search per node.
 */
export function topShares(scores: ArrayLike<number>, options: TopShareOptions = {}): Float64Array {
  const n = scores.length;
  const { quantum } = options;
  const key = (v: number) => (quantum ? Math.round(v / quantum) : v);
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = scores[i]!;
    if (Number.isNaN(v)) throw new RangeError(`scores[${i}] is not a number`);
    sorted[i] = key(v);
  }
  sorted.sort();
  const shares = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // First index whose value is ≥ this node's: everything from there on is at least as high.
    const v = key(scores[i]!);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    shares[i] = (n - lo) / n;
  }
  return shares;
}

/** The share as a whole percentage for a reason's text, never rounded below the truth: 0.021 → 3. */
export function topPercent(share: number): number {
  return Math.max(1, Math.ceil(share * 100 - 1e-9));
}
