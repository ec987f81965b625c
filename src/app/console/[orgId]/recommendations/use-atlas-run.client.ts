'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useReducer, useRef, type RefObject } from 'react';
import { toast } from 'sonner';
import { api, ApiProblem, data } from '../../../../lib/client/api';
import { announcement, type Job } from './atlas-run-summary';
import { initialRunState, nextPollDelay, runReducer } from './atlas-run-state';

/**
 * Set when a run that succeeded reloads the page data while the focus is in the Atlas card: the inbox
 * starts over with the new recommendations and the card is mounted anew, so its new Run button takes
 * the focus back instead of leaving keyboard users at the top of the page.
 */
let refocusAfterRefresh = false;

const message = (error: unknown) =>
  error instanceof ApiProblem ? error.summary : 'Something went wrong. Try again.';

/**
 * Starts, follows and stops Atlas runs through the org API (atlas-run-state.ts holds the logic). When a
 * followed run succeeds the page's server data is read again, so the recommendations it made appear.
 */
export function useAtlasRun({
  orgId,
  inProgress,
  card,
  runButton,
}: {
  orgId: string;
  inProgress: Job | null;
  card: RefObject<HTMLElement | null>;
  runButton: RefObject<HTMLButtonElement | null>;
}) {
  const router = useRouter();
  const [state, dispatch] = useReducer(runReducer, inProgress, initialRunState);
  const refreshedFor = useRef<string | null>(null);

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
    if (!finished || refreshedFor.current === finished.id) return;
    refreshedFor.current = finished.id;
    if (finished.status === 'succeeded') {
      toast.success(announcement(finished));
      refocusAfterRefresh = card.current?.contains(document.activeElement) ?? false;
      router.refresh();
    }
  }, [card, finished, router]);

  useEffect(() => {
    if (!refocusAfterRefresh) return;
    refocusAfterRefresh = false;
    if (document.activeElement === document.body) runButton.current?.focus();
  }, [runButton]);

  const start = useCallback(async () => {
    dispatch({ type: 'start' });
    try {
      const job = await data(api.POST('/api/orgs/{orgId}/atlas/run', { params: { path: { orgId } } }));
      dispatch({ type: 'started', job });
    } catch (error) {
      const running =
        error instanceof ApiProblem && error.status === 409 ? error.extensions.jobId : undefined;
      if (typeof running === 'string') dispatch({ type: 'conflict', jobId: running });
      else dispatch({ type: 'startFailed', message: message(error) });
    }
  }, [orgId]);

  const cancel = useCallback(async () => {
    if (jobId === null) return;
    dispatch({ type: 'cancel' });
    try {
      const job = await data(
        api.POST('/api/orgs/{orgId}/jobs/{jobId}/cancel', { params: { path: { orgId, jobId } } }),
      );
      dispatch({ type: 'polled', job });
    } catch (error) {
      dispatch({ type: 'cancelFailed', message: message(error) });
    }
  }, [jobId, orgId]);

  return { state, start, cancel };
}
