import { describe, expect, it } from 'vitest';
import {
  exactTime,
  roleLabel,
  SEGMENT_LABELS,
} from '../../src/app/console/[orgId]/participants/participants-format';
import { relativeTime } from '../../src/lib/ui/relative-time';

const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('participants formatting', () => {
  it('says how long ago, in the largest whole unit, and Never for no activity', () => {
    expect(relativeTime(null, NOW)).toBe('Never');
    expect(relativeTime('2026-03-10T11:59:30Z', NOW)).toBe('just now');
    expect(relativeTime('2026-03-10T09:00:00Z', NOW)).toBe('3 hours ago');
    expect(relativeTime('2026-03-09T12:00:00Z', NOW)).toBe('yesterday');
    expect(relativeTime('2026-02-20T12:00:00Z', NOW)).toBe('3 weeks ago');
    expect(relativeTime('2025-03-01T12:00:00Z', NOW)).toBe('last year');
  });

  it('shows the exact time in the org’s time zone', () => {
    expect(exactTime('2026-03-10T12:05:00Z', 'America/Chicago')).toBe('Mar 10, 2026, 07:05 CDT');
    expect(exactTime('2026-03-10T12:05:00Z', 'UTC')).toBe('Mar 10, 2026, 12:05 UTC');
  });

  it('names roles and segments for people', () => {
    expect(roleLabel('system_participant')).toBe('System participant');
    expect(roleLabel('partner')).toBe('Partner');
    expect(SEGMENT_LABELS.at_risk).toBe('At risk');
    expect(SEGMENT_LABELS.highly_connected).toBe('Highly connected');
  });
});
