import { describe, expect, it } from 'vitest';
import {
  conflictSentences,
  conflictsFromProblem,
  describeState,
} from '../../src/components/interventions/intervention-states';

const ada = '6f1c1f43-0a43-4a8e-9f50-5d0ad1d00001';
const ben = '6f1c1f43-0a43-4a8e-9f50-5d0ad1d00002';

describe('states in words', () => {
  it('names each kind of recorded state', () => {
    expect(describeState({ outreachPaused: true })).toBe('Outreach paused');
    expect(describeState({ flaggedForReview: false })).toBe('Not flagged');
    expect(describeState({ lifecycleStage: 'at_risk' })).toBe('At risk');
    expect(
      describeState({
        recommendationsSuppressed: true,
        recommendationsSuppressedUntil: '2031-03-09T12:00:00.000Z',
      }),
    ).toBe('Recommendations suppressed until 9 Mar 2031');
    expect(describeState({ recommendationsSuppressed: false, recommendationsSuppressedUntil: null })).toBe(
      'Recommendations shown',
    );
    expect(describeState({ noteId: null })).toBe('No note from this intervention');
    expect(describeState(null)).toBe('No longer in this org');
  });
});

describe('a 409 report, target by target', () => {
  // The API's conflict fields: the target's id as the path, "expected <json>, now <json>" as the message.
  const fields = [
    { path: ada, message: 'expected {"lifecycleStage":"dormant"}, now {"lifecycleStage":"active"}' },
    { path: ben, message: 'expected {"outreachPaused":true}, now null' },
    { path: 'x', message: 'something else' },
  ];

  it('reads each target that changed since, and skips fields that are not such a report', () => {
    expect(conflictsFromProblem(fields)).toEqual([
      { id: ada, expected: { lifecycleStage: 'dormant' }, actual: { lifecycleStage: 'active' } },
      { id: ben, expected: { outreachPaused: true }, actual: null },
    ]);
  });

  it('explains each target by name, expected against actual, in words', () => {
    const lines = conflictSentences(conflictsFromProblem(fields), new Map([[ada, 'Ada Lovelace']]));
    expect(lines[0]).toEqual({
      id: ada,
      label: 'Ada Lovelace',
      sentence:
        'This intervention left it “Dormant”, but it is now “Active”: someone changed it since, so it was left as it is.',
    });
    expect(lines[1]!.label).toBe('Target 6f1c1f43');
    expect(lines[1]!.sentence).toBe(
      'This intervention left it “Outreach paused”, but it is no longer in this org.',
    );
  });
});
