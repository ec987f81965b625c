import { isInProgress, type Job } from './atlas-run-summary';

// Following one Atlas run from the browser, as a reducer: start it (or, when one is already in progress,
// follow that one), poll it about once a second until it ends, ask it to stop. Pure, so that every
// transition is tested without a browser or a clock (tests/unit/atlas-run-state.test.ts).

export type RunState =
  /** Following nothing: the panel shows the last run as the page was rendered. */
  | { kind: 'idle' }
  /** The request to start is on its way. */
  | { kind: 'starting' }
  | {
      kind: 'following';
      jobId: string;
      /** As last read; null until the first read of a run started elsewhere (a 409 names only its id). */
      job: Job | null;
      /** Asked to stop, waiting for the API's answer. */
      cancelling: boolean;
      /** Reads that failed in a row: the polling slows down while the console cannot be reached. */
      failures: number;
      /** A passing problem to show beside the bar (the last failed read or cancel), if any. */
      notice: string | null;
    }
  /** The run ended while the page followed it (shown until the next start). */
  | { kind: 'finished'; job: Job }
  /** Starting was refused, or the run can no longer be read. */
  | { kind: 'error'; message: string };

export type RunEvent =
  | { type: 'start' }
  | { type: 'started'; job: Job }
  /** 409: a run is already in progress; follow it. */
  | { type: 'conflict'; jobId: string }
  | { type: 'startFailed'; message: string }
  | { type: 'polled'; job: Job }
  /** `fatal`: the job is gone or no longer ours to read (404, 403): stop following. */
  | { type: 'pollFailed'; message: string; fatal: boolean }
  | { type: 'cancel' }
  | { type: 'cancelFailed'; message: string };

export const POLL_INTERVAL_MS = 1000;
const MAX_POLL_INTERVAL_MS = 15_000;

/** A run in progress when the page was rendered is followed at once, whoever started it. */
export function initialRunState(inProgress: Job | null): RunState {
  return inProgress && isInProgress(inProgress) ? follow(inProgress.id, inProgress) : { kind: 'idle' };
}

const follow = (jobId: string, job: Job | null): RunState => ({
  kind: 'following',
  jobId,
  job,
  cancelling: false,
  failures: 0,
  notice: null,
});

export function runReducer(state: RunState, event: RunEvent): RunState {
  switch (event.type) {
    case 'start':
      return state.kind === 'following' || state.kind === 'starting' ? state : { kind: 'starting' };
    case 'started':
      return isInProgress(event.job) ? follow(event.job.id, event.job) : { kind: 'finished', job: event.job };
    case 'conflict':
      return follow(event.jobId, null);
    case 'startFailed':
      return state.kind === 'starting' ? { kind: 'error', message: event.message } : state;
    case 'polled':
      if (state.kind !== 'following' || event.job.id !== state.jobId) return state;
      if (!isInProgress(event.job)) return { kind: 'finished', job: event.job };
      return { ...state, job: event.job, failures: 0, notice: null };
    case 'pollFailed':
      if (state.kind !== 'following') return state;
      if (event.fatal) return { kind: 'error', message: event.message };
      return { ...state, failures: state.failures + 1, notice: event.message };
    case 'cancel':
      return state.kind === 'following' && !state.cancelling ? { ...state, cancelling: true } : state;
    case 'cancelFailed':
      return state.kind === 'following' ? { ...state, cancelling: false, notice: event.message } : state;
  }
}

/**
 * How long to wait before reading the followed run again, or null when nothing is followed: at once
 * for a run known only by its id, then every second, backing off (doubling, at most 15 s) while reads
 * fail.
 */
export function nextPollDelay(state: RunState): number | null {
  if (state.kind !== 'following') return null;
  if (state.job === null && state.failures === 0) return 0;
  return Math.min(MAX_POLL_INTERVAL_MS, POLL_INTERVAL_MS * 2 ** state.failures);
}

/** The run the panel shows progress for: the one followed, as last read. */
export function followedJob(state: RunState): Job | null {
  return state.kind === 'following' ? state.job : null;
}

/** Whether a run may be started now (the button is offered to admins only, and not while one runs). */
export function canStart(state: RunState): boolean {
  return state.kind === 'idle' || state.kind === 'finished' || state.kind === 'error';
}

/**
 * What a job's card shows besides the progress: `finished`, the job that ended while the page followed
 * it; `shown`, the last successful one (that one, at once, before the page reloads); `ended`, how the
 * newest ended when it did not succeed, seen live or as the page found it.
 */
export function shownJobs(state: RunState, latest: Job | null, lastSucceeded: Job | null) {
  const finished = state.kind === 'finished' ? state.job : null;
  const shown = finished?.status === 'succeeded' ? finished : lastSucceeded;
  const ended =
    finished && finished.status !== 'succeeded'
      ? finished
      : state.kind === 'idle' && latest && !isInProgress(latest) && latest.status !== 'succeeded'
        ? latest
        : null;
  return { finished, shown, ended };
}
