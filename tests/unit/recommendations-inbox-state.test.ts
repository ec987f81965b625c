import { describe, expect, it } from 'vitest';
import {
  appendPage,
  applyDecision,
  confirmDecision,
  decideEach,
  initialInboxState,
  problemDetail,
  rollbackDecision,
  summarizeOutcomes,
  type Outcome,
} from '../../src/app/console/[orgId]/recommendations/inbox-state';
import { ApiProblem } from '../../src/lib/client/api';

// Cards newest first, as the API lists them; b and c share a timestamp (the id decides).
const card = (id: string, createdAt: string) => ({ id, createdAt, reason: `about ${id}` });
const A = card('a', '2026-05-04T10:00:00.000003Z');
const C = card('c', '2026-05-04T09:00:00.000000Z');
const B = card('b', '2026-05-04T09:00:00.000000Z');
const D = card('d', '2026-05-01T08:00:00.000000Z');
const start = () => initialInboxState([A, C, B, D], { pending: 4, accepted: 1, dismissed: 0, superseded: 0 });
const ids = (state: { items: { id: string }[] }) => state.items.map((i) => i.id);

describe('optimistic decisions', () => {
  it('takes a decided card out of the list at once and moves it to its tab count', () => {
    const state = applyDecision(start(), ['c'], 'accepted');
    expect(ids(state)).toEqual(['a', 'b', 'd']);
    expect(state.counts).toEqual({ pending: 3, accepted: 2, dismissed: 0, superseded: 0 });
    expect(Object.keys(state.inFlight)).toEqual(['c']);
  });

  it('keeps the card out once the API agrees', () => {
    const state = confirmDecision(applyDecision(start(), ['c'], 'dismissed'), 'c');
    expect(ids(state)).toEqual(['a', 'b', 'd']);
    expect(state.inFlight).toEqual({});
    expect(state.counts).toEqual({ pending: 3, accepted: 1, dismissed: 1, superseded: 0 });
  });

  it('puts a refused card back in its place with the problem, and undoes the counts', () => {
    const decided = applyDecision(start(), ['c', 'a'], 'accepted');
    const back = rollbackDecision(decided, 'c', 'This recommendation was already dismissed.');
    expect(ids(back)).toEqual(['c', 'b', 'd']); // c sorts before b: same time, larger id
    expect(back.problems).toEqual({ c: 'This recommendation was already dismissed.' });
    expect(back.counts).toEqual({ pending: 3, accepted: 2, dismissed: 0, superseded: 0 });
    const both = rollbackDecision(back, 'a', 'Network error');
    expect(ids(both)).toEqual(['a', 'c', 'b', 'd']);
    expect(both.counts).toEqual(start().counts);
  });

  it('clears a card’s old problem when it is decided again, and ignores cards already on their way', () => {
    const refused = rollbackDecision(applyDecision(start(), ['b'], 'accepted'), 'b', 'No.');
    const again = applyDecision(refused, ['b'], 'dismissed');
    expect(again.problems).toEqual({});
    expect(applyDecision(again, ['b'], 'accepted')).toBe(again);
    expect(rollbackDecision(again, 'zzz', 'x')).toBe(again);
    expect(confirmDecision(again, 'zzz')).toBe(again);
  });

  it('appends a later page without the cards shown or on their way', () => {
    const decided = applyDecision(start(), ['d'], 'accepted');
    const E = card('e', '2026-04-01T00:00:00.000000Z');
    expect(ids(appendPage(decided, [B, D, E]))).toEqual(['a', 'c', 'b', 'e']);
  });
});

describe('deciding many cards: one request each', () => {
  it('sends one request per card and settles each on its own, reporting partial failure', async () => {
    const sent: string[] = [];
    const settled: Outcome[] = [];
    let state = applyDecision(start(), ['a', 'b', 'd'], 'dismissed');
    const outcomes = await decideEach(
      ['a', 'b', 'd'],
      async (id) => {
        sent.push(id);
        if (id === 'b') throw new ApiProblem(409, 'Conflict', 'This recommendation was already accepted.');
        if (id === 'd') throw new Error('socket hang up');
      },
      (outcome) => {
        settled.push(outcome);
        state = outcome.ok
          ? confirmDecision(state, outcome.id)
          : rollbackDecision(state, outcome.id, outcome.detail);
      },
    );
    expect(sent.sort()).toEqual(['a', 'b', 'd']);
    expect(settled).toHaveLength(3);
    expect(outcomes).toEqual([
      { id: 'a', ok: true },
      { id: 'b', ok: false, detail: 'This recommendation was already accepted.' },
      { id: 'd', ok: false, detail: 'socket hang up' },
    ]);
    expect(ids(state)).toEqual(['c', 'b', 'd']);
    expect(state.counts).toEqual({ pending: 3, accepted: 1, dismissed: 1, superseded: 0 });
    expect(state.problems).toEqual({ b: 'This recommendation was already accepted.', d: 'socket hang up' });
    expect(summarizeOutcomes(outcomes, 'dismissed')).toEqual({
      succeeded: 1,
      failed: 2,
      message:
        '1 dismissed, 2 could not be dismissed: This recommendation was already accepted. · socket hang up',
    });
  });

  it('keeps at most `concurrency` requests open at once', async () => {
    let open = 0;
    let most = 0;
    const outcomes = await decideEach(
      Array.from({ length: 10 }, (_, i) => `r${i}`),
      async () => {
        open += 1;
        most = Math.max(most, open);
        await new Promise((resolve) => setTimeout(resolve, 5));
        open -= 1;
      },
      () => undefined,
      3,
    );
    expect(most).toBe(3);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  it('says all went well in few words', () => {
    expect(
      summarizeOutcomes(
        [
          { id: 'a', ok: true },
          { id: 'b', ok: true },
        ],
        'accepted',
      ).message,
    ).toBe('2 accepted');
  });

  it("reads the API's detail and failing fields from a problem", () => {
    const problem = new ApiProblem(422, 'Unprocessable', 'The reason uses banned wording.', [
      { path: 'reason', message: 'must not use "x"' },
    ]);
    expect(problemDetail(problem)).toBe('The reason uses banned wording. · reason: must not use "x"');
    expect(problemDetail('plain')).toBe('plain');
  });
});
