import crypto from 'node:crypto';
import { writeAuditEvent, writeAuditEvents } from '../audit';
import { assertAllowedWording } from '../compliance/free-text';
import type { Database } from '../db';
import type { InterventionType } from '../domain';
import { AppError } from '../errors';
import {
  insertIntervention,
  lockIntervention,
  markReversed,
  type InterventionRow,
} from '../repositories/interventions';
import { listSegmentMemberIds } from '../repositories/segments';
import {
  deleteNotes,
  insertNotes,
  lockExistingNotes,
  lockParticipantStates,
  lockRelationshipStates,
  writeParticipantStates,
  writeRelationshipFlags,
  type StateFields,
} from '../repositories/target-state';
import type { OrgScope } from '../scope';
import { MAX_INTERVENTION_TARGETS, type CreateInterventionBody } from '../validation/interventions';

// Interventions change state on their targets and remember, per target, what it was before and what
// they made it. Applying, and reversing, each happen in one transaction with their audit event.

type NewState = NonNullable<CreateInterventionBody['newState']>;

/** The fields a type sets, with their values; add_note is handled apart (it adds a row). */
const SETS: Record<Exclude<InterventionType, 'add_note'>, (s: NewState) => StateFields> = {
  pause_outreach: () => ({ outreachPaused: true }),
  resume_outreach: () => ({ outreachPaused: false }),
  flag_for_review: () => ({ flaggedForReview: true }),
  clear_flag: () => ({ flaggedForReview: false }),
  set_lifecycle_stage: (s) => ({ lifecycleStage: s.lifecycleStage }),
  suppress_recommendations: (s) => ({
    recommendationsSuppressed: true,
    recommendationsSuppressedUntil: s.until ? new Date(s.until).toISOString() : null,
  }),
};

const RELATIONSHIP_TYPES: ReadonlySet<InterventionType> = new Set(['flag_for_review', 'clear_flag']);

const pick = (state: object | undefined, keys: string[]): StateFields =>
  Object.fromEntries(keys.map((k) => [k, (state as Record<string, unknown> | undefined)?.[k] ?? null]));
const same = (a: StateFields, b: StateFields) => Object.keys(b).every((k) => a[k] === b[k]);

export interface DryRun {
  dryRun: true;
  targetCount: number;
  changing: number;
  sample: { id: string; before: StateFields; after: StateFields }[];
}

async function resolveTargets(
  db: Database,
  scope: OrgScope,
  body: CreateInterventionBody,
): Promise<string[]> {
  if (body.scope !== 'segment') return [...new Set(body.targetIds!)];
  const ids = await listSegmentMemberIds(db, scope, body.segment!, MAX_INTERVENTION_TARGETS + 1);
  if (ids.length === 0)
    throw new AppError('unprocessable', `The segment "${body.segment}" has no participants now.`);
  if (ids.length > MAX_INTERVENTION_TARGETS) {
    throw new AppError(
      'unprocessable',
      `The segment "${body.segment}" has more than ${MAX_INTERVENTION_TARGETS} participants; act on a narrower selection.`,
    );
  }
  return ids;
}

function assertWording(body: CreateInterventionBody): void {
  assertAllowedWording(body.reason, 'reason');
  if (body.newState?.note) assertAllowedWording(body.newState.note, 'newState.note');
}

/** Creates (or, with dryRun, only describes) an intervention. */
export async function createIntervention(
  db: Database,
  scope: OrgScope,
  body: CreateInterventionBody,
  options: { dryRun: boolean },
): Promise<InterventionRow | DryRun> {
  assertWording(body);
  if (body.scope === 'relationship' && !RELATIONSHIP_TYPES.has(body.type)) {
    throw new AppError(
      'unprocessable',
      `${body.type} does not apply to relationships (only flag_for_review and clear_flag do).`,
      [{ path: 'type', message: 'not applicable to scope "relationship"' }],
    );
  }
  const targets = await resolveTargets(db, scope, body);
  const run = async (tx: Database) => {
    const current =
      body.scope === 'relationship'
        ? await lockRelationshipStates(tx, scope, targets)
        : await lockParticipantStates(tx, scope, targets);
    const missing = targets.filter((id) => !current.has(id));
    if (missing.length) {
      throw new AppError(
        'not_found',
        `${missing.length} of the targets ${missing.length === 1 ? 'is' : 'are'} not in this org.`,
        missing
          .slice(0, 20)
          .map((id) => ({ path: 'targetIds', message: `no ${body.scope} ${id} in this org` })),
      );
    }
    const noteIds = new Map(body.type === 'add_note' ? targets.map((id) => [id, crypto.randomUUID()]) : []);
    const after = (id: string): StateFields =>
      body.type === 'add_note' ? { noteId: noteIds.get(id)! } : SETS[body.type](body.newState ?? {});
    const before = (id: string): StateFields =>
      body.type === 'add_note' ? { noteId: null } : pick(current.get(id), Object.keys(after(id)));
    const changing = targets.filter((id) => !same(before(id), after(id)));
    // A Set: a 10,000-target intervention must not test membership by scanning a list per target.
    const changingSet = new Set(changing);
    if (options.dryRun) {
      return {
        dryRun: true as const,
        targetCount: targets.length,
        changing: changing.length,
        sample: targets.slice(0, 10).map((id) => ({ id, before: before(id), after: after(id) })),
      };
    }
    const id = crypto.randomUUID();
    const intervention = await insertIntervention(tx, scope, {
      id,
      type: body.type,
      scope: body.scope,
      targetIds: targets,
      reason: body.reason,
      previousState: { targets: Object.fromEntries(targets.map((t) => [t, before(t)])) },
      newState: {
        ...(body.segment ? { segment: body.segment } : {}),
        ...(body.newState?.note ? { note: body.newState.note } : {}),
        targets: Object.fromEntries(targets.map((t) => [t, after(t)])),
        results: Object.fromEntries(targets.map((t) => [t, changingSet.has(t) ? 'applied' : 'unchanged'])),
      },
    });
    const changes = new Map(changing.map((t) => [t, after(t)]));
    if (body.type === 'add_note') {
      await insertNotesWithIds(tx, scope, id, noteIds, body.newState!.note!);
    } else if (body.scope === 'relationship') {
      await writeRelationshipFlags(tx, scope, changes);
    } else {
      await writeParticipantStates(tx, scope, changes);
    }
    if (body.type === 'set_lifecycle_stage') {
      await writeStageChanges(
        tx,
        scope,
        id,
        changing.map((t) => ({ id: t, from: before(t), to: after(t) })),
      );
    }
    await writeAuditEvent(tx, scope, {
      type: 'intervention.created',
      targetType: 'intervention',
      targetId: id,
      metadata: {
        type: body.type,
        scope: body.scope,
        segment: body.segment ?? null,
        targets: targets.length,
        applied: changing.length,
        unchanged: targets.length - changing.length,
        reason: body.reason,
        ...(targets.length <= 20 ? { targetIds: targets } : {}),
      },
    });
    return intervention;
  };
  if (options.dryRun) {
    // Read under the same locks as the real thing, then roll back: a dry run changes nothing.
    let result: DryRun | undefined;
    await db
      .transaction(async (tx) => {
        result = (await run(tx)) as DryRun;
        throw DRY_RUN_DONE;
      })
      .catch((error: unknown) => {
        if (error !== DRY_RUN_DONE) throw error;
      });
    return result!;
  }
  return db.transaction(run) as Promise<InterventionRow>;
}

const DRY_RUN_DONE = Symbol('dry run done');

async function insertNotesWithIds(
  tx: Database,
  scope: OrgScope,
  interventionId: string,
  noteIds: Map<string, string>,
  body: string,
) {
  const inserted = await insertNotes(tx, scope, {
    interventionId,
    participantIds: [...noteIds.keys()],
    body,
    authorUserId: scope.userId,
    noteIds,
  });
  if (inserted.size !== noteIds.size) throw new AppError('internal', 'Not every note could be written.');
}

/** One participant.stage_changed event per participant whose stage an intervention (or its reversal) moved. */
async function writeStageChanges(
  tx: Database,
  scope: OrgScope,
  interventionId: string,
  changes: { id: string; from: StateFields; to: StateFields }[],
  reversal = false,
) {
  await writeAuditEvents(
    tx,
    scope,
    changes
      .filter((c) => c.from.lifecycleStage !== c.to.lifecycleStage)
      .map((c) => ({
        type: 'participant.stage_changed' as const,
        targetType: 'participant',
        targetId: c.id,
        metadata: { from: c.from.lifecycleStage, to: c.to.lifecycleStage, interventionId, reversal },
      })),
  );
}

export interface Reversal {
  intervention: InterventionRow;
  reversed: string[];
  notReversed: { id: string; expected: StateFields; actual: StateFields | null }[];
}

/**
 * Restores every target that still has the state this intervention gave it. A single target that
 * changed since, an intervention already reversed, or a bulk one none of whose targets can be restored,
 * is a 409 that changes nothing; otherwise the ones that could not be restored are reported.
 */
export async function reverseIntervention(
  db: Database,
  scope: OrgScope,
  id: string,
  reason: string,
): Promise<Reversal> {
  assertAllowedWording(reason, 'reason');
  return db.transaction(async (tx) => {
    const intervention = await lockIntervention(tx, scope, id);
    if (!intervention) throw new AppError('not_found', 'No such intervention in this org.');
    if (intervention.reversedAt)
      throw new AppError('conflict', `This intervention was already reversed at ${intervention.reversedAt}.`);
    const expected = (intervention.newState as { targets: Record<string, StateFields> }).targets;
    const previous = (intervention.previousState as { targets: Record<string, StateFields> }).targets;
    const targets = Object.keys(expected);
    const actual = await currentStates(tx, scope, intervention, targets, expected);
    const reversible = targets.filter((t) => actual.get(t) && same(actual.get(t)!, expected[t]!));
    const reversibleSet = new Set(reversible);
    const notReversed = targets
      .filter((t) => !reversibleSet.has(t))
      .map((t) => ({ id: t, expected: expected[t]!, actual: actual.get(t) ?? null }));
    const bulk = intervention.scope === 'segment' || targets.length > 1;
    if (notReversed.length && (!bulk || reversible.length === 0)) {
      throw new AppError(
        'conflict',
        'The targets have changed since this intervention; nothing was reversed.',
        notReversed.slice(0, 20).map((n) => ({
          path: n.id,
          message: `expected ${JSON.stringify(n.expected)}, now ${JSON.stringify(n.actual)}`,
        })),
      );
    }
    if (intervention.type === 'add_note') {
      await deleteNotes(
        tx,
        scope,
        reversible.map((t) => String(expected[t]!.noteId)),
      );
    } else {
      const restore = new Map(reversible.map((t) => [t, previous[t]!]));
      if (intervention.scope === 'relationship') await writeRelationshipFlags(tx, scope, restore);
      else await writeParticipantStates(tx, scope, restore);
    }
    if (intervention.type === 'set_lifecycle_stage') {
      await writeStageChanges(
        tx,
        scope,
        id,
        reversible.map((t) => ({ id: t, from: expected[t]!, to: previous[t]! })),
        true,
      );
    }
    const updated = await markReversed(tx, scope, id, reason);
    await writeAuditEvent(tx, scope, {
      type: 'intervention.reversed',
      targetType: 'intervention',
      targetId: id,
      metadata: { reason, reversed: reversible.length, notReversed: notReversed.map((n) => n.id) },
    });
    return { intervention: updated, reversed: reversible, notReversed };
  });
}

async function currentStates(
  tx: Database,
  scope: OrgScope,
  intervention: InterventionRow,
  targets: string[],
  expected: Record<string, StateFields>,
): Promise<Map<string, StateFields>> {
  if (intervention.type === 'add_note') {
    const existing = await lockExistingNotes(
      tx,
      scope,
      targets.map((t) => String(expected[t]!.noteId)),
    );
    return new Map(
      targets.map((t) => [
        t,
        { noteId: existing.has(String(expected[t]!.noteId)) ? expected[t]!.noteId : null },
      ]),
    );
  }
  const states =
    intervention.scope === 'relationship'
      ? await lockRelationshipStates(tx, scope, targets)
      : await lockParticipantStates(tx, scope, targets);
  return new Map([...states].map(([t, s]) => [t, pick(s, Object.keys(expected[t]!))]));
}
