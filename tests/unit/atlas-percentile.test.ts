import { describe, expect, it } from 'vitest';
import { topPercent, topShares } from '../../src/lib/atlas/percentile';

describe('atlas top shares', () => {
  it('gives the share of nodes scoring at least as high', () => {
    const shares = topShares(Float64Array.of(0.1, 0.4, 0.2, 0.3));
    expect([...shares]).toEqual([1, 0.25, 0.75, 0.5]);
  });

  it('gives tied nodes the share of the whole tied group, whatever their order', () => {
    expect([...topShares([5, 9, 9, 1, 9])]).toEqual([0.8, 0.6, 0.6, 1, 0.6]);
    expect([...topShares([9, 9, 5, 9, 1])]).toEqual([0.6, 0.6, 0.8, 0.6, 1]);
    expect([...topShares([2, 2, 2])]).toEqual([1, 1, 1]);
  });

  it('treats scores within the quantum as a tie', () => {
    const scores = [0.3, 0.1 + 0.2, 0.1];
    expect([...topShares(scores)]).toEqual([2 / 3, 1 / 3, 1]);
    expect([...topShares(scores, { quantum: 1e-12 })]).toEqual([2 / 3, 2 / 3, 1]);
  });

  it('puts the best of 1000 in the top 0.1% and refuses NaN', () => {
    const scores = Array.from({ length: 1000 }, (_, i) => i);
    const shares = topShares(scores);
    expect(shares[999]).toBe(0.001);
    expect(shares.filter((s) => s <= 0.03)).toHaveLength(30);
    expect(topShares([])).toHaveLength(0);
    expect(() => topShares([1, NaN])).toThrow(RangeError);
  });

  it('states a share as a whole percentage never better than the truth', () => {
    expect(topPercent(0.001)).toBe(1);
    expect(topPercent(0.021)).toBe(3);
    expect(topPercent(0.03)).toBe(3);
    expect(topPercent(0.1)).toBe(10);
    expect(topPercent(1)).toBe(100);
  });
});
