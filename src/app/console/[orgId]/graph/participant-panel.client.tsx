'use client';

import { CrosshairIcon, ExternalLinkIcon, ShieldAlertIcon, XIcon } from 'lucide-react';
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { describeLastActivity, humanise } from '../../../../components/graph/graph-model';
import { InterventionDialog } from '../../../../components/interventions/intervention-dialog.client';
import { Alert } from '../../../../components/ui/alert';
import { Badge } from '../../../../components/ui/badge';
import { Button, buttonVariants } from '../../../../components/ui/button';
import { Skeleton } from '../../../../components/ui/skeleton';
import { StageBadge } from '../../../../components/ui/stage-badge';
import { api, ApiProblem, data } from '../../../../lib/client/api';
import type { components } from '../../../../lib/client/api-types';

type Detail = components['schemas']['ParticipantDetail'];

/**
 * The participant clicked on the canvas, docked beside it: the summary, open recommendations and what
 * to do next (open the page, focus the graph here, intervene). Loaded from the org API, which audits it.
 * Keyed by the participant, so another participant starts from an empty panel.
 */
export function ParticipantPanel({
  orgId,
  participantId,
  canIntervene,
  onFocus,
  onClose,
}: {
  orgId: string;
  participantId: string;
  canIntervene: boolean;
  onFocus: (id: string) => void;
  onClose: () => void;
}) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [attempt, setAttempt] = useState(0);

  const load = useCallback(
    (signal: AbortSignal) =>
      data(
        api.GET('/api/orgs/{orgId}/participants/{participantId}', {
          params: { path: { orgId, participantId } },
          signal,
        }),
      ),
    [orgId, participantId],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal)
      .then(setDetail)
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'Error', String(error)));
      });
    return () => controller.abort();
  }, [load, attempt]);

  const participant = detail?.participant;
  const open = detail?.recommendations.filter((r) => r.status === 'pending') ?? [];
  const controls = detail?.controls;

  return (
    <aside
      aria-label="Participant"
      className="absolute inset-y-0 right-0 z-20 flex w-full max-w-sm flex-col gap-4 overflow-y-auto border-l border-border bg-popover p-4 text-popover-foreground shadow-xl"
      onKeyDown={(event) => event.key === 'Escape' && onClose()}
    >
      <div className="flex items-start gap-2">
        <div className="grid min-w-0 flex-1 gap-1">
          <h2 className="truncate text-base font-semibold" data-testid="panel-name">
            {participant?.displayName ?? <Skeleton className="h-5 w-40" />}
          </h2>
          {participant && (
            <div className="flex flex-wrap items-center gap-1.5 text-xs text-muted-foreground">
              <StageBadge stage={participant.lifecycleStage} />
              <span>{humanise(participant.role)}</span>
            </div>
          )}
          {participant?.email && (
            <p className="truncate text-xs text-muted-foreground">{participant.email}</p>
          )}
        </div>
        <Button variant="ghost" size="icon-sm" onClick={onClose} aria-label="Close the participant panel">
          <XIcon />
        </Button>
      </div>

      {problem && (
        <Alert
          variant="error"
          title="The participant could not be loaded"
          action={
            <Button
              size="sm"
              variant="outline"
              onClick={() => {
                setProblem(null);
                setAttempt((a) => a + 1);
              }}
            >
              Retry
            </Button>
          }
        >
          {problem.summary}
        </Alert>
      )}

      {!detail && !problem && (
        <div className="grid gap-2" aria-busy>
          <Skeleton className="h-16" />
          <Skeleton className="h-24" />
        </div>
      )}

      {participant && controls && (
        <>
          <dl className="grid grid-cols-3 gap-2 text-center">
            <Stat label="Relationships" value={String(participant.degree)} />
            <Stat label="Last active" value={describeLastActivity(participant.lastActivityAt)} />
            <Stat label="Origin" value={humanise(participant.origin)} />
          </dl>

          {(controls.outreachPaused || controls.flaggedForReview || controls.recommendationsSuppressed) && (
            <div className="flex flex-wrap gap-1.5">
              {controls.flaggedForReview && (
                <Badge variant="warning">
                  <ShieldAlertIcon aria-hidden /> Flagged for review
                </Badge>
              )}
              {controls.outreachPaused && <Badge variant="secondary">Outreach paused</Badge>}
              {controls.recommendationsSuppressed && (
                <Badge variant="secondary">Recommendations suppressed</Badge>
              )}
            </div>
          )}

          <div className="flex flex-wrap gap-2">
            <Link
              href={`/console/${orgId}/participants/${participant.id}`}
              className={buttonVariants({ variant: 'outline', size: 'sm' })}
            >
              <ExternalLinkIcon aria-hidden /> Open page
            </Link>
            <Button variant="outline" size="sm" onClick={() => onFocus(participant.id)}>
              <CrosshairIcon aria-hidden /> Focus here
            </Button>
            {canIntervene && (
              <InterventionDialog
                orgId={orgId}
                target={{ scope: 'participant', ids: [participant.id], label: participant.displayName }}
                trigger={<Button size="sm">Intervene…</Button>}
                onApplied={() => setAttempt((a) => a + 1)}
              />
            )}
          </div>

          <section className="grid gap-2">
            <h3 className="text-xs font-medium text-muted-foreground">
              Open recommendations ({open.length})
            </h3>
            {open.length === 0 ? (
              <p className="text-sm text-muted-foreground">
                Nothing waits for a decision on this participant.
              </p>
            ) : (
              <ul className="grid gap-2">
                {open.map((r) => (
                  <li key={r.id} className="rounded-md border border-border p-2.5">
                    <div className="flex items-center justify-between gap-2">
                      <span className="text-sm font-medium">{humanise(r.suggestedAction)}</span>
                      <span className="text-xs text-muted-foreground tabular-nums">
                        {Math.round(r.confidence * 100)}% confident
                      </span>
                    </div>
                    <p className="mt-1 text-sm text-muted-foreground">{r.reason}</p>
                  </li>
                ))}
              </ul>
            )}
            <Link
              href={`/console/${orgId}/recommendations`}
              className="text-xs text-primary underline-offset-2 hover:underline"
            >
              All recommendations
            </Link>
          </section>

          {detail.relationships.length > 0 && (
            <section className="grid gap-2">
              <h3 className="text-xs font-medium text-muted-foreground">
                Strongest relationships ({detail.relationshipCount})
              </h3>
              <ul className="grid gap-1 text-sm">
                {[...detail.relationships]
                  .sort((a, b) => b.confidence - a.confidence)
                  .slice(0, 6)
                  .map((r) => (
                    <li key={r.id} className="flex items-center gap-2">
                      <button
                        type="button"
                        onClick={() => onFocus(r.otherParticipantId)}
                        className="min-w-0 flex-1 truncate text-left hover:underline focus-visible:outline-2 focus-visible:outline-ring"
                        title={`Focus on ${r.otherDisplayName}`}
                      >
                        {r.otherDisplayName}
                      </button>
                      <span className="text-xs text-muted-foreground">{humanise(r.type)}</span>
                      <span className="w-9 text-right text-xs text-muted-foreground tabular-nums">
                        {Math.round(r.confidence * 100)}%
                      </span>
                    </li>
                  ))}
              </ul>
            </section>
          )}
        </>
      )}
    </aside>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-md border border-border px-2 py-1.5">
      <dt className="text-[11px] text-muted-foreground">{label}</dt>
      <dd className="truncate text-sm font-medium">{value}</dd>
    </div>
  );
}
