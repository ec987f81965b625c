import crypto from 'node:crypto';
import { writeAuditEvent, writeAuditEvents } from '../audit';
import { assertAllowedWording } from '../compliance/free-text';
import type { Database } from '../db';
import { withOrg, type OrgDb } from '../database/with-org';
import type { InterventionType } from '../domain';
import { AppError } from '../errors';
import {
  insertIntervention,
  lockIntervention,
  markReversed,
  type InterventionOf,
} from '../repositories/interventions';
import { labelTargets } from '../repositories/intervention-targets';
import { listSegmentMemberIds } from '../repositories/segments';
import { recordStageTransitions } from '../repositories/stage-history';
import type { RequestScope } from '../scope';
import {
  MAX_INTERVENTION_TARGETS,
  type CreateInterventionBody,
  type InterventionStates,
} from '../validation/interventions';
import { INTERVENTION_RULES, sameState, type StateRules, type WriteContext } from './intervention-rules';

// Interventions change state on their targets and remember, per target, what it was before and what
// they made it. Applying, and reversing, each happen in one transaction with their audit event; a
// preview reads the same states and writes nothing. What each type touches: ./intervention-rules.ts.

/** What a dry run answers: how many targets, how many would change, a sample before/after. */
export interface InterventionPreview<T extends InterventionType = InterventionType> {
  dryRun: true;
  type: T;
  targetCount: number;
  changing: number;
  sample: { id: string; label: string; before: InterventionStates[T]; after: InterventionStates[T] }[];
}

const PREVIEW_SAMPLE = 10;

async function resolveTargets(
  db: OrgDb,
  scope: RequestScope,
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

function targetScopeOf(body: CreateInterventionBody) {
  return body.scope === 'relationship' ? ('relationship' as const) : ('participant' as const);
}

/** Checks the wording and the fit of type and scope, and resolves the targets (a segment's members now). */
async function prepare(db: OrgDb, scope: RequestScope, body: CreateInterventionBody): Promise<string[]> {
  assertWording(body);
  if (body.scope === 'relationship' && !INTERVENTION_RULES[body.type].relationships) {
    throw new AppError(
      'unprocessable',
      `${body.type} does not apply to relationships (only flag_for_review and clear_flag do).`,
      [{ path: 'type', message: 'not applicable to scope "relationship"' }],
    );
  }
  return resolveTargets(db, scope, body);
}

interface Plan<S> {
  before: Map<string, S>;
  after: Map<string, S>;
  changing: string[];
}

/** Each target's state now and after the intervention; every target must exist in this org. */
async function plan<S>(
  tx: OrgDb,
  scope: RequestScope,
  body: CreateInterventionBody,
  rules: StateRules<S>,
  targets: string[],
  lock: boolean,
): Promise<Plan<S>> {
  const before = await rules.read(tx, scope, targets, { targetScope: targetScopeOf(body), lock });
  const missing = targets.filter((id) => !before.has(id));
  if (missing.length) {
    throw new AppError(
      'not_found',
      `${missing.length} of the targets ${missing.length === 1 ? 'is' : 'are'} not in this org.`,
      missing
        .slice(0, 20)
        .map((id) => ({ path: 'targetIds', message: `no ${body.scope} ${id} in this org` })),
    );
  }
  const after = new Map(targets.map((id) => [id, rules.requested(body, () => crypto.randomUUID())]));
  const changing = targets.filter((id) => !sameState(rules, before.get(id)!, after.get(id)!));
  return { before, after, changing };
}

/**
 * What applying `body` would do, without doing it: the targets, how many would change, and a sample of
 * before/after. Reads without locks and writes nothing, not even an audit event.
 */
export async function previewIntervention<T extends InterventionType>(
  db: Database,
  scope: RequestScope,
  body: CreateInterventionBody & { type: T },
): Promise<InterventionPreview<T>> {
  return withOrg(db, scope, async (tx) => {
    const targets = await prepare(tx, scope, body);
    return previewOf(tx, scope, body, body.type, targets);
  });
}

async function previewOf<T extends InterventionType>(
  db: OrgDb,
  scope: RequestScope,
  body: CreateInterventionBody,
  type: T,
  targets: string[],
): Promise<InterventionPreview<T>> {
  const { before, after, changing } = await plan(db, scope, body, INTERVENTION_RULES[type], targets, false);
  const sample = targets.slice(0, PREVIEW_SAMPLE);
  const labels = await labelTargets(db, scope, targetScopeOf(body), sample);
  return {
    dryRun: true,
    type,
    targetCount: targets.length,
    changing: changing.length,
    sample: sample.map((id) => ({
      id,
      label: labels.get(id)?.label ?? id,
      before: before.get(id)!,
      after: after.get(id)!,
    })),
  };
}

/** Applies an intervention to its targets, recording each one's previous and new state, with its event. */
export async function applyIntervention<T extends InterventionType>(
  db: Database,
  scope: RequestScope,
  body: CreateInterventionBody & { type: T },
): Promise<InterventionOf<T>> {
  return withOrg(db, scope, async (tx) => {
    const targets = await prepare(tx, scope, body);
    return applyTyped(tx, scope, body, body.type, targets);
  });
}

async function applyTyped<T extends InterventionType>(
  tx: OrgDb,
  scope: RequestScope,
  body: CreateInterventionBody,
  type: T,
  targets: string[],
): Promise<InterventionOf<T>> {
  const rules = INTERVENTION_RULES[type];
  const { before, after, changing } = await plan(tx, scope, body, rules, targets, true);
  // A Set: a 10,000-target intervention must not test membership by scanning a list per target.
  const changingSet = new Set(changing);
  const id = crypto.randomUUID();
  const intervention = await insertIntervention(tx, scope, {
    id,
    type,
    scope: body.scope,
    targetIds: targets,
    reason: body.reason,
    previousState: { targets: Object.fromEntries(before) },
    newState: {
      ...(body.segment ? { segment: body.segment } : {}),
      ...(body.newState?.note ? { note: body.newState.note } : {}),
      targets: Object.fromEntries(after),
      results: Object.fromEntries(targets.map((t) => [t, changingSet.has(t) ? 'applied' : 'unchanged'])),
    },
  });
  const context: WriteContext = { interventionId: id, targetScope: targetScopeOf(body), body };
  await rules.write(tx, scope, new Map(changing.map((t) => [t, after.get(t)!])), context);
  await writeStageChanges(
    tx,
    scope,
    id,
    rules,
    changing.map((t) => ({ id: t, from: before.get(t)!, to: after.get(t)! })),
  );
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
      ...(targets.length <= 20 ? { targetIds: targets } : {}),
    },
    personal: { reason: body.reason, note: body.newState?.note },
  });
  return intervention;
}

/**
 * One participant.stage_changed event per participant whose stage an intervention (or its reversal)
 * moved, and the moves in the day's stage transitions (cause `operator`), for the Overview's stage flows.
 */
async function writeStageChanges<S>(
  tx: OrgDb,
  scope: RequestScope,
  interventionId: string,
  rules: StateRules<S>,
  changes: { id: string; from: S; to: S }[],
  reversal = false,
) {
  const stageOf = rules.stageOf;
  if (!stageOf) return;
  const moves = changes
    .map((c) => ({ id: c.id, from: stageOf(c.from), to: stageOf(c.to) }))
    .filter((c) => c.from !== c.to);
  await writeAuditEvents(
    tx,
    scope,
    moves.map((c) => ({
      type: 'participant.stage_changed' as const,
      targetType: 'participant',
      targetId: c.id,
      metadata: { from: c.from, to: c.to, interventionId, reversal, cause: 'operator' },
    })),
  );
  await recordStageTransitions(tx, scope, 'operator', moves);
}

export interface Reversal<T extends InterventionType = InterventionType> {
  intervention: InterventionOf<T>;
  reversed: string[];
  notReversed: { id: string; expected: InterventionStates[T]; actual: InterventionStates[T] | null }[];
}

/**
 * Restores every target that still has the state this intervention gave it. A single target that
 * changed since, an intervention already reversed, or a bulk one none of whose targets can be restored,
 * is a 409 that changes nothing; otherwise the ones that could not be restored are reported.
 */
export async function reverseIntervention(
  db: Database,
  scope: RequestScope,
  id: string,
  reason: string,
): Promise<Reversal> {
  assertAllowedWording(reason, 'reason');
  return withOrg(db, scope, async (tx) => {
    const intervention = await lockIntervention(tx, scope, id);
    if (!intervention) throw new AppError('not_found', 'No such intervention in this org.');
    if (intervention.reversedAt)
      throw new AppError('conflict', `This intervention was already reversed at ${intervention.reversedAt}.`);
    return reverseTyped(tx, scope, intervention, reason);
  });
}

async function reverseTyped<T extends InterventionType>(
  tx: OrgDb,
  scope: RequestScope,
  intervention: InterventionOf<T>,
  reason: string,
): Promise<Reversal<T>> {
  const rules: StateRules<InterventionStates[T]> = INTERVENTION_RULES[intervention.type];
  const expected = new Map(Object.entries(intervention.newState.targets));
  const previous = new Map(Object.entries(intervention.previousState.targets));
  const targets = [...expected.keys()];
  const actual = await rules.read(tx, scope, targets, {
    targetScope: intervention.scope === 'relationship' ? 'relationship' : 'participant',
    lock: true,
    expected,
  });
  const reversible = targets.filter((t) => {
    const now = actual.get(t);
    return now !== undefined && sameState(rules, now, expected.get(t)!);
  });
  const reversibleSet = new Set(reversible);
  const notReversed = targets
    .filter((t) => !reversibleSet.has(t))
    .map((t) => ({ id: t, expected: expected.get(t)!, actual: actual.get(t) ?? null }));
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
  const only = (states: Map<string, InterventionStates[T]>) =>
    new Map(reversible.map((t) => [t, states.get(t)!]));
  await rules.restore(tx, scope, only(previous), only(expected), {
    interventionId: intervention.id,
    targetScope: intervention.scope === 'relationship' ? 'relationship' : 'participant',
  });
  await writeStageChanges(
    tx,
    scope,
    intervention.id,
    rules,
    reversible.map((t) => ({ id: t, from: expected.get(t)!, to: previous.get(t)! })),
    true,
  );
  const updated = await markReversed(tx, scope, intervention, reason);
  await writeAuditEvent(tx, scope, {
    type: 'intervention.reversed',
    targetType: 'intervention',
    targetId: intervention.id,
    metadata: { reversed: reversible.length, notReversed: notReversed.map((n) => n.id) },
    personal: { reason },
  });
  return { intervention: updated, reversed: reversible, notReversed };
}
