'use client';

import { useRef } from 'react';
import { PlayIcon, RadarIcon, SquareIcon } from 'lucide-react';
import { Alert } from '../../../../components/ui/alert';
import { Button } from '../../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../../components/ui/card';
import { InlineEmpty } from '../../../../components/ui/inline-empty';
import { Progress } from '../../../../components/ui/progress';
import { cn } from '../../../../lib/ui/cn';
import { relativeTime } from '../../../../lib/ui/relative-time';
import { canStart, followedJob, shownJobs, type RunState } from './atlas-run-state';
import {
  detectorLabel,
  formatDuration,
  isInProgress,
  phaseLabel,
  plural,
  progressPercent,
  summariseAtlasRun,
  type Job,
} from './atlas-run-summary';
import { useAtlasRun } from './use-atlas-run.client';

/**
 * Atlas on the Recommendations page: the last run's summary, a run in progress (whoever started it)
 * with its phase and progress, and for those who may run Atlas, Run and Cancel.
 */
export function AtlasRunCard({
  orgId,
  canRun,
  now,
  timezone,
  latest,
  lastSucceeded,
  className,
}: {
  orgId: string;
  /** atlas.run: whether to offer Run and Cancel. */
  canRun: boolean;
  /** The server's "now" when the page was rendered (relative times agree on both sides). */
  now: number;
  timezone: string;
  /** The org's newest run, whatever its status, as the page was rendered. */
  latest: Job | null;
  lastSucceeded: Job | null;
  className?: string;
}) {
  const card = useRef<HTMLElement>(null);
  const runButton = useRef<HTMLButtonElement>(null);
  const { state, start, cancel } = useAtlasRun({
    orgId,
    inProgress: latest && isInProgress(latest) ? latest : null,
    card,
    runButton,
  });
  const { finished, shown, ended } = shownJobs(state, latest, lastSucceeded);
  const busy = !canStart(state);

  return (
    <Card ref={card} className={cn('flex flex-col', className)} aria-labelledby="atlas-run-title">
      <CardHeader>
        <div className="grid min-w-0 gap-1">
          <CardTitle id="atlas-run-title">Atlas</CardTitle>
          <CardDescription>
            Finds communities and central participants in the graph, and suggests what to look at.
          </CardDescription>
        </div>
        {canRun && (
          <Button
            ref={runButton}
            size="sm"
            // aria-disabled rather than disabled: the button keeps the focus of whoever pressed it.
            aria-disabled={busy || undefined}
            className={cn(busy && 'cursor-default opacity-60 hover:bg-primary')}
            onClick={() => void (busy ? undefined : start())}
          >
            <PlayIcon aria-hidden />
            {state.kind === 'starting' ? 'Starting…' : state.kind === 'following' ? 'Running…' : 'Run Atlas'}
          </Button>
        )}
      </CardHeader>
      <CardContent className="grid flex-1 content-start gap-3">
        <p aria-live="polite" className="sr-only">
          {liveText(state)}
        </p>
        {state.kind === 'following' && (
          <RunProgress state={state} canRun={canRun} timezone={timezone} onCancel={() => void cancel()} />
        )}
        {state.kind === 'error' && (
          <Alert variant="error" title="Atlas could not be run">
            {state.message}
          </Alert>
        )}
        {ended && <EndedAlert job={ended} now={now} live={ended === finished} />}
        {shown ? (
          <LastRun
            job={shown}
            now={now}
            timezone={timezone}
            label={ended ? 'Last successful run' : 'Last run'}
          />
        ) : (
          state.kind !== 'following' && (
            <InlineEmpty icon={RadarIcon} title="Atlas has not run yet">
              {canRun
                ? 'Run it to get recommendations from the graph: seconds for most orgs, minutes for the largest.'
                : 'An admin can run it; its recommendations then appear below.'}
            </InlineEmpty>
          )
        )}
      </CardContent>
    </Card>
  );
}

function liveText(state: RunState): string {
  const job = followedJob(state);
  if (state.kind === 'starting') return 'Starting Atlas';
  if (state.kind !== 'following') return '';
  return job ? `Atlas run: ${phaseLabel(job)}` : 'Atlas run in progress';
}

function RunProgress({
  state,
  canRun,
  timezone,
  onCancel,
}: {
  state: Extract<RunState, { kind: 'following' }>;
  canRun: boolean;
  timezone: string;
  onCancel: () => void;
}) {
  const job = state.job;
  const percent = job ? progressPercent(job) : null;
  const stopping = state.cancelling || job?.cancelRequested === true;
  return (
    <div className="grid gap-2 rounded-md border border-border bg-muted/40 p-3" data-atlas-progress>
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span className="font-medium">{job ? phaseLabel(job) : 'Run in progress'}</span>
        <span className="tabular-nums text-muted-foreground">{percent === null ? '' : `${percent}%`}</span>
      </div>
      <Progress
        value={percent}
        label="Atlas run"
        valueText={job ? `${phaseLabel(job)}, ${percent}%` : undefined}
      />
      <div className="flex min-h-7 flex-wrap items-center justify-between gap-2 text-xs text-muted-foreground">
        <span>
          {job?.startedAt
            ? // A clock time rather than "2 minutes ago", which would stand still while the run goes on.
              `Started at ${new Intl.DateTimeFormat('en', { timeStyle: 'short', timeZone: timezone }).format(new Date(job.startedAt))}`
            : 'Waiting for the server to pick it up'}
        </span>
        {canRun && (
          <Button
            size="sm"
            variant="outline"
            aria-disabled={stopping || undefined}
            className={cn(stopping && 'cursor-default opacity-60')}
            onClick={stopping ? undefined : onCancel}
          >
            <SquareIcon aria-hidden /> {stopping ? 'Stopping…' : 'Cancel run'}
          </Button>
        )}
      </div>
      {state.notice && <p className="text-xs text-warning">{state.notice}</p>}
    </div>
  );
}

/** How the newest run ended: an error when this page saw it fail, a warning when it found it so. */
function EndedAlert({ job, now, live }: { job: Job; now: number; live: boolean }) {
  const when = job.finishedAt
    ? relativeTime(job.finishedAt, Math.max(now, Date.parse(job.finishedAt)))
    : null;
  if (job.status === 'cancelled') {
    return (
      <Alert title="The last run was cancelled">
        {when ? `Stopped ${when}; ` : ''}nothing it computed was kept. The recommendations below are from the
        run before it.
      </Alert>
    );
  }
  return (
    <Alert variant={live ? 'error' : 'warning'} title={`The last run failed${when ? ` ${when}` : ''}`}>
      {job.error ?? 'No reason was recorded.'} The recommendations below are from the run before it.
    </Alert>
  );
}

function LastRun({ job, now, timezone, label }: { job: Job; now: number; timezone: string; label: string }) {
  const summary = summariseAtlasRun(job.result);
  const finishedAt = job.finishedAt ?? job.createdAt;
  const full = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: timezone });
  const { graph } = summary;
  const size = [
    graph.participants !== null && plural(graph.participants, 'participant'),
    graph.relationships !== null && plural(graph.relationships, 'relationship'),
    graph.communities !== null && plural(graph.communities, 'community', 'communities'),
  ].filter(Boolean);
  const skippedDismissed = summary.detectors.reduce((s, d) => s + d.skippedDismissed, 0);
  const skippedSuppressed = summary.detectors.reduce((s, d) => s + d.skippedSuppressed, 0);
  return (
    <div className="grid gap-3" data-atlas-last-run>
      <dl className="grid gap-1 text-sm">
        <div>
          <dt className="inline text-muted-foreground">{label} </dt>
          <dd className="inline">
            <time dateTime={finishedAt} title={full.format(new Date(finishedAt))}>
              {relativeTime(finishedAt, Math.max(now, Date.parse(finishedAt)))}
            </time>
            {summary.durationMs !== null && (
              <span className="text-muted-foreground"> · took {formatDuration(summary.durationMs)}</span>
            )}
          </dd>
        </div>
        {size.length > 0 && (
          <div>
            <dt className="inline text-muted-foreground">Graph </dt>
            <dd className="inline">
              {size.join(' · ')}
              {graph.modularity !== null && (
                <span className="text-muted-foreground"> (modularity {graph.modularity.toFixed(2)})</span>
              )}
            </dd>
          </div>
        )}
      </dl>
      {summary.detectors.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full border-collapse text-xs tabular-nums">
            <caption className="pb-1.5 text-left text-sm">
              <span className="font-medium">{plural(summary.totals.created, 'new recommendation')}</span>
              <span className="text-muted-foreground">
                {' '}
                · {summary.totals.refreshed.toLocaleString('en')} refreshed ·{' '}
                {summary.totals.superseded.toLocaleString('en')} superseded
              </span>
            </caption>
            <thead>
              <tr className="border-b border-border text-muted-foreground">
                <th scope="col" className="py-1 pr-3 text-left font-medium">
                  Detector
                </th>
                <th scope="col" className="py-1 pl-3 text-right font-medium">
                  New
                </th>
                <th scope="col" className="py-1 pl-3 text-right font-medium">
                  Refreshed
                </th>
                <th scope="col" className="py-1 pl-3 text-right font-medium">
                  Superseded
                </th>
              </tr>
            </thead>
            <tbody>
              {summary.detectors.map((d) => (
                <tr key={d.detector} className="border-b border-border/60 last:border-0">
                  <th scope="row" className="py-1 pr-3 text-left font-normal">
                    {detectorLabel(d.detector)}
                  </th>
                  <td className="py-1 pl-3 text-right">{d.created.toLocaleString('en')}</td>
                  <td className="py-1 pl-3 text-right">{d.refreshed.toLocaleString('en')}</td>
                  <td className="py-1 pl-3 text-right">{d.superseded.toLocaleString('en')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {skippedDismissed + skippedSuppressed > 0 && (
        <p className="text-xs text-muted-foreground">
          Not raised again: {skippedDismissed.toLocaleString('en')} dismissed in the last 30 days,{' '}
          {skippedSuppressed.toLocaleString('en')} about participants whose suggestions are paused.
        </p>
      )}
    </div>
  );
}
