import { EyeIcon, HistoryIcon } from 'lucide-react';
import Link from 'next/link';
import { StageBadge } from '../../../../../components/ui/stage-badge';
import type { ParticipantDetail } from '../../../../../lib/services/views/participants';
import { exactTime } from '../participants-format';
import { describeEvent, foldViews, viewersPhrase } from './participant-timeline';

/** Each stage change, newest first: from → to, by whom, and the intervention that made it. */
export function StageHistory({
  orgId,
  history,
  timeZone,
}: {
  orgId: string;
  history: ParticipantDetail['stageHistory'];
  timeZone: string;
}) {
  if (history.length === 0) {
    return (
      <p className="text-sm text-muted-foreground">The stage has not changed since the participant joined.</p>
    );
  }
  return (
    <ol className="grid gap-3">
      {history.map((change) => (
        <li key={change.id} className="grid gap-1 border-l-2 border-border pl-3">
          <span className="flex flex-wrap items-center gap-1.5 text-sm">
            {change.from ? (
              <StageBadge stage={change.from} />
            ) : (
              <span className="text-muted-foreground">?</span>
            )}
            <span aria-label="to" className="text-muted-foreground">
              →
            </span>
            {change.to ? <StageBadge stage={change.to} /> : <span className="text-muted-foreground">?</span>}
            {change.reversal && <span className="text-xs text-muted-foreground">(reversal)</span>}
          </span>
          <span className="text-xs text-muted-foreground">
            <time dateTime={change.at}>{exactTime(change.at, timeZone)}</time>
            {change.actorEmail && ` · ${change.actorEmail}`}
            {change.stageUpdate &&
              ` · stage update (${change.stageUpdate === 'promoted' ? 'activity returned' : 'after the grace period'})`}
            {change.interventionId && (
              <>
                {' · '}
                <Link
                  href={`/console/${orgId}/interventions/${change.interventionId}`}
                  className="text-primary underline-offset-4 hover:underline"
                >
                  intervention
                </Link>
              </>
            )}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** What the audit log holds about this participant, newest first, runs of views folded together. */
export function ActivityTimeline({
  orgId,
  participantId,
  events,
  timeZone,
  canReadAudit,
}: {
  orgId: string;
  participantId: string;
  events: ParticipantDetail['recentEvents'];
  timeZone: string;
  canReadAudit: boolean;
}) {
  const entries = foldViews(events);
  return (
    <div className="grid gap-3">
      <ol className="grid gap-2.5">
        {entries.map((entry) =>
          entry.kind === 'views' ? (
            <li key={entry.id} className="flex gap-2 text-sm">
              <EyeIcon aria-hidden className="mt-0.5 size-3.5 shrink-0 text-muted-foreground" />
              <span className="grid">
                <span className="text-muted-foreground">
                  Viewed {entry.count === 1 ? 'once' : `${entry.count} times`} by{' '}
                  {viewersPhrase(entry.viewers)}
                </span>
                <time dateTime={entry.to} className="text-xs text-muted-foreground">
                  {entry.count > 1 ? `${exactTime(entry.from, timeZone)} – ` : ''}
                  {exactTime(entry.to, timeZone)}
                </time>
              </span>
            </li>
          ) : (
            <li key={entry.event.id} className="flex gap-2 text-sm">
              <HistoryIcon aria-hidden className="mt-0.5 size-3.5 shrink-0 text-primary" />
              <span className="grid">
                <span>{describeEvent(entry.event)}</span>
                <span className="text-xs text-muted-foreground">
                  <time dateTime={entry.event.createdAt}>{exactTime(entry.event.createdAt, timeZone)}</time>
                  {entry.event.actorEmail && ` · ${entry.event.actorEmail}`}
                </span>
              </span>
            </li>
          ),
        )}
      </ol>
      {canReadAudit && (
        <Link
          href={`/console/${orgId}/audit?targetId=${participantId}`}
          className="text-xs text-primary underline-offset-4 hover:underline"
        >
          Every event about this participant in the audit log
        </Link>
      )}
    </div>
  );
}
