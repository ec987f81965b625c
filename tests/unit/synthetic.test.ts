import { describe, expect, it } from 'vitest';
import {
  isIsolated,
  participantBatches,
  relationshipBatches,
  validateSyntheticSize,
} from '../../src/lib/seed/synthetic';

const ORG = '00000000-0000-4000-8000-000000000001';

describe('synthetic generator', () => {
  it.each([
    [50, 300],
    [200, 2000],
    [40, 300], // dense: close to the limit, where random picks collide often
  ])(
    'makes exactly %i participants and %i distinct edges, none to itself or to an isolated participant',
    (n, m) => {
      const options = { participants: n, edges: m, seed: 3, now: new Date('2026-01-01T00:00:00Z') };
      expect(validateSyntheticSize(n, m)).toBeUndefined();
      const people = [...participantBatches(ORG, options, 64)].flat();
      expect(people).toHaveLength(n);
      const index = new Map(people.map((p, i) => [p[1], i]));
      const edges = [...relationshipBatches(ORG, options, 64)].flat();
      expect(edges).toHaveLength(m);
      const pairs = new Set<string>();
      for (const edge of edges) {
        const from = index.get(edge[2])!;
        const to = index.get(edge[3])!;
        expect(from).not.toBe(to);
        expect(isIsolated(from) || isIsolated(to)).toBe(false);
        pairs.add(`${from}>${to}`);
        expect(Number(edge[6])).toBeGreaterThanOrEqual(0.3);
        expect(Number(edge[6])).toBeLessThanOrEqual(1);
      }
      expect(pairs.size).toBe(m);
    },
  );

  it('refuses sizes that cannot be realistic', () => {
    expect(validateSyntheticSize(1, 0)).toMatch(/at least 2/);
    expect(validateSyntheticSize(10, 1000)).toMatch(/too dense/);
  });
});
