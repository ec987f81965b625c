import type { InterventionScope, SegmentKey } from '../../../../lib/domain';
import { describeSegment, DEFAULT_SEGMENT_SETTINGS } from '../../../../lib/domain';

// How an intervention's scope and time read in the log and on its page. Pure, for server and browser.

export function targetSummary(scope: InterventionScope, count: number, segment?: SegmentKey): string {
  const noun = scope === 'relationship' ? 'relationship' : 'participant';
  const counted = `${count.toLocaleString('en')} ${noun}${count === 1 ? '' : 's'}`;
  if (scope !== 'segment') return counted;
  const name = segment ? describeSegment(segment, DEFAULT_SEGMENT_SETTINGS).label : 'a segment';
  return `${name} segment · ${counted}`;
}

/** "12 Mar 2031, 14:05" in the org's time zone. */
export function formatWhen(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(new Date(iso));
}
