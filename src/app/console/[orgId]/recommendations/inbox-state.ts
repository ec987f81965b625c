import type { RecommendationStatus } from '../../../../lib/domain';

// The inbox's optimistic updates, as pure functions over a plain state: a decided card leaves the list
// at once; when the API refuses, it returns to its place (the list's order: newest first, then id)
// with the problem's detail. Many decisions are one request each; their outcomes are summarised.

export type Decision = 'accepted' | 'dismissed';

export interface InboxCard {
  id: string;
  createdAt: string;
}

export interface InboxState<T extends InboxCard> {
  items: T[];
  /** Cards whose decision is on its way, to put back if it fails. */
  inFlight: Record<string, { item: T; decision: Decision }>;
  /** The detail of the last refusal, per card, shown on the card until it is decided again. */
  problems: Record<string, string>;
  counts: Record<RecommendationStatus, number>;
}

export function initialInboxState<T extends InboxCard>(
  items: T[],
  counts: Record<RecommendationStatus, number>,
): InboxState<T> {
  return { items, inFlight: {}, problems: {}, counts };
}

/** The list's order: newest first, ties by id descending (the API's keyset order). */
export function compareCards(a: InboxCard, b: InboxCard): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Takes `ids` out of the list as decided (those not in it, or already on their way, are ignored). */
export function applyDecision<T extends InboxCard>(
  state: InboxState<T>,
  ids: readonly string[],
  decision: Decision,
): InboxState<T> {
  const leaving = new Set(ids.filter((id) => !state.inFlight[id]));
  const moved = state.items.filter((item) => leaving.has(item.id));
  if (moved.length === 0) return state;
  const inFlight = { ...state.inFlight };
  const problems = { ...state.problems };
  for (const item of moved) {
    inFlight[item.id] = { item, decision };
    delete problems[item.id];
  }
  return {
    items: state.items.filter((item) => !leaving.has(item.id)),
    inFlight,
    problems,
    counts: {
      ...state.counts,
      pending: state.counts.pending - moved.length,
      [decision]: state.counts[decision] + moved.length,
    },
  };
}

/** The API agreed: the card is decided for good. */
export function confirmDecision<T extends InboxCard>(state: InboxState<T>, id: string): InboxState<T> {
  if (!state.inFlight[id]) return state;
  const { [id]: _done, ...inFlight } = state.inFlight;
  return { ...state, inFlight };
}

/** The API refused: the card returns to its place in the list, with the problem's detail. */
export function rollbackDecision<T extends InboxCard>(
  state: InboxState<T>,
  id: string,
  detail: string,
): InboxState<T> {
  const flight = state.inFlight[id];
  if (!flight) return state;
  const { [id]: _undone, ...inFlight } = state.inFlight;
  const index = state.items.findIndex((item) => compareCards(flight.item, item) < 0);
  const items = [...state.items];
  items.splice(index === -1 ? items.length : index, 0, flight.item);
  return {
    items,
    inFlight,
    problems: { ...state.problems, [id]: detail },
    counts: {
      ...state.counts,
      pending: state.counts.pending + 1,
      [flight.decision]: state.counts[flight.decision] - 1,
    },
  };
}

/** Cards of a later page, without the ones already shown or on their way. */
export function appendPage<T extends InboxCard>(state: InboxState<T>, page: T[]): InboxState<T> {
  const known = new Set([...state.items.map((i) => i.id), ...Object.keys(state.inFlight)]);
  return { ...state, items: [...state.items, ...page.filter((item) => !known.has(item.id))] };
}

export type Outcome = { id: string; ok: true } | { id: string; ok: false; detail: string };

/**
 * Sends one request per card, at most `concurrency` at a time, and reports each outcome as it lands
 * (so each card settles on its own); resolves with all outcomes in the order of `ids`.
 */
export async function decideEach(
  ids: readonly string[],
  send: (id: string) => Promise<unknown>,
  onOutcome: (outcome: Outcome) => void,
  concurrency = 4,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(ids.length);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const index = next++;
      const id = ids[index]!;
      let outcome: Outcome;
      try {
        await send(id);
        outcome = { id, ok: true };
      } catch (error) {
        outcome = { id, ok: false, detail: problemDetail(error) };
      }
      outcomes[index] = outcome;
      onOutcome(outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  return outcomes;
}

/** The sentence of a refusal: the API's detail (ApiProblem.summary), else the error's message. */
export function problemDetail(error: unknown): string {
  if (error && typeof error === 'object' && 'summary' in error && typeof error.summary === 'string') {
    return error.summary;
  }
  return error instanceof Error ? error.message : String(error);
}

/** One line for a toast: "3 accepted" or "2 dismissed, 1 could not be: <detail>". */
export function summarizeOutcomes(
  outcomes: readonly Outcome[],
  decision: Decision,
): { succeeded: number; failed: number; message: string } {
  const failures = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
  const succeeded = outcomes.length - failures.length;
  const parts: string[] = [];
  if (succeeded > 0) parts.push(`${succeeded} ${decision}`);
  if (failures.length > 0) {
    const details = [...new Set(failures.map((f) => f.detail))];
    const verb = decision === 'accepted' ? 'accepted' : 'dismissed';
    parts.push(
      `${failures.length} could not be ${verb}: ${details.slice(0, 2).join(' · ')}${details.length > 2 ? ' …' : ''}`,
    );
  }
  return { succeeded, failed: failures.length, message: parts.join(', ') };
}
