'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, type RefObject } from 'react';
import { toast } from 'sonner';
import { api, data } from '../../../../lib/client/api';
import { announcement, type Job } from './atlas-run-summary';
import { useFollowedJob } from './use-followed-job.client';

/**
 * Set when a run that succeeded reloads the page data while the focus is in the Atlas card: the inbox
 * starts over with the new recommendations and the card is mounted anew, so its new Run button takes
 * the focus back instead of leaving keyboard users at the top of the page.
 */
let refocusAfterRefresh = false;

/**
 * Starts, follows and stops Atlas runs through the org API. When a followed run succeeds the page's
 * server data is read again, so the recommendations it made appear.
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
  const startJob = useCallback(
    () => data(api.POST('/api/orgs/{orgId}/atlas/run', { params: { path: { orgId } } })),
    [orgId],
  );
  const followed = useFollowedJob({
    orgId,
    inProgress,
    startJob,
    onFinished: (job) => {
      if (job.status !== 'succeeded') return;
      toast.success(announcement(job));
      refocusAfterRefresh = card.current?.contains(document.activeElement) ?? false;
      router.refresh();
    },
  });

  useEffect(() => {
    if (!refocusAfterRefresh) return;
    refocusAfterRefresh = false;
    if (document.activeElement === document.body) runButton.current?.focus();
  }, [runButton]);

  return followed;
}
