import { describe, expect, it } from 'vitest';
import { bridgingScores } from '../../src/lib/atlas/bridging';
import { louvainCommunities } from '../../src/lib/atlas/communities';
import { clique, graphOf, range } from './atlas-fixtures';

describe('atlas bridging scores', () => {
  // Cliques 0..4 and 5..9; node 10 is related to 3 and 4 on one side and 5 and 6 on the other.
  const bridged = graphOf(11, [
    ...clique(range(0, 5)),
    ...clique(range(5, 5)),
    [10, 3],
    [4, 10],
    [10, 5],
    [6, 10],
  ]);
  const sides = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0]);

  it('scores the bridge between two cliques highest, by the participation formula', () => {
    const { participation, neighbourCommunities, boundaryDegree } = bridgingScores(bridged, sides, 2);
    // Node 10: 2 of 4 neighbours in each community ⇒ 1 − (½² + ½²) = 0.5.
    expect(participation[10]).toBeCloseTo(0.5, 12);
    expect(neighbourCommunities[10]).toBe(2);
    expect(boundaryDegree[10]).toBe(2);
    // Nodes 5 and 6: 4 neighbours in their clique and the bridge ⇒ 1 − ((4/5)² + (1/5)²) = 0.32.
    expect(participation[5]).toBeCloseTo(0.32, 12);
    const top = participation.indexOf(Math.max(...participation));
    expect(top).toBe(10);
  });

  it('gives 0 to a node whose neighbours are all in its own community', () => {
    const { participation, neighbourCommunities, boundaryDegree } = bridgingScores(bridged, sides, 2);
    for (const u of [0, 1, 2, 7, 8, 9]) {
      expect(participation[u]).toBe(0);
      expect(neighbourCommunities[u]).toBe(1);
      expect(boundaryDegree[u]).toBe(0);
    }
    // Nodes 3 and 4 reach the bridge, which this partition places on their side: still 0.
    expect(participation[3]).toBe(0);
  });

  it('gives 0 and no communities to isolated nodes', () => {
    const g = graphOf(4, [[0, 1]]);
    const { participation, neighbourCommunities, boundaryDegree } = bridgingScores(
      g,
      Int32Array.of(0, 0, 1, 2),
      3,
    );
    expect([...participation]).toEqual([0, 0, 0, 0]);
    expect([...neighbourCommunities]).toEqual([1, 1, 0, 0]);
    expect([...boundaryDegree]).toEqual([0, 0, 0, 0]);
  });

  it('works on the communities Louvain finds, and refuses a partition of the wrong length', () => {
    const { community, count } = louvainCommunities(bridged);
    const { participation } = bridgingScores(bridged, community, count);
    expect(participation.indexOf(Math.max(...participation))).toBe(10);
    expect(() => bridgingScores(bridged, new Int32Array(3), 1)).toThrow(RangeError);
  });
});
