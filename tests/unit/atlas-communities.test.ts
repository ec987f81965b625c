import { describe, expect, it } from 'vitest';
import { louvainCommunities, modularity } from '../../src/lib/atlas/communities';
import { buildCsr } from '../../src/lib/atlas/csr';
import { createRandom } from '../../src/lib/seed/random';
import { clique, graphOf, range } from './atlas-fixtures';

/** Groups node ids by community, each group sorted, groups sorted by first member. */
function groups(community: Int32Array): number[][] {
  const byId = new Map<number, number[]>();
  community.forEach((c, u) => byId.set(c, [...(byId.get(c) ?? []), u]));
  return [...byId.values()].sort((a, b) => a[0]! - b[0]!);
}

describe('atlas Louvain communities', () => {
  it('splits two cliques joined by one edge into the two cliques', () => {
    const g = graphOf(10, [...clique(range(0, 5)), ...clique(range(5, 5)), [4, 5]]);
    const result = louvainCommunities(g);
    expect(groups(result.community)).toEqual([range(0, 5), range(5, 5)]);
    expect(result.count).toBe(2);
    expect([...result.sizes]).toEqual([5, 5]);
    // Hand value: m = 21; each side has 10 inner edges and total degree 21 ⇒ Q = 2·(20/42 − (21/42)²).
    expect(result.modularity).toBeCloseTo(2 * (20 / 42 - 0.25), 12);
  });

  it('finds every clique of a ring of eight cliques', () => {
    const size = 6;
    const count = 8;
    const pairs: [number, number][] = [];
    for (let c = 0; c < count; c++) {
      pairs.push(...clique(range(c * size, size)));
      pairs.push([c * size, ((c + 1) % count) * size + 1]);
    }
    const result = louvainCommunities(graphOf(size * count, pairs));
    expect(groups(result.community)).toEqual(Array.from({ length: count }, (_, c) => range(c * size, size)));
  });

  it('recovers planted groups in a noisy graph, the same way for the same seed', () => {
    const random = createRandom(11);
    const groupSize = 40;
    const groupCount = 5;
    const n = groupSize * groupCount;
    const from: number[] = [];
    const to: number[] = [];
    const seen = new Set<number>();
    const add = (u: number, v: number) => {
      const key = Math.min(u, v) * n + Math.max(u, v);
      if (u === v || seen.has(key)) return;
      seen.add(key);
      from.push(u);
      to.push(v);
    };
    for (let u = 0; u < n; u++)
      for (let v = u + 1; v < n; v++) {
        const same = Math.floor(u / groupSize) === Math.floor(v / groupSize);
        if (random() < (same ? 0.3 : 0.005)) add(u, v);
      }
    const g = buildCsr({ nodeCount: n, from: Int32Array.from(from), to: Int32Array.from(to) });
    const first = louvainCommunities(g, { seed: 7 });
    const again = louvainCommunities(g, { seed: 7 });
    expect([...again.community]).toEqual([...first.community]);
    expect(groups(first.community)).toEqual(
      Array.from({ length: groupCount }, (_, c) => range(c * groupSize, groupSize)),
    );
    const planted = Int32Array.from(range(0, n), (u) => Math.floor(u / groupSize));
    expect(first.modularity).toBeCloseTo(modularity(g, planted), 12);
  });

  it('keeps isolated nodes apart, numbers communities by size, and handles graphs without edges', () => {
    // A triangle, a pair and two isolated nodes.
    const g = graphOf(7, [
      [2, 3],
      [3, 4],
      [4, 2],
      [5, 6],
    ]);
    const result = louvainCommunities(g);
    expect(result.community[2]).toBe(0);
    expect([...result.sizes]).toEqual([3, 2, 1, 1]);
    expect(result.community[0]).not.toBe(result.community[1]);
    const none = louvainCommunities(graphOf(3, []));
    expect([...none.community]).toEqual([0, 1, 2]);
    expect(none.modularity).toBe(0);
    expect(louvainCommunities(graphOf(0, [])).count).toBe(0);
  });

  it('never does worse than putting each node alone or all together on a random graph', () => {
    const random = createRandom(5);
    const n = 300;
    const from = new Int32Array(1200);
    const to = new Int32Array(1200);
    for (let e = 0; e < 1200; e++) {
      from[e] = Math.floor(random() * n);
      to[e] = (from[e]! + 1 + Math.floor(random() * (n - 1))) % n;
    }
    const g = buildCsr({ nodeCount: n, from, to });
    const result = louvainCommunities(g, { seed: 3 });
    expect(result.modularity).toBeGreaterThan(modularity(g, Int32Array.from(range(0, n))));
    expect(result.modularity).toBeGreaterThan(modularity(g, new Int32Array(n)));
    expect(result.sizes.reduce((a, b) => a + b, 0)).toBe(n);
  });
});
