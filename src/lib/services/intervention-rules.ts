import type { OrgDb } from '../database/with-org';
import type { InterventionScope, InterventionType, LifecycleStage } from '../domain';
import { AppError } from '../errors';
import {
  deleteNotes,
  insertNotes,
  lockExistingNotes,
  lockParticipantStates,
  lockRelationshipStates,
  readParticipantStates,
  readRelationshipStates,
  writeParticipantStates,
  writeRelationshipFlags,
  type ParticipantState,
} from '../repositories/target-state';
import type { RequestScope } from '../scope';
import type {
  CreateInterventionBody,
  InterventionStates,
  NoteState,
  ReviewFlagState,
} from '../validation/interventions';

// What each intervention type reads, sets, writes and restores on its targets, typed by the state it
// records (InterventionStates). The service applies, previews and reverses any type through this table.

export interface ReadOptions<S> {
  targetScope: Exclude<InterventionScope, 'segment'>;
  /** FOR UPDATE until the transaction ends (apply, reverse); a preview reads without. */
  lock: boolean;
  /** On reversal: the states the intervention gave, for types whose current state depends on it. */
  expected?: ReadonlyMap<string, S>;
}

export interface WriteContext {
  interventionId: string;
  targetScope: Exclude<InterventionScope, 'segment'>;
  body?: CreateInterventionBody;
}

export interface StateRules<S> {
  /** The fields compared to tell whether a target changes, or may be restored. */
  fields: readonly (keyof S)[];
  /** Whether the type applies to relationships too (every type applies to participants and segments). */
  relationships: boolean;
  /** Each existing target's current state in this type's fields; a missing target is absent. */
  read(
    tx: OrgDb,
    scope: RequestScope,
    ids: readonly string[],
    options: ReadOptions<S>,
  ): Promise<Map<string, S>>;
  /** The state the request gives a target; `newId` is a fresh id for what the type creates. */
  requested(body: CreateInterventionBody, newId: () => string): S;
  /** Sets the targets that change to their new state. */
  write(
    tx: OrgDb,
    scope: RequestScope,
    changes: ReadonlyMap<string, S>,
    context: WriteContext,
  ): Promise<void>;
  /** Gives the targets back their previous state (`expected`: what the intervention had set). */
  restore(
    tx: OrgDb,
    scope: RequestScope,
    previous: ReadonlyMap<string, S>,
    expected: ReadonlyMap<string, S>,
    context: WriteContext,
  ): Promise<void>;
  /** For types that move lifecycle stages: the stage in a state (each move is audited). */
  stageOf?: (state: S) => LifecycleStage;
}

export type InterventionRules = { [T in InterventionType]: StateRules<InterventionStates[T]> };

function required<V>(value: V | undefined, path: string): V {
  // The request schema already requires these per type; this keeps a bypass from writing nulls.
  if (value === undefined)
    throw new AppError('bad_request', `${path} is required.`, [{ path, message: 'is required' }]);
  return value;
}

async function readParticipants<S>(
  tx: OrgDb,
  scope: RequestScope,
  ids: readonly string[],
  lock: boolean,
  pick: (state: ParticipantState) => S,
): Promise<Map<string, S>> {
  const states = lock
    ? await lockParticipantStates(tx, scope, ids)
    : await readParticipantStates(tx, scope, ids);
  return new Map([...states].map(([id, state]) => [id, pick(state)]));
}

/** A type that sets participant fields only, restored by writing the previous fields back. */
function participantFields<S extends Partial<ParticipantState>>(
  fields: readonly (keyof S & keyof ParticipantState)[],
  pick: (state: ParticipantState) => S,
  requested: (body: CreateInterventionBody) => S,
): StateRules<S> {
  return {
    fields,
    relationships: false,
    read: (tx, scope, ids, { lock }) => readParticipants(tx, scope, ids, lock, pick),
    requested,
    write: (tx, scope, changes) => writeParticipantStates(tx, scope, changes),
    restore: (tx, scope, previous) => writeParticipantStates(tx, scope, previous),
  };
}

const outreach = (paused: boolean) =>
  participantFields(
    ['outreachPaused'],
    (s) => ({ outreachPaused: s.outreachPaused }),
    () => ({ outreachPaused: paused }),
  );

/** The review flag exists on participants and on relationships. */
const reviewFlag = (flagged: boolean): StateRules<ReviewFlagState> => {
  const pick = (s: ReviewFlagState): ReviewFlagState => ({ flaggedForReview: s.flaggedForReview });
  const writeFlags = (
    tx: OrgDb,
    scope: RequestScope,
    changes: ReadonlyMap<string, ReviewFlagState>,
    context: WriteContext,
  ) =>
    context.targetScope === 'relationship'
      ? writeRelationshipFlags(tx, scope, changes)
      : writeParticipantStates(tx, scope, changes);
  return {
    fields: ['flaggedForReview'],
    relationships: true,
    async read(tx, scope, ids, { lock, targetScope }) {
      if (targetScope === 'participant') return readParticipants(tx, scope, ids, lock, pick);
      const states = lock
        ? await lockRelationshipStates(tx, scope, ids)
        : await readRelationshipStates(tx, scope, ids);
      return new Map([...states].map(([id, state]) => [id, pick(state)]));
    },
    requested: () => ({ flaggedForReview: flagged }),
    write: writeFlags,
    restore: (tx, scope, previous, _expected, context) => writeFlags(tx, scope, previous, context),
  };
};

/** A note is a row of its own: "before" is no note, "after" the note this intervention added. */
const note: StateRules<NoteState> = {
  fields: ['noteId'],
  relationships: false,
  async read(tx, scope, ids, { lock, expected }) {
    // Applying: no note yet on any participant that exists.
    if (!expected) return readParticipants(tx, scope, ids, lock, () => ({ noteId: null }));
    const noteIds = [...expected.values()].flatMap((s) => (s.noteId ? [s.noteId] : []));
    const present = await lockExistingNotes(tx, scope, noteIds);
    return new Map(
      ids.map((id) => {
        const noteId = expected.get(id)?.noteId ?? null;
        return [id, { noteId: noteId && present.has(noteId) ? noteId : null }];
      }),
    );
  },
  requested: (_body, newId) => ({ noteId: newId() }),
  async write(tx, scope, changes, { interventionId, body }) {
    const noteIds = new Map([...changes].flatMap(([id, s]) => (s.noteId ? [[id, s.noteId] as const] : [])));
    const inserted = await insertNotes(tx, scope, {
      interventionId,
      participantIds: [...noteIds.keys()],
      body: required(body?.newState?.note, 'newState.note'),
      authorUserId: scope.userId,
      noteIds,
    });
    if (inserted.size !== noteIds.size) throw new AppError('internal', 'Not every note could be written.');
  },
  restore: (tx, scope, _previous, expected) =>
    deleteNotes(
      tx,
      scope,
      [...expected.values()].flatMap((s) => (s.noteId ? [s.noteId] : [])),
    ),
};

export const INTERVENTION_RULES: InterventionRules = {
  pause_outreach: outreach(true),
  resume_outreach: outreach(false),
  flag_for_review: reviewFlag(true),
  clear_flag: reviewFlag(false),
  set_lifecycle_stage: {
    ...participantFields(
      ['lifecycleStage'],
      (s) => ({ lifecycleStage: s.lifecycleStage }),
      (body) => ({ lifecycleStage: required(body.newState?.lifecycleStage, 'newState.lifecycleStage') }),
    ),
    stageOf: (s) => s.lifecycleStage,
  },
  suppress_recommendations: participantFields(
    ['recommendationsSuppressed', 'recommendationsSuppressedUntil'],
    (s) => ({
      recommendationsSuppressed: s.recommendationsSuppressed,
      recommendationsSuppressedUntil: s.recommendationsSuppressedUntil,
    }),
    // Normalised to the form the database reads back, so that a reversal compares like with like.
    (body) => ({
      recommendationsSuppressed: true,
      recommendationsSuppressedUntil: body.newState?.until
        ? new Date(body.newState.until).toISOString()
        : null,
    }),
  ),
  add_note: note,
};

/** Whether two states of one type are equal in the fields that type touches. */
export function sameState<S>(rules: StateRules<S>, a: S, b: S): boolean {
  return rules.fields.every((field) => a[field] === b[field]);
}
