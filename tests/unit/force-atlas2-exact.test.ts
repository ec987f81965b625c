import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import { describe, expect, it } from 'vitest';
import { exactForceAtlas2 } from '../../src/lib/atlas/force-atlas2-exact';

/** A small weighted graph with a deterministic shape: a ring, chords and a few heavy links. */
function sample(k: number) {
  const edges = { from: [] as number[], to: [] as number[], weight: [] as number[] };
  for (let i = 0; i < k; i++) {
    edges.from.push(i);
    edges.to.push((i + 1) % k);
    edges.weight.push(1);
    if (i % 3 === 0) {
      edges.from.push(i);
      edges.to.push((i * 7 + 5) % k);
      edges.weight.push(0.25 + (i % 5) / 4);
    }
  }
  const x = Float64Array.from({ length: k }, (_, i) => 10 * Math.sqrt(i + 0.5) * Math.cos(i * 2.39996));
  const y = Float64Array.from({ length: k }, (_, i) => 10 * Math.sqrt(i + 0.5) * Math.sin(i * 2.39996));
  return { edges, x, y };
}

describe('exactForceAtlas2', () => {
  // The library rounds every value to float32: step by step the two agree to that precision; over many
  // steps its rounding grows as any such iteration's does, and the two pictures stay close.
  it("moves every node where graphology's ForceAtlas2 moves it", () => {
    for (const [k, iterations, tolerance] of [
      [3, 5, 1e-6],
      [40, 3, 1e-5],
      [150, 3, 1e-5],
    ] as const) {
      const { edges, x, y } = sample(k);
      const graph = new Graph<{ x: number; y: number }, { weight: number }>({ type: 'undirected' });
      for (let i = 0; i < k; i++) graph.addNode(i, { x: x[i]!, y: y[i]! });
      for (let e = 0; e < edges.from.length; e++) {
        if (!graph.hasEdge(edges.from[e]!, edges.to[e]!))
          graph.addUndirectedEdge(edges.from[e]!, edges.to[e]!, { weight: edges.weight[e]! });
      }
      const kept = { from: [] as number[], to: [] as number[], weight: [] as number[] };
      graph.forEachEdge((_edge, attributes, source, target) => {
        kept.from.push(Number(source));
        kept.to.push(Number(target));
        kept.weight.push(attributes.weight);
      });
      const settings = { ...forceAtlas2.inferSettings(k), barnesHutOptimize: false, edgeWeightInfluence: 1 };
      forceAtlas2.assign(graph, { iterations, getEdgeWeight: 'weight', settings });
      exactForceAtlas2(x, y, kept, iterations, settings);
      const spread = Math.max(...Array.from(x, Math.abs), ...Array.from(y, Math.abs));
      graph.forEachNode((key, attributes) => {
        const i = Number(key);
        expect(Math.abs(attributes.x - x[i]!)).toBeLessThan(tolerance * spread);
        expect(Math.abs(attributes.y - y[i]!)).toBeLessThan(tolerance * spread);
      });
    }
  });

  it("draws over many steps a picture as tight as the library's", () => {
    const k = 150;
    const { edges, x, y } = sample(k);
    const graph = new Graph<{ x: number; y: number }, { weight: number }>({ type: 'undirected' });
    for (let i = 0; i < k; i++) graph.addNode(i, { x: x[i]!, y: y[i]! });
    for (let e = 0; e < edges.from.length; e++) {
      graph.mergeUndirectedEdge(edges.from[e]!, edges.to[e]!, { weight: edges.weight[e]! });
    }
    const settings = { ...forceAtlas2.inferSettings(k), barnesHutOptimize: false, edgeWeightInfluence: 1 };
    forceAtlas2.assign(graph, { iterations: 60, getEdgeWeight: 'weight', settings });
    const kept = { from: [] as number[], to: [] as number[], weight: [] as number[] };
    graph.forEachEdge((_edge, attributes, source, target) => {
      kept.from.push(Number(source));
      kept.to.push(Number(target));
      kept.weight.push(attributes.weight);
    });
    exactForceAtlas2(x, y, kept, 60, settings);
    // How long an edge is beside how far apart two people are at all: neighbours drawn close.
    const tightness = (at: (i: number) => [number, number]) => {
      let edgesLength = 0;
      for (let e = 0; e < kept.from.length; e++) {
        const [ax, ay] = at(kept.from[e]!);
        const [bx, by] = at(kept.to[e]!);
        edgesLength += Math.hypot(ax - bx, ay - by);
      }
      let pairs = 0;
      for (let i = 0; i < k; i++)
        for (let j = 0; j < i; j++) pairs += Math.hypot(at(i)[0] - at(j)[0], at(i)[1] - at(j)[1]);
      return edgesLength / kept.from.length / (pairs / ((k * (k - 1)) / 2));
    };
    const ours = tightness((i) => [x[i]!, y[i]!]);
    const library = tightness((i) => [graph.getNodeAttribute(i, 'x'), graph.getNodeAttribute(i, 'y')]);
    expect(ours).toBeLessThan(0.5);
    expect(Math.abs(ours - library)).toBeLessThan(0.05 * library);
  });

  it('is the same picture every time', () => {
    const first = sample(60);
    const second = sample(60);
    const settings = { gravity: 0.05, scalingRatio: 10, slowDown: 1 + Math.log(60) };
    exactForceAtlas2(first.x, first.y, first.edges, 30, settings);
    exactForceAtlas2(second.x, second.y, second.edges, 30, settings);
    expect(Array.from(second.x)).toEqual(Array.from(first.x));
    expect(Array.from(second.y)).toEqual(Array.from(first.y));
  });
});
