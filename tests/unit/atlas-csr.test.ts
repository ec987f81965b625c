import { describe, expect, it } from 'vitest';
import {
  buildCsr,
  CsrInputError,
  degree,
  degrees,
  inDegree,
  inNeighbours,
  neighbours,
  outDegree,
  outNeighbours,
} from '../../src/lib/atlas/csr';
import { graphOf } from './atlas-fixtures';

const sorted = (a: Int32Array) => [...a].sort((x, y) => x - y);

describe('atlas CSR graph', () => {
  it('stores each directed edge once and answers out-, in- and undirected neighbours', () => {
    // 0→1, 0→2, 2→0 (reciprocal with 0→2), 3→1; node 4 isolated.
    const g = graphOf(5, [
      [0, 1],
      [0, 2],
      [2, 0],
      [3, 1],
    ]);
    expect(g.edgeCount).toBe(4);
    expect(sorted(outNeighbours(g, 0))).toEqual([1, 2]);
    expect(sorted(inNeighbours(g, 0))).toEqual([2]);
    expect(sorted(inNeighbours(g, 1))).toEqual([0, 3]);
    expect(sorted(neighbours(g, 0))).toEqual([1, 2]);
    expect(sorted(neighbours(g, 1))).toEqual([0, 3]);
    expect([outDegree(g, 0), inDegree(g, 0), degree(g, 0)]).toEqual([2, 1, 2]);
    expect([...degrees(g)]).toEqual([2, 2, 1, 1, 0]);
    expect(neighbours(g, 4)).toHaveLength(0);
  });

  it('merges a reciprocal pair into one undirected entry with the summed weight', () => {
    const g = buildCsr({
      nodeCount: 2,
      from: Int32Array.of(0, 1),
      to: Int32Array.of(1, 0),
      weight: Float32Array.of(2, 3),
    });
    expect(g.edgeCount).toBe(2);
    expect(degree(g, 0)).toBe(1);
    expect(g.undirectedWeights[g.undirectedOffsets[0]!]).toBe(5);
  });

  it('merges duplicate directed edges, summing weights and keeping the first input index', () => {
    const g = buildCsr({
      nodeCount: 3,
      from: Int32Array.of(1, 0, 0, 0),
      to: Int32Array.of(2, 1, 2, 1),
      weight: Float32Array.of(1, 0.5, 1, 0.25),
    });
    expect(g.edgeCount).toBe(3);
    const start = g.outOffsets[0]!;
    const toOne = [...outNeighbours(g, 0)].indexOf(1) + start;
    expect(g.outWeights[toOne]).toBe(0.75);
    expect(g.outEdgeIndex[toOne]).toBe(1);
    expect(inDegree(g, 1)).toBe(1);
  });

  it('builds an empty graph and one without edges', () => {
    expect(graphOf(0, []).nodeCount).toBe(0);
    const g = graphOf(3, []);
    expect([...degrees(g)]).toEqual([0, 0, 0]);
  });

  it.each([
    ['an id past the last node', { nodeCount: 2, from: Int32Array.of(0), to: Int32Array.of(2) }, 'to', 0],
    ['a negative id', { nodeCount: 2, from: Int32Array.of(0, -1), to: Int32Array.of(1, 0) }, 'from', 1],
    ['a self loop', { nodeCount: 2, from: Int32Array.of(1), to: Int32Array.of(1) }, 'to', 0],
    [
      'arrays of different lengths',
      { nodeCount: 2, from: Int32Array.of(0, 1), to: Int32Array.of(1) },
      'to',
      -1,
    ],
    [
      'a zero weight',
      { nodeCount: 2, from: Int32Array.of(0), to: Int32Array.of(1), weight: Float32Array.of(0) },
      'weight',
      0,
    ],
    [
      'a NaN weight',
      { nodeCount: 2, from: Int32Array.of(0), to: Int32Array.of(1), weight: Float32Array.of(NaN) },
      'weight',
      0,
    ],
    [
      'a fractional node count',
      { nodeCount: 1.5, from: new Int32Array(0), to: new Int32Array(0) },
      'nodeCount',
      -1,
    ],
  ])('refuses %s, naming the field and entry', (_, input, field, index) => {
    let error: unknown;
    try {
      buildCsr(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsrInputError);
    expect((error as CsrInputError).field).toBe(field);
    expect((error as CsrInputError).index).toBe(index);
  });

  it('builds a 200k-edge graph in linear time', () => {
    const n = 50_000;
    const m = 200_000;
    const from = new Int32Array(m);
    const to = new Int32Array(m);
    for (let e = 0; e < m; e++) {
      from[e] = e % n;
      to[e] = ((e % n) + 1 + Math.floor(e / n)) % n; // offsets 1..4: distinct edges, none to itself
    }
    const started = performance.now();
    const g = buildCsr({ nodeCount: n, from, to });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(g.edgeCount).toBe(m);
    let total = 0;
    for (let u = 0; u < n; u++) total += outDegree(g, u);
    expect(total).toBe(m);
  });
});
