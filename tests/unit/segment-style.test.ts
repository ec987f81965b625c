import { describe, expect, it } from 'vitest';
import {
  ordinal,
  segmentMembersHref,
  segmentRule,
} from '../../src/app/console/[orgId]/segments/segment-style';
import { DEFAULT_SEGMENT_SETTINGS, SEGMENT_KEYS } from '../../src/lib/domain';

describe('segment rules in words', () => {
  it('says each threshold with the org’s numbers', () => {
    const s = { ...DEFAULT_SEGMENT_SETTINGS, activeDays: 21, dormantDays: 45, newDays: 1 };
    expect(segmentRule('new', s)).toBe('Joined in the last 1 day');
    expect(segmentRule('active', s)).toBe('Activity in the last 21 days');
    expect(segmentRule('at_risk', s)).toBe('No activity for 21 days, but some in the last 45 days');
    expect(segmentRule('dormant', s)).toBe('No activity for 45 days, or never');
    expect(segmentRule('highly_connected', s)).toBe(
      'At or above the 90th percentile of relationships, and at least 3',
    );
    for (const key of SEGMENT_KEYS) expect(segmentRule(key, s).length).toBeGreaterThan(0);
  });

  it('writes English ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 52, 93, 99].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '52nd',
      '93rd',
      '99th',
    ]);
  });

  it('links to the participants list filtered to the segment', () => {
    expect(segmentMembersHref('o1', 'at_risk')).toBe('/console/o1/participants?segment=at_risk');
  });
});
