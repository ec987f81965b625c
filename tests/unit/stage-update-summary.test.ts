import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/app/console/[orgId]/recommendations/atlas-run-summary';
import {
  stageUpdateAnnouncement,
  summariseStageUpdate,
} from '../../src/app/console/[orgId]/settings/stage-update-summary';

const job = (over: Partial<Job>): Job => ({
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'stage_update',
  status: 'running',
  phase: 'updating stages',
  progress: 0.42,
  attempts: 1,
  timeLimitSeconds: 900,
  requestedByUserId: null,
  params: {},
  error: null,
  result: null,
  cancelRequested: false,
  createdAt: '2026-03-10T10:00:00.000000Z',
  startedAt: '2026-03-10T10:00:01.000000Z',
  heartbeatAt: null,
  finishedAt: null,
  ...over,
});

describe('stage update summary', () => {
  it('reads the job’s result: counts and the moves, largest first', () => {
    expect(
      summariseStageUpdate({
        participants: 1200,
        changed: 37,
        byTransition: { 'active->at_risk': 30, 'at_risk->active': 7 },
        durationMs: 812,
      }),
    ).toEqual({
      participants: 1200,
      changed: 37,
      moves: [
        { from: 'active', to: 'at_risk', count: 30 },
        { from: 'at_risk', to: 'active', count: 7 },
      ],
      durationMs: 812,
    });
  });

  it('keeps what it can read of a result of another shape', () => {
    expect(
      summariseStageUpdate({
        changed: 'many',
        byTransition: { 'active->nowhere': 3, oops: 1, 'new->active': -2 },
      }),
    ).toEqual({ participants: null, changed: null, moves: [], durationMs: null });
    expect(summariseStageUpdate(null).moves).toEqual([]);
  });

  it('announces progress and how the update ended', () => {
    expect(stageUpdateAnnouncement(job({}))).toBe('Stage update: Updating stages, 42%');
    expect(
      stageUpdateAnnouncement(job({ status: 'succeeded', result: { participants: 1200, changed: 1 } })),
    ).toBe('Stages updated: 1 participant changed stage of 1,200.');
    expect(
      stageUpdateAnnouncement(job({ status: 'failed', error: 'Stopped after its time limit of 900 s.' })),
    ).toBe('The stage update failed: Stopped after its time limit of 900 s.');
  });
});
