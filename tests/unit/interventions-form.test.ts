import { describe, expect, it } from 'vitest';
import {
  buildInterventionBody,
  EMPTY_FORM,
  endOfDayIso,
  placeFieldErrors,
  typesForScope,
  validateForm,
  type InterventionFormValues,
  type InterventionTarget,
} from '../../src/components/interventions/intervention-form';

const ids = ['0b9a2b1e-2f4b-4c43-9d0b-2c5d7c1a0001', '0b9a2b1e-2f4b-4c43-9d0b-2c5d7c1a0002'];
const participants: InterventionTarget = { scope: 'participant', ids, label: '2 participants' };
const segment: InterventionTarget = { scope: 'segment', segment: 'at_risk', label: 'segment At risk' };
const form = (values: Partial<InterventionFormValues>): InterventionFormValues => ({
  ...EMPTY_FORM,
  type: 'pause_outreach',
  ...values,
});

describe('the types the form offers', () => {
  it('offers relationships only the review flag, and participants and segments all seven types', () => {
    expect(typesForScope('relationship')).toEqual(['flag_for_review', 'clear_flag']);
    expect(typesForScope('participant')).toHaveLength(7);
    expect(typesForScope('segment')).toHaveLength(7);
  });
});

describe('the request body per type', () => {
  it('sends the ids of a selection and the segment of a segment, never both', () => {
    expect(buildInterventionBody(participants, form({ reason: ' quiet for weeks ' }))).toEqual({
      type: 'pause_outreach',
      scope: 'participant',
      targetIds: ids,
      reason: 'quiet for weeks',
    });
    expect(buildInterventionBody(segment, form({ type: 'flag_for_review', reason: 'check' }))).toEqual({
      type: 'flag_for_review',
      scope: 'segment',
      segment: 'at_risk',
      reason: 'check',
    });
  });

  it('sends the stage only for set_lifecycle_stage, and the note only for add_note', () => {
    const leftovers = { lifecycleStage: 'dormant' as const, note: 'called twice', reason: 'r' };
    expect(
      buildInterventionBody(participants, form({ ...leftovers, type: 'set_lifecycle_stage' })).newState,
    ).toEqual({ lifecycleStage: 'dormant' });
    expect(buildInterventionBody(participants, form({ ...leftovers, type: 'add_note' })).newState).toEqual({
      note: 'called twice',
    });
    expect(
      buildInterventionBody(participants, form({ ...leftovers, type: 'clear_flag' })).newState,
    ).toBeUndefined();
  });

  it('turns the "until" date into the end of that day, and omits it when empty', () => {
    const until = buildInterventionBody(
      participants,
      form({ type: 'suppress_recommendations', reason: 'r', until: '2031-03-09' }),
    );
    expect(until.newState).toEqual({ until: new Date(2031, 2, 9, 23, 59, 59, 999).toISOString() });
    expect(
      buildInterventionBody(participants, form({ type: 'suppress_recommendations', reason: 'r' })).newState,
    ).toBeUndefined();
  });

  it('refuses dates that do not exist', () => {
    expect(endOfDayIso('2031-02-30')).toBeUndefined();
    expect(endOfDayIso('31/02/2031')).toBeUndefined();
  });
});

describe('the form checks before sending', () => {
  it('requires a reason, the stage of set_lifecycle_stage and the note of add_note', () => {
    expect(Object.keys(validateForm(form({ reason: '   ' })))).toEqual(['reason']);
    expect(Object.keys(validateForm(form({ type: 'set_lifecycle_stage', reason: 'r' })))).toEqual([
      'lifecycleStage',
    ]);
    expect(Object.keys(validateForm(form({ type: 'add_note', reason: 'r', note: ' ' })))).toEqual(['note']);
    expect(
      validateForm(form({ type: 'suppress_recommendations', reason: 'r', until: '2031-13-01' })).until,
    ).toBe('Enter a valid date.');
    expect(validateForm(form({ reason: 'quiet' }))).toEqual({});
  });
});

describe('field errors from the API', () => {
  it('puts a refused term (422) and validation errors (400) beside the field they name', () => {
    const placed = placeFieldErrors([
      { path: 'reason', message: 'must not use "forbidden"' },
      { path: 'newState.note', message: 'is required for add_note' },
      { path: 'targetIds.3', message: 'must be UUIDs' },
      { path: 'body', message: 'is not JSON' },
    ]);
    expect(placed.fields).toEqual({
      reason: 'Must not use "forbidden".',
      note: 'Is required for add_note.',
      target: 'Must be UUIDs.',
    });
    expect(placed.other).toEqual([{ path: 'body', message: 'is not JSON' }]);
  });
});
