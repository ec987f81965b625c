'use client';

import { useCallback, useEffect, useReducer, useRef } from 'react';
import { toast } from 'sonner';
import { api, ApiProblem, data } from '../../../../lib/client/api';
// Following a job is the same for every kind: the Atlas panel's reducer (pure, tested there).
import { initialRunState, nextPollDelay, runReducer } from '../recommendations/atlas-run-state';
import type { Job } from '../recommendations/atlas-run-summary';
import { stageUpdateAnnouncement } from './stage-update-summary';

const message = (error: unknown) =>
  error instanceof ApiProblem ? error.summary : 'Something went wrong. Try again.';

/**
 * Starts a stage update through the org API (or, when one is already queued or running, follows that
 * one: the 409 names it) and reads it about once a second until it ends.
 */
export function useStageUpdate({ orgId, inProgress }: { orgId: string; inProgress: Job | null }) {
  const [state, dispatch] = useReducer(runReducer, inProgress, initialRunState);
  const announcedFor = useRef<string | null>(null);

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
            message: message(error),
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
    if (!finished || announcedFor.current === finished.id) return;
    announcedFor.current = finished.id;
    if (finished.status === 'succeeded') toast.success(stageUpdateAnnouncement(finished));
  }, [finished]);

  const start = useCallback(async () => {
    dispatch({ type: 'start' });
    try {
      const job = await data(api.POST('/api/orgs/{orgId}/stages/run', { params: { path: { orgId } } }));
      dispatch({ type: 'started', job });
    } catch (error) {
      const running =
        error instanceof ApiProblem && error.status === 409 ? error.extensions.jobId : undefined;
      if (typeof running === 'string') dispatch({ type: 'conflict', jobId: running });
      else dispatch({ type: 'startFailed', message: message(error) });
    }
  }, [orgId]);

  return { state, start };
}
