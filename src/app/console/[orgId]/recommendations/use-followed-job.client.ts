'use client';

import { useCallback, useEffect, useReducer, useRef } from 'react';
import { api, ApiProblem, data } from '../../../../lib/client/api';
import type { Job } from './atlas-run-summary';
import { initialRunState, nextPollDelay, runReducer } from './atlas-run-state';

export const jobProblemMessage = (error: unknown) =>
  error instanceof ApiProblem ? error.summary : 'Something went wrong. Try again.';

/**
 * Starts a background job through the org API (or, when one of its kind is already queued or running,
 * follows that one: the 409 names it), reads it about once a second until it ends, and asks it to stop.
 * Every kind follows the same way (atlas-run-state.ts holds the logic); `onFinished` runs once per job
 * that ended while the page followed it.
 */
export function useFollowedJob({
  orgId,
  inProgress,
  startJob,
  onFinished,
}: {
  orgId: string;
  inProgress: Job | null;
  startJob: () => Promise<Job>;
  onFinished: (job: Job) => void;
}) {
  const [state, dispatch] = useReducer(runReducer, inProgress, initialRunState);
  const finishedFor = useRef<string | null>(null);
  const latestOnFinished = useRef(onFinished);
  useEffect(() => {
    latestOnFinished.current = onFinished;
  });

  const delay = nextPollDelay(state);
  const jobId = state.kind === 'following' ? state.jobId : null;
  useEffect(() => {
    if (delay === null || jobId === null) return;
    let stale = false;
    const timer = setTimeout(() => {
      data(api.GET('/api/orgs/{orgId}/jobs/{jobId}', { params: { path: { orgId, jobId } } })).then(
        (job) => !stale && dispatch({ type: 'polled', job }),
        (error: unknown) =>
          !stale &&
          dispatch({
            type: 'pollFailed',
            message: jobProblemMessage(error),
            fatal: error instanceof ApiProblem && (error.status === 404 || error.status === 403),
          }),
      );
    }, delay);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
    // `state` as a dependency: each answer (a new state) schedules the next read.
  }, [delay, jobId, orgId, state]);

  const finished = state.kind === 'finished' ? state.job : null;
  useEffect(() => {
    if (!finished || finishedFor.current === finished.id) return;
    finishedFor.current = finished.id;
    latestOnFinished.current(finished);
  }, [finished]);

  const start = useCallback(async () => {
    dispatch({ type: 'start' });
    try {
      dispatch({ type: 'started', job: await startJob() });
    } catch (error) {
      const running =
        error instanceof ApiProblem && error.status === 409 ? error.extensions.jobId : undefined;
      if (typeof running === 'string') dispatch({ type: 'conflict', jobId: running });
      else dispatch({ type: 'startFailed', message: jobProblemMessage(error) });
    }
  }, [startJob]);

  const cancel = useCallback(async () => {
    if (jobId === null) return;
    dispatch({ type: 'cancel' });
    try {
      const job = await data(
        api.POST('/api/orgs/{orgId}/jobs/{jobId}/cancel', { params: { path: { orgId, jobId } } }),
      );
      dispatch({ type: 'polled', job });
    } catch (error) {
      dispatch({ type: 'cancelFailed', message: jobProblemMessage(error) });
    }
  }, [jobId, orgId]);

  return { state, start, cancel };
}
