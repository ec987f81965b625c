import { RotateCcwIcon } from 'lucide-react';
import Link from 'next/link';
import { ReverseInterventionDialog } from '../../../../../components/interventions/reverse-intervention-dialog.client';
import { Badge } from '../../../../../components/ui/badge';
import { Button } from '../../../../../components/ui/button';
import type { ParticipantDetail } from '../../../../../lib/services/views/participants';
import { calendarDay, roleLabel } from '../participants-format';

type Recommendation = ParticipantDetail['recommendations'][number];

const STATUS_TONE = {
  pending: 'warning',
  accepted: 'success',
  dismissed: 'secondary',
  superseded: 'secondary',
} as const;

/** Open recommendations first (they ask for a decision), then the decided ones. */
export function ParticipantRecommendations({
  orgId,
  recommendations,
  timeZone,
}: {
  orgId: string;
  recommendations: Recommendation[];
  timeZone: string;
}) {
  if (recommendations.length === 0) {
    return (
      <p className="text-sm text-muted-foreground">Atlas has not suggested anything for this participant.</p>
    );
  }
  const open = recommendations.filter((r) => r.status === 'pending');
  const past = recommendations.filter((r) => r.status !== 'pending');
  return (
    <div className="grid gap-3">
      {[
        ['Open', open],
        ['Past', past],
      ].map(([label, list]) =>
        (list as Recommendation[]).length === 0 ? null : (
          <section key={label as string} className="grid gap-1.5">
            <h3 className="text-xs font-medium text-muted-foreground">{label as string}</h3>
            <ul className="grid gap-2">
              {(list as Recommendation[]).map((r) => (
                <li key={r.id} className="grid gap-1 rounded-md border border-border px-3 py-2">
                  <span className="flex flex-wrap items-center gap-2">
                    <span className="font-medium">{roleLabel(r.suggestedAction)}</span>
                    <Badge variant={STATUS_TONE[r.status]}>{r.status}</Badge>
                    <span className="ml-auto text-xs text-muted-foreground tabular-nums">
                      {Math.round(r.confidence * 100)}% · {calendarDay(r.createdAt, timeZone)}
                    </span>
                  </span>
                  <span className="text-sm text-muted-foreground">{r.reason}</span>
                </li>
              ))}
            </ul>
          </section>
        ),
      )}
      {open.length > 0 && (
        <Link
          href={`/console/${orgId}/recommendations`}
          className="text-xs text-primary underline-offset-4 hover:underline"
        >
          Decide in the recommendations inbox
        </Link>
      )}
    </div>
  );
}

/** Interventions that included this participant, newest first; those still in force can be reversed. */
export function ParticipantInterventions({
  orgId,
  name,
  participantId,
  interventions,
  timeZone,
  canIntervene,
}: {
  orgId: string;
  name: string;
  participantId: string;
  interventions: ParticipantDetail['interventions'];
  timeZone: string;
  canIntervene: boolean;
}) {
  if (interventions.length === 0) {
    return <p className="text-sm text-muted-foreground">No intervention has included this participant.</p>;
  }
  return (
    <ul className="grid gap-2">
      {interventions.map((i) => (
        <li
          key={i.id}
          className="flex flex-wrap items-start gap-x-3 gap-y-1 rounded-md border border-border px-3 py-2"
        >
          <span className="grid min-w-0 flex-1 gap-0.5">
            <span className="flex flex-wrap items-center gap-2">
              <Link
                href={`/console/${orgId}/interventions/${i.id}`}
                className="font-medium underline-offset-4 hover:underline focus-visible:rounded-sm focus-visible:outline-2 focus-visible:outline-ring"
              >
                {roleLabel(i.type)}
              </Link>
              {i.scope !== 'participant' && <Badge variant="outline">via {i.scope}</Badge>}
              {i.reversedAt && (
                <Badge variant="secondary">reversed {calendarDay(i.reversedAt, timeZone)}</Badge>
              )}
            </span>
            <span className="text-sm text-muted-foreground">“{i.reason}”</span>
            <span className="text-xs text-muted-foreground">{calendarDay(i.createdAt, timeZone)}</span>
          </span>
          {canIntervene && !i.reversedAt && (
            <ReverseInterventionDialog
              orgId={orgId}
              interventionId={i.id}
              targetLabels={{ [participantId]: name }}
              trigger={
                <Button variant="outline" size="sm">
                  <RotateCcwIcon aria-hidden /> Reverse
                </Button>
              }
            />
          )}
        </li>
      ))}
    </ul>
  );
}
