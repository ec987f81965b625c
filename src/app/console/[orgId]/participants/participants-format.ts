import {
  describeSegment,
  DEFAULT_SEGMENT_SETTINGS,
  SEGMENT_KEYS,
  type SegmentKey,
} from '../../../../lib/domain';

// How participants' times and segments read in the list and on a participant's page. Pure functions
// of an explicit "now", so the server's first render and the browser's agree (no hydration drift).

/** The exact time in the org's time zone, for a tooltip or a timeline: "Mar 4, 2026, 14:05 CST". */
export function exactTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/** A calendar day in the org's time zone: "Mar 4, 2026". */
export function calendarDay(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone }).format(new Date(iso));
}

/** Segment names (they do not depend on the org's thresholds; the descriptions do). */
export const SEGMENT_LABELS = Object.fromEntries(
  SEGMENT_KEYS.map((key) => [key, describeSegment(key, DEFAULT_SEGMENT_SETTINGS).label]),
) as Record<SegmentKey, string>;

/** A role as people read it: "system_participant" → "System participant". */
export function roleLabel(role: string): string {
  const text = role.replace(/[_-]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
