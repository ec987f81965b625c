import type { SegmentKey, SegmentSettings } from '../../../../lib/domain';

// How segments look and read everywhere in the console: the four lifecycle segments take their
// stage's colour (one colour per stage); the others take chart colours of their own.

export const SEGMENT_COLOR: Record<SegmentKey, string> = {
  new: 'var(--stage-new)',
  active: 'var(--stage-active)',
  at_risk: 'var(--stage-at_risk)',
  dormant: 'var(--stage-dormant)',
  isolated: 'var(--chart-5)',
  highly_connected: 'var(--chart-4)',
  system: 'var(--stage-none)',
};

/** What each segment is for: why an operator would open it. */
export const SEGMENT_PURPOSE: Record<SegmentKey, string> = {
  new: 'Recently joined; a welcome and a first connection help them stay.',
  active: 'Taking part now; the heart of the network.',
  at_risk: 'Drifting away; a good moment to reach out.',
  dormant: 'Gone quiet; consider pausing outreach or a gentle check-in.',
  isolated: 'Connected to no one; an introduction may be all they need.',
  highly_connected: 'The most connected; changes here reach many people.',
  system: 'Automated accounts; not counted in the other segments.',
};

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/** The rule that puts a participant in the segment, in words, with the org's thresholds. */
export function segmentRule(key: SegmentKey, s: SegmentSettings): string {
  const percentile = Math.round(s.highlyConnectedPercentile * 100);
  switch (key) {
    case 'new':
      return `Joined in the last ${days(s.newDays)}`;
    case 'active':
      return `Activity in the last ${days(s.activeDays)}`;
    case 'at_risk':
      return `No activity for ${days(s.activeDays)}, but some in the last ${days(s.dormantDays)}`;
    case 'dormant':
      return `No activity for ${days(s.dormantDays)}, or never`;
    case 'isolated':
      return 'No relationship in either direction';
    case 'highly_connected':
      return `At or above the ${ordinal(percentile)} percentile of relationships, and at least ${s.highlyConnectedMinDegree}`;
    case 'system':
      return 'Participants with the system role';
  }
}

/** Whether the org's settings change this segment's rule (Settings edits exactly these). */
export function hasThresholds(key: SegmentKey): boolean {
  return key !== 'isolated' && key !== 'system';
}

export function ordinal(n: number): string {
  const rem100 = n % 100;
  if (rem100 >= 11 && rem100 <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

/** The participants list filtered to the segment. */
export function segmentMembersHref(orgId: string, key: SegmentKey): string {
  return `/console/${orgId}/participants?segment=${key}`;
}
