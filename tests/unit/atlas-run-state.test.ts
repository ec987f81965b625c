import { describe, expect, it } from 'vitest';
import {
  canStart,
  initialRunState,
  nextPollDelay,
  runReducer,
  shownJobs,
  type RunEvent,
  type RunState,
} from '../../src/app/console/[orgId]/recommendations/atlas-run-state';
import {
  announcement,
  formatDuration,
  phaseLabel,
  progressPercent,
  summariseAtlasRun,
  type Job,
} from '../../src/app/console/[orgId]/recommendations/atlas-run-summary';

const JOB_ID = '7b0c5b43-4a1e-4c1a-9d0b-0d3c4a6f2a11';
const OTHER_ID = '0a6f3c55-2b7e-4f0e-8f51-4d8f2c1a9b22';

function job(overrides: Partial<Job> = {}): Job {
  return {
    id: JOB_ID,
    kind: 'atlas_run',
    status: 'running',
    phase: 'PageRank',
    progress: 0.42,
    attempts: 1,
    timeLimitSeconds: 1800,
    requestedByUserId: null,
    params: {},
    error: null,
    result: null,
    cancelRequested: false,
    createdAt: '2026-05-04T10:00:00.000000Z',
    startedAt: '2026-05-04T10:00:01.000000Z',
    heartbeatAt: '2026-05-04T10:00:02.000000Z',
    finishedAt: null,
    ...overrides,
  };
}

const run = (state: RunState, ...events: RunEvent[]) => events.reduce(runReducer, state);
const idle: RunState = { kind: 'idle' };

describe('following an Atlas run', () => {
  it('follows a run found in progress when the page loads, and nothing otherwise', () => {
    expect(initialRunState(job({ status: 'queued', phase: null, progress: 0 }))).toMatchObject({
      kind: 'following',
      jobId: JOB_ID,
    });
    expect(initialRunState(job({ status: 'succeeded' }))).toEqual(idle);
    expect(initialRunState(null)).toEqual(idle);
  });

  it('starts, polls every second with the latest phase, and ends on the terminal status', () => {
    const started = run(idle, { type: 'start' });
    expect(started).toEqual({ kind: 'starting' });
    expect(canStart(started)).toBe(false);
    const following = run(started, { type: 'started', job: job({ status: 'queued', progress: 0 }) });
    expect(nextPollDelay(following)).toBe(1000);
    const later = run(following, { type: 'polled', job: job({ phase: 'communities', progress: 0.6 }) });
    expect(later).toMatchObject({ kind: 'following', job: { phase: 'communities', progress: 0.6 } });
    const done = run(later, { type: 'polled', job: job({ status: 'succeeded', progress: 1 }) });
    expect(done).toMatchObject({ kind: 'finished', job: { status: 'succeeded' } });
    expect(nextPollDelay(done)).toBeNull();
    expect(canStart(done)).toBe(true);
  });

  it('follows the run already in progress on a 409, reading it at once', () => {
    const state = run(idle, { type: 'start' }, { type: 'conflict', jobId: OTHER_ID });
    expect(state).toMatchObject({ kind: 'following', jobId: OTHER_ID, job: null });
    expect(nextPollDelay(state)).toBe(0);
  });

  it('shows a refused start as an error, and a second click while starting does nothing', () => {
    const starting = run(idle, { type: 'start' });
    expect(run(starting, { type: 'start' })).toBe(starting);
    expect(run(starting, { type: 'startFailed', message: 'Forbidden' })).toEqual({
      kind: 'error',
      message: 'Forbidden',
    });
  });

  it('ends with the error of a failed run and the status of a cancelled one', () => {
    const following = initialRunState(job());
    expect(
      run(following, { type: 'polled', job: job({ status: 'failed', error: 'Time limit' }) }),
    ).toMatchObject({ kind: 'finished', job: { error: 'Time limit' } });
    expect(run(following, { type: 'polled', job: job({ status: 'cancelled' }) })).toMatchObject({
      kind: 'finished',
      job: { status: 'cancelled' },
    });
  });

  it('ignores answers about another job, and answers arriving after the run ended', () => {
    const following = initialRunState(job());
    expect(run(following, { type: 'polled', job: job({ id: OTHER_ID, status: 'succeeded' }) })).toBe(
      following,
    );
    const done = run(following, { type: 'polled', job: job({ status: 'succeeded' }) });
    expect(run(done, { type: 'polled', job: job() })).toBe(done);
  });

  it('backs off while reads fail, keeps following, and recovers on the next answer', () => {
    const following = initialRunState(job());
    const once = run(following, { type: 'pollFailed', message: 'Network error', fatal: false });
    expect(once).toMatchObject({ kind: 'following', failures: 1, notice: 'Network error' });
    expect(nextPollDelay(once)).toBe(2000);
    const many = run(
      once,
      ...Array.from(
        { length: 6 },
        () => ({ type: 'pollFailed', message: 'Network error', fatal: false }) as const,
      ),
    );
    expect(nextPollDelay(many)).toBe(15_000);
    expect(run(many, { type: 'polled', job: job() })).toMatchObject({ failures: 0, notice: null });
    expect(nextPollDelay(run(many, { type: 'polled', job: job() }))).toBe(1000);
  });

  it('stops following a job that is gone', () => {
    const state = run(initialRunState(job()), { type: 'pollFailed', message: 'No such job', fatal: true });
    expect(state).toEqual({ kind: 'error', message: 'No such job' });
  });

  it('cancels once, and shows a refused cancel without losing the run', () => {
    const cancelling = run(initialRunState(job()), { type: 'cancel' });
    expect(cancelling).toMatchObject({ kind: 'following', cancelling: true });
    expect(run(cancelling, { type: 'cancel' })).toBe(cancelling);
    const refused = run(cancelling, { type: 'cancelFailed', message: 'This job has already finished.' });
    expect(refused).toMatchObject({
      kind: 'following',
      cancelling: false,
      notice: 'This job has already finished.',
    });
    expect(run(idle, { type: 'cancel' })).toBe(idle);
  });
});

describe('what the panel says about a run', () => {
  it('reads a full result, detectors in their usual order, with totals', () => {
    const summary = summariseAtlasRun({
      durationMs: 4210,
      graph: { participants: 1200, relationships: 5400, communities: 14, modularity: 0.4123 },
      detectors: {
        introduce: { created: 3, refreshed: 1, superseded: 0, skippedDismissed: 2, skippedSuppressed: 0 },
        reengage: { created: 5, refreshed: 2, superseded: 1, skippedDismissed: 0, skippedSuppressed: 1 },
      },
      timings: { loadMs: 120 },
    });
    expect(summary.durationMs).toBe(4210);
    expect(summary.graph).toEqual({
      participants: 1200,
      relationships: 5400,
      communities: 14,
      modularity: 0.4123,
    });
    expect(summary.detectors.map((d) => d.detector)).toEqual(['reengage', 'introduce']);
    expect(summary.totals).toEqual({ created: 8, refreshed: 3, superseded: 1 });
  });

  it('tolerates a result with keys missing or of the wrong type', () => {
    for (const result of [null, undefined, 'done', [], {}]) {
      expect(summariseAtlasRun(result)).toEqual({
        durationMs: null,
        graph: { participants: null, relationships: null, communities: null, modularity: null },
        detectors: [],
        totals: { created: 0, refreshed: 0, superseded: 0 },
      });
    }
    const partial = summariseAtlasRun({
      durationMs: 'slow',
      graph: { participants: 10 },
      detectors: { check_in: { created: 2 }, unknown_detector: { created: 9 }, reengage: null },
    });
    expect(partial.durationMs).toBeNull();
    expect(partial.graph.participants).toBe(10);
    expect(partial.detectors).toEqual([
      {
        detector: 'reengage',
        created: 0,
        refreshed: 0,
        superseded: 0,
        skippedDismissed: 0,
        skippedSuppressed: 0,
      },
      {
        detector: 'check_in',
        created: 2,
        refreshed: 0,
        superseded: 0,
        skippedDismissed: 0,
        skippedSuppressed: 0,
      },
    ]);
  });

  it('names the phase and the percent, never 100 before success', () => {
    expect(phaseLabel(job({ phase: 'reading the graph' }))).toBe('Reading the graph');
    expect(phaseLabel(job({ status: 'queued', phase: null }))).toBe('Waiting to start');
    expect(phaseLabel(job({ phase: null }))).toBe('Starting');
    expect(phaseLabel(job({ cancelRequested: true }))).toBe('Stopping');
    expect(progressPercent(job({ progress: 0.426 }))).toBe(42);
    expect(progressPercent(job({ progress: 1 }))).toBe(99);
    expect(progressPercent(job({ status: 'succeeded', progress: 1 }))).toBe(100);
  });

  it('announces how a run ended', () => {
    expect(
      announcement(
        job({
          status: 'succeeded',
          result: { detectors: { reengage: { created: 1, refreshed: 2, superseded: 0 } } },
        }),
      ),
    ).toBe('Atlas run finished: 1 new recommendation, 2 refreshed, 0 superseded.');
    expect(announcement(job({ status: 'failed', error: 'Time limit of 1800 s reached' }))).toBe(
      'Atlas run failed: Time limit of 1800 s reached',
    );
    expect(announcement(job())).toBe('Atlas run: PageRank, 42%');
  });

  it('formats durations for people', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4210)).toBe('4.2 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(120_000)).toBe('2 min');
  });
});

describe('shownJobs', () => {
  const succeeded = job({ id: OTHER_ID, status: 'succeeded', finishedAt: '2026-05-04T09:00:00.000000Z' });
  const failed = job({ status: 'failed', error: 'time limit', finishedAt: '2026-05-04T10:05:00.000000Z' });

  it('shows a job that succeeded while followed at once, before the page reloads', () => {
    const done = job({ status: 'succeeded', finishedAt: '2026-05-04T10:05:00.000000Z' });
    expect(shownJobs({ kind: 'finished', job: done }, null, succeeded)).toEqual({
      finished: done,
      shown: done,
      ended: null,
    });
  });

  it('says how the newest ended when it did not succeed, seen live or as the page found it', () => {
    expect(shownJobs({ kind: 'finished', job: failed }, null, succeeded)).toEqual({
      finished: failed,
      shown: succeeded,
      ended: failed,
    });
    expect(shownJobs({ kind: 'idle' }, failed, succeeded).ended).toBe(failed);
    expect(shownJobs({ kind: 'idle' }, succeeded, succeeded).ended).toBeNull();
    // One in progress as the page found it is followed, not ended.
    expect(shownJobs({ kind: 'idle' }, job(), null)).toEqual({ finished: null, shown: null, ended: null });
  });
});
