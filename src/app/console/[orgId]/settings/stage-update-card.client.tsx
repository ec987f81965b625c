'use client';

import { ArrowDownUpIcon, RefreshCwIcon } from 'lucide-react';
import Link from 'next/link';
import { Alert } from '../../../../components/ui/alert';
import { Button } from '../../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../../components/ui/card';
import { InlineEmpty } from '../../../../components/ui/inline-empty';
import { Progress } from '../../../../components/ui/progress';
import { Spinner } from '../../../../components/ui/skeleton';
import { cn } from '../../../../lib/ui/cn';
import { relativeTime } from '../../../../lib/ui/relative-time';
import { STAGE_LABELS } from '../../../../lib/ui/stages';
import { canStart, followedJob, shownJobs, type RunState } from '../recommendations/atlas-run-state';
import {
  formatDuration,
  isInProgress,
  phaseLabel,
  plural,
  progressPercent,
  type Job,
} from '../recommendations/atlas-run-summary';
import { stageUpdateAnnouncement, summariseStageUpdate } from './stage-update-summary';
import { useStageUpdate } from './use-stage-update.client';

/**
 * "Update stages now": starts a stage update (or follows the one in progress, whoever started it), shows
 * its phase and progress, then what it changed; and the last update as the page found it.
 */
export function StageUpdateCard({
  orgId,
  now,
  timezone,
  latest,
  lastSucceeded,
  className,
}: {
  orgId: string;
  /** The server's "now" when the page was rendered (relative times agree on both sides). */
  now: number;
  timezone: string;
  /** The org's newest stage update, whatever its status, as the page was rendered. */
  latest: Job | null;
  lastSucceeded: Job | null;
  className?: string;
}) {
  const { state, start } = useStageUpdate({
    orgId,
    inProgress: latest && isInProgress(latest) ? latest : null,
  });
  const { shown, ended } = shownJobs(state, latest, lastSucceeded);
  const busy = !canStart(state);

  return (
    <Card className={cn('flex flex-col', className)} aria-labelledby="stage-update-title">
      <CardHeader>
        <div className="grid min-w-0 gap-1">
          <CardTitle id="stage-update-title">Update stages now</CardTitle>
          <CardDescription>
            Moves every participant to the stage its activity points to today, with the grace period above,
            and records the day on the Overview&apos;s stage flows. It runs in the background; you can leave
            the page.
          </CardDescription>
        </div>
        <Button
          size="sm"
          // aria-disabled rather than disabled: the button keeps the focus of whoever pressed it.
          aria-disabled={busy || undefined}
          className={cn('shrink-0', busy && 'cursor-default opacity-60 hover:bg-primary')}
          onClick={() => void (busy ? undefined : start())}
        >
          {state.kind === 'starting' ? (
            <Spinner label="Starting the stage update" className="text-primary-foreground" />
          ) : (
            <RefreshCwIcon aria-hidden />
          )}
          {state.kind === 'following' ? 'Updating…' : 'Update stages now'}
        </Button>
      </CardHeader>
      <CardContent className="grid flex-1 content-start gap-3">
        <p aria-live="polite" className="sr-only">
          {liveText(state)}
        </p>
        {state.kind === 'following' && <UpdateProgress state={state} now={now} />}
        {state.kind === 'error' && (
          <Alert variant="error" title="The stage update could not be started">
            {state.message}
          </Alert>
        )}
        {ended && <EndedAlert job={ended} now={now} />}
        {shown ? (
          <LastUpdate job={shown} now={now} timezone={timezone} orgId={orgId} />
        ) : (
          state.kind !== 'following' && (
            <InlineEmpty icon={ArrowDownUpIcon} title="No stage update has run yet">
              Stages change only by hand until one runs. It takes seconds for most orgs.
            </InlineEmpty>
          )
        )}
      </CardContent>
    </Card>
  );
}

function liveText(state: RunState): string {
  const job = followedJob(state);
  if (state.kind === 'starting') return 'Starting the stage update';
  if (state.kind === 'finished') return stageUpdateAnnouncement(state.job);
  if (state.kind !== 'following') return '';
  return job ? stageUpdateAnnouncement(job) : 'Stage update in progress';
}

function UpdateProgress({ state, now }: { state: Extract<RunState, { kind: 'following' }>; now: number }) {
  const job = state.job;
  const percent = job ? progressPercent(job) : null;
  return (
    <div className="grid gap-2 rounded-md border border-border bg-muted/40 p-3" data-stage-update-progress>
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span className="font-medium">{job ? phaseLabel(job) : 'Update in progress'}</span>
        <span className="tabular-nums text-muted-foreground">{percent === null ? '' : `${percent}%`}</span>
      </div>
      <Progress
        value={percent}
        label="Stage update"
        valueText={job ? `${phaseLabel(job)}, ${percent}%` : undefined}
      />
      <p className="text-xs text-muted-foreground">
        {job?.startedAt
          ? `Started ${relativeTime(job.startedAt, Math.max(now, Date.parse(job.startedAt)))}`
          : 'Waiting for the server to pick it up'}
      </p>
      {state.notice && <p className="text-xs text-warning">{state.notice}</p>}
    </div>
  );
}

function EndedAlert({ job, now }: { job: Job; now: number }) {
  const when = job.finishedAt
    ? relativeTime(job.finishedAt, Math.max(now, Date.parse(job.finishedAt)))
    : null;
  if (job.status === 'cancelled') {
    return (
      <Alert title="The last stage update was cancelled">
        {when ? `Stopped ${when}. ` : ''}The participants it had reached keep their new stage; the next update
        carries on from there.
      </Alert>
    );
  }
  return (
    <Alert variant="error" title={`The last stage update failed${when ? ` ${when}` : ''}`}>
      {job.error ?? 'No reason was recorded.'} Update again: participants already moved are not moved twice.
    </Alert>
  );
}

function LastUpdate({
  job,
  now,
  timezone,
  orgId,
}: {
  job: Job;
  now: number;
  timezone: string;
  orgId: string;
}) {
  const summary = summariseStageUpdate(job.result);
  const finishedAt = job.finishedAt ?? job.createdAt;
  const full = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: timezone });
  return (
    <div className="grid gap-2 text-sm" data-stage-update-last>
      <p>
        <span className="text-muted-foreground">Last update </span>
        <time dateTime={finishedAt} title={full.format(new Date(finishedAt))}>
          {relativeTime(finishedAt, Math.max(now, Date.parse(finishedAt)))}
        </time>
        {summary.durationMs !== null && (
          <span className="text-muted-foreground"> · took {formatDuration(summary.durationMs)}</span>
        )}
      </p>
      <p>
        <span className="font-medium">{plural(summary.changed ?? 0, 'participant')} changed stage</span>
        {summary.participants !== null && (
          <span className="text-muted-foreground">
            {' '}
            of {summary.participants.toLocaleString('en')} checked
          </span>
        )}
        {summary.moves.length > 0 ? ':' : '.'}
      </p>
      {summary.moves.length > 0 && (
        <ul className="grid gap-0.5 text-xs tabular-nums sm:grid-cols-2">
          {summary.moves.map((m) => (
            <li
              key={`${m.from}->${m.to}`}
              className="flex justify-between gap-3 border-b border-border/60 py-1"
            >
              <span>
                {STAGE_LABELS[m.from]} → {STAGE_LABELS[m.to]}
              </span>
              <span className="font-medium">{m.count.toLocaleString('en')}</span>
            </li>
          ))}
        </ul>
      )}
      <Link href={`/console/${orgId}`} className="text-xs text-primary underline-offset-4 hover:underline">
        Stage flows on the Overview
      </Link>
    </div>
  );
}
