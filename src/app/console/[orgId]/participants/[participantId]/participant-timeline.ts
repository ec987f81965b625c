// The participant's activity timeline from the audit log. Every page view writes participant.viewed, so
// views would bury the changes: a run of consecutive views reads as one entry ("Viewed 4 times by …").

export interface TimelineEvent {
  id: string;
  eventType: string;
  actorEmail: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
}

export type TimelineEntry =
  | { kind: 'event'; event: TimelineEvent }
  | { kind: 'views'; id: string; count: number; viewers: string[]; from: string; to: string };

/** Events newest first, with each run of consecutive views folded into one entry. */
export function foldViews(events: readonly TimelineEvent[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const event of events) {
    const last = entries.at(-1);
    if (event.eventType !== 'participant.viewed') {
      entries.push({ kind: 'event', event });
    } else if (last?.kind === 'views') {
      last.count += 1;
      last.from = event.createdAt;
      const viewer = event.actorEmail ?? 'a former member';
      if (!last.viewers.includes(viewer)) last.viewers.push(viewer);
    } else {
      const viewer = event.actorEmail ?? 'a former member';
      entries.push({
        kind: 'views',
        id: event.id,
        count: 1,
        viewers: [viewer],
        from: event.createdAt,
        to: event.createdAt,
      });
    }
  }
  return entries;
}

/** One line for an event of the timeline. */
export function describeEvent(event: TimelineEvent): string {
  const m = event.metadata;
  switch (event.eventType) {
    case 'participant.stage_changed':
      return `${m.reversal ? 'Stage restored' : 'Stage changed'}${typeof m.from === 'string' ? ` from ${m.from}` : ''}${typeof m.to === 'string' ? ` to ${m.to}` : ''}`.replace(
        /_/g,
        ' ',
      );
    default:
      return event.eventType.replace(/[._]/g, ' ');
  }
}

/** Who viewed, in a few words: "ana@x.example", "ana@… and ben@…", "ana@… and 3 others". */
export function viewersPhrase(viewers: readonly string[]): string {
  if (viewers.length <= 2) return viewers.join(' and ');
  return `${viewers[0]} and ${viewers.length - 1} others`;
}
