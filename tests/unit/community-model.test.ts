import { describe, expect, it } from 'vitest';
import {
  communityNodeSize,
  countByDominantStage,
  describeStageMix,
  dominantStage,
  linkWidth,
  type OverviewCommunity,
} from '../../src/components/graph/community-model';
import { STAGE_LABELS } from '../../src/lib/ui/stages';

const counts = (active: number, atRisk: number, dormant: number, fresh = 0) => ({
  new: fresh,
  active,
  at_risk: atRisk,
  dormant,
});

describe('community overview model', () => {
  it('colours a community by its most common stage, the earlier stage on a tie, none when empty', () => {
    expect(dominantStage(counts(10, 30, 5))).toBe('at_risk');
    expect(dominantStage(counts(7, 7, 7, 7))).toBe('new');
    expect(dominantStage(counts(0, 3, 3))).toBe('at_risk');
    expect(dominantStage(counts(0, 0, 0))).toBeNull();
  });

  it('sizes communities by the square root of their members, smaller when many share the canvas', () => {
    const few = (size: number) => communityNodeSize(size, 400, 20, 700);
    expect(few(400)).toBeCloseTo(22);
    expect(few(1)).toBe(2.5);
    expect(few(100)).toBeLessThan(few(400));
    // Area follows size: four times the members, about twice the radius above the floor.
    expect((few(397) - 2.5) / (few(100) - 2.5)).toBeCloseTo(2, 1);
    expect(communityNodeSize(400, 400, 1000, 700)).toBeLessThan(few(400));
    expect(communityNodeSize(400, 400, 100, 360)).toBeLessThan(communityNodeSize(400, 400, 100, 700));
    expect(communityNodeSize(1, 1, 1, 700)).toBe(6);
  });

  it('widens links by the logarithm of their relationships', () => {
    expect(linkWidth(1000, 1000)).toBeCloseTo(4);
    expect(linkWidth(1, 1000)).toBeCloseTo(0.4);
    expect(linkWidth(31, 1000)).toBeCloseTo(0.4 + 3.6 / 2, 1);
    expect(linkWidth(1, 1)).toBe(0.6);
  });

  it('describes the stage mix, most common first', () => {
    expect(describeStageMix(counts(62, 20, 18), STAGE_LABELS)).toBe('62% active, 20% at risk, 18% dormant');
    expect(describeStageMix(counts(0, 0, 0), STAGE_LABELS)).toBe('automated accounts only');
  });

  it('counts communities per dominant stage for the legend', () => {
    const community = (stageCounts: ReturnType<typeof counts>) => ({ stageCounts }) as OverviewCommunity;
    expect(
      countByDominantStage([
        community(counts(5, 1, 1)),
        community(counts(1, 5, 1)),
        community(counts(5, 1, 1)),
        community(counts(0, 0, 0)),
      ]),
    ).toEqual({ new: 0, active: 2, at_risk: 1, dormant: 0 });
  });
});
