import { isLifecycleStage, STAGE_LABELS } from '../../lib/ui/stages';

// Target states in words. An intervention records, per target, only the fields its type touches
// (docs/decisions/011): the fields present say which kind of state it is.

/** A recorded target state, as the API sends it (one of the per-type shapes, or null: gone). */
export type TargetStateLike = Readonly<Record<string, unknown>> | null | undefined;

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

/** One short phrase for a state: "Outreach paused", "At risk", "No note from this intervention". */
export function describeState(state: TargetStateLike): string {
  if (!state) return 'No longer in this org';
  if ('outreachPaused' in state) return state.outreachPaused ? 'Outreach paused' : 'Outreach on';
  if ('flaggedForReview' in state) return state.flaggedForReview ? 'Flagged for review' : 'Not flagged';
  if ('lifecycleStage' in state) {
    const stage = String(state.lifecycleStage);
    return isLifecycleStage(stage) ? STAGE_LABELS[stage] : stage;
  }
  if ('recommendationsSuppressed' in state) {
    if (!state.recommendationsSuppressed) return 'Recommendations shown';
    const until = state.recommendationsSuppressedUntil;
    return typeof until === 'string'
      ? `Recommendations suppressed until ${formatDate(until)}`
      : 'Recommendations suppressed';
  }
  if ('noteId' in state) return state.noteId ? 'Note added' : 'No note from this intervention';
  return 'Unknown state';
}

/** The lifecycle stage a state holds, for a StageBadge, when it is a stage state. */
export function stageOf(state: TargetStateLike) {
  const stage = state && 'lifecycleStage' in state ? String(state.lifecycleStage) : '';
  return isLifecycleStage(stage) ? stage : undefined;
}

/** A target a reversal could not restore: what the intervention had set, and what it is now. */
export interface TargetConflict {
  id: string;
  expected: TargetStateLike;
  actual: TargetStateLike;
}

const CONFLICT_MESSAGE = /^expected (.+), now (.+)$/s;

function parseState(json: string): TargetStateLike | 'unreadable' {
  try {
    const value: unknown = JSON.parse(json);
    if (value === null) return null;
    return typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/**
 * The targets a 409 names: the API sends one field per target, its id as the path and
 * "expected <state>, now <state>" as the message. Fields that do not read that way are left out
 * (the caller shows the problem's detail anyway).
 */
export function conflictsFromProblem(fields: readonly { path: string; message: string }[]): TargetConflict[] {
  return fields.flatMap(({ path, message }) => {
    const match = CONFLICT_MESSAGE.exec(message);
    if (!match) return [];
    const expected = parseState(match[1]!);
    const actual = parseState(match[2]!);
    if (expected === 'unreadable' || actual === 'unreadable') return [];
    return [{ id: path, expected, actual }];
  });
}

/** One sentence per target, named when its name is known: why it was left as it is. */
export function conflictSentences(
  conflicts: readonly TargetConflict[],
  labels: ReadonlyMap<string, string> = new Map(),
): { id: string; label: string; sentence: string }[] {
  return conflicts.map(({ id, expected, actual }) => {
    const label = labels.get(id) ?? `Target ${id.slice(0, 8)}`;
    const sentence = actual
      ? `This intervention left it “${describeState(expected)}”, but it is now “${describeState(actual)}”: someone changed it since, so it was left as it is.`
      : `This intervention left it “${describeState(expected)}”, but it is no longer in this org.`;
    return { id, label, sentence };
  });
}
