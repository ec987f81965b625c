'use client';

import { useCallback } from 'react';
import { toast } from 'sonner';
import { api, data } from '../../../../lib/client/api';
import type { Job } from '../recommendations/atlas-run-summary';
// Following a job is the same for every kind: the Atlas panel's hook and reducer.
import { useFollowedJob } from '../recommendations/use-followed-job.client';
import { stageUpdateAnnouncement } from './stage-update-summary';

/**
 * Starts a stage update through the org API (or, when one is already queued or running, follows that
 * one: the 409 names it) and reads it about once a second until it ends.
 */
export function useStageUpdate({ orgId, inProgress }: { orgId: string; inProgress: Job | null }) {
  const startJob = useCallback(
    () => data(api.POST('/api/orgs/{orgId}/stages/run', { params: { path: { orgId } } })),
    [orgId],
  );
  const { state, start } = useFollowedJob({
    orgId,
    inProgress,
    startJob,
    onFinished: (job) => {
      if (job.status === 'succeeded') toast.success(stageUpdateAnnouncement(job));
    },
  });
  return { state, start };
}
