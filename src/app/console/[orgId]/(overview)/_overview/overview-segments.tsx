import Link from 'next/link';
import type { SegmentCount } from '../../../../../lib/repositories/segments';
import { SEGMENT_COLOR, segmentMembersHref } from '../../segments/segment-style';

/** One card per segment (system accounts aside), each opening the participants list filtered to it. */
export function OverviewSegments({
  orgId,
  segments,
  participants,
}: {
  orgId: string;
  segments: SegmentCount[];
  /** Participants outside the system segment: what the shares are of. */
  participants: number;
}) {
  const shown = segments.filter((s) => s.key !== 'system');
  return (
    <section aria-labelledby="segments-heading" className="grid gap-2">
      <h2 id="segments-heading" className="sr-only">
        Segments
      </h2>
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-6">
        {shown.map((segment) => {
          const share = participants > 0 ? Math.round((segment.count / participants) * 100) : 0;
          return (
            <li key={segment.key}>
              <Link
                href={segmentMembersHref(orgId, segment.key)}
                className="group flex h-full flex-col gap-2 rounded-lg border border-border bg-card p-3 shadow-xs transition-colors hover:border-foreground/20 hover:bg-accent/40"
              >
                <span className="flex items-center gap-1.5 text-xs font-medium text-muted-foreground">
                  <span
                    aria-hidden
                    className="size-2 rounded-full"
                    style={{ backgroundColor: SEGMENT_COLOR[segment.key] }}
                  />
                  {segment.label}
                </span>
                <span className="text-2xl font-semibold tracking-tight tabular-nums">
                  {segment.count.toLocaleString('en')}
                </span>
                <span className="mt-auto text-xs text-muted-foreground">
                  {share}% of participants
                  <span className="sr-only">: {segment.description} Open the list.</span>
                </span>
                <span aria-hidden className="h-1 overflow-hidden rounded-full bg-muted">
                  <span
                    className="block h-full rounded-full"
                    style={{ width: `${Math.min(share, 100)}%`, backgroundColor: SEGMENT_COLOR[segment.key] }}
                  />
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
