import { describe, expect, it } from 'vitest';
import { buildCsr, type CsrGraph } from '../../src/lib/atlas/csr';
import { pagerankScores } from '../../src/lib/atlas/pagerank';
import { createRandom } from '../../src/lib/seed/random';
import { graphOf } from './atlas-fixtures';

const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);

/**
 * The textbook definition on a dense n×n matrix, iterated far past convergence: the reference the
 * sparse implementation must agree with (graphology-metrics is not a dependency of this project).
 */
function densePagerank(n: number, edges: [number, number, number][], undirected: boolean, d = 0.85) {
  const w = Array.from({ length: n }, () => new Float64Array(n));
  for (const [u, v, weight] of edges) {
    w[u]![v]! += weight;
    if (undirected) w[v]![u]! += weight;
  }
  const outWeight = w.map((row) => row.reduce((a, b) => a + b, 0));
  let x = new Float64Array(n).fill(1 / n);
  for (let it = 0; it < 1000; it++) {
    const next = new Float64Array(n);
    for (let v = 0; v < n; v++) {
      let s = (1 - d) / n;
      for (let u = 0; u < n; u++) {
        const out = outWeight[u]!;
        s += out === 0 ? (d * x[u]!) / n : (d * x[u]! * w[u]![v]!) / out;
      }
      next[v] = s;
    }
    x = next;
  }
  return x;
}

function randomGraph(seed: number, n: number, m: number): { g: CsrGraph; edges: [number, number, number][] } {
  const random = createRandom(seed);
  const edges: [number, number, number][] = [];
  while (edges.length < m) {
    const u = Math.floor(random() * n);
    const v = Math.floor(random() * n);
    if (u !== v) edges.push([u, v, 0.25 + Math.floor(random() * 8) / 4]);
  }
  const g = buildCsr({
    nodeCount: n,
    from: Int32Array.from(edges.map((e) => e[0])),
    to: Int32Array.from(edges.map((e) => e[1])),
    weight: Float32Array.from(edges.map((e) => e[2])),
  });
  return { g, edges };
}

describe('atlas PageRank', () => {
  it('gives each node of a cycle and of a reciprocal pair an equal share', () => {
    const cycle = pagerankScores(
      graphOf(3, [
        [0, 1],
        [1, 2],
        [2, 0],
      ]),
    );
    for (const v of cycle.scores) expect(v).toBeCloseTo(1 / 3, 12);
    const pair = pagerankScores(
      graphOf(2, [
        [0, 1],
        [1, 0],
      ]),
    );
    expect([...pair.scores]).toEqual([0.5, 0.5]);
  });

  it('matches the hand-solved value with a dangling node: 0→1 gives 0.5/1.425 and 0.925/1.425', () => {
    // x0 = 0.15/2 + 0.85·x1/2 (x1 dangles, spread evenly) and x0 + x1 = 1 ⇒ x0 = 0.5 / 1.425.
    const { scores, converged } = pagerankScores(graphOf(2, [[0, 1]]));
    expect(converged).toBe(true);
    expect(scores[0]).toBeCloseTo(0.5 / 1.425, 10);
    expect(scores[1]).toBeCloseTo(0.925 / 1.425, 10);
  });

  it('matches the hand-solved value for three leaves pointing at a centre', () => {
    // leaf a = 0.15/4 + 0.85·x0/4 with x0 = 1 − 3a ⇒ a = 0.25 / 1.6375.
    const { scores } = pagerankScores(
      graphOf(4, [
        [1, 0],
        [2, 0],
        [3, 0],
      ]),
    );
    const leaf = 0.25 / 1.6375;
    expect(scores[1]).toBeCloseTo(leaf, 10);
    expect(scores[0]).toBeCloseTo(1 - 3 * leaf, 10);
    expect(sum(scores)).toBeCloseTo(1, 12);
  });

  it.each([
    [1, 12, 30, false],
    [2, 25, 80, false],
    [3, 25, 80, true],
    [4, 40, 60, false], // sparse: many dangling and isolated nodes
  ])(
    'agrees with the dense reference (seed %i, %i nodes, %i weighted edges, undirected: %s)',
    (seed, n, m, undirected) => {
      const { g, edges } = randomGraph(seed, n, m);
      const { scores, converged } = pagerankScores(g, { undirected });
      const reference = densePagerank(n, edges, undirected);
      expect(converged).toBe(true);
      expect(sum(scores)).toBeCloseTo(1, 12);
      for (let v = 0; v < n; v++) expect(scores[v]).toBeCloseTo(reference[v]!, 9);
    },
  );

  it('stops at the iteration limit, still summing to 1, and handles the empty graph', () => {
    const { g } = randomGraph(5, 30, 90);
    const capped = pagerankScores(g, { maxIterations: 2 });
    expect(capped.iterations).toBe(2);
    expect(capped.converged).toBe(false);
    expect(sum(capped.scores)).toBeCloseTo(1, 12);
    expect(pagerankScores(graphOf(0, [])).scores).toHaveLength(0);
    const isolated = pagerankScores(graphOf(4, []));
    for (const v of isolated.scores) expect(v).toBeCloseTo(0.25, 12);
  });
});
