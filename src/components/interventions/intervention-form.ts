import type { components } from '../../lib/client/api-types';
import {
  INTERVENTION_TYPES,
  type InterventionScope,
  type InterventionType,
  type LifecycleStage,
  type SegmentKey,
} from '../../lib/domain';

// The pure logic of the intervention form: which types fit a target, the request body each type
// sends, and where the API's field errors belong in the form. The dialog only renders this.

export type CreateInterventionRequest = components['schemas']['CreateInterventionRequest'];

/** What an intervention acts on, as the pages that open the dialog describe it. */
export type InterventionTarget =
  | { scope: 'participant'; ids: string[]; label: string }
  | { scope: 'relationship'; ids: string[]; label: string }
  | { scope: 'segment'; segment: SegmentKey; label: string };

export const INTERVENTION_TYPE_TEXT: Record<InterventionType, { label: string; description: string }> = {
  pause_outreach: { label: 'Pause outreach', description: 'Stop messages and campaigns reaching them.' },
  resume_outreach: { label: 'Resume outreach', description: 'Let messages and campaigns reach them again.' },
  flag_for_review: { label: 'Flag for review', description: 'Mark for a person to look at.' },
  clear_flag: { label: 'Clear review flag', description: 'Remove the review mark.' },
  set_lifecycle_stage: { label: 'Set lifecycle stage', description: 'Move them to another stage.' },
  add_note: { label: 'Add a note', description: 'Write a note on each participant.' },
  suppress_recommendations: {
    label: 'Suppress recommendations',
    description: 'Stop suggesting actions about them, for good or until a date.',
  },
};

/** Relationships carry only the review flag; participants and segments take every type. */
export const RELATIONSHIP_TYPES: readonly InterventionType[] = ['flag_for_review', 'clear_flag'];

export function typesForScope(scope: InterventionScope): readonly InterventionType[] {
  return scope === 'relationship' ? RELATIONSHIP_TYPES : INTERVENTION_TYPES;
}

export interface InterventionFormValues {
  type: InterventionType;
  reason: string;
  lifecycleStage: LifecycleStage | '';
  note: string;
  /** A calendar date, YYYY-MM-DD, or '' for no end. */
  until: string;
}

export const EMPTY_FORM: Omit<InterventionFormValues, 'type'> = {
  reason: '',
  lifecycleStage: '',
  note: '',
  until: '',
};

/** The end of a calendar day in the browser's time zone, as the API's ISO date-time. */
export function endOfDayIso(date: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const value = new Date(year, month - 1, day, 23, 59, 59, 999);
  if (value.getFullYear() !== year || value.getMonth() !== month - 1 || value.getDate() !== day) {
    return undefined;
  }
  return value.toISOString();
}

/**
 * The request body for these values: only the fields the type uses, so a stage left in the form
 * after switching to "Pause outreach" is not sent. The server validates everything again.
 */
export function buildInterventionBody(
  target: InterventionTarget,
  values: InterventionFormValues,
): CreateInterventionRequest {
  const where =
    target.scope === 'segment'
      ? { scope: 'segment' as const, segment: target.segment }
      : { scope: target.scope, targetIds: target.ids };
  const body: CreateInterventionRequest = { type: values.type, ...where, reason: values.reason.trim() };
  if (values.type === 'set_lifecycle_stage' && values.lifecycleStage) {
    body.newState = { lifecycleStage: values.lifecycleStage };
  } else if (values.type === 'add_note' && values.note.trim()) {
    body.newState = { note: values.note.trim() };
  } else if (values.type === 'suppress_recommendations' && values.until) {
    const until = endOfDayIso(values.until);
    if (until) body.newState = { until };
  }
  return body;
}

/** The form's own checks, before anything is sent: field → message. */
export function validateForm(values: InterventionFormValues): Partial<Record<FormField, string>> {
  const errors: Partial<Record<FormField, string>> = {};
  if (!values.reason.trim()) errors.reason = 'Say why: the reason is kept with the intervention.';
  if (values.type === 'set_lifecycle_stage' && !values.lifecycleStage)
    errors.lifecycleStage = 'Choose a stage.';
  if (values.type === 'add_note' && !values.note.trim()) errors.note = 'Write the note.';
  if (values.type === 'suppress_recommendations' && values.until) {
    const until = endOfDayIso(values.until);
    if (!until) errors.until = 'Enter a valid date.';
  }
  return errors;
}

export type FormField = 'type' | 'target' | 'reason' | 'lifecycleStage' | 'note' | 'until';

const FIELD_OF_PATH: Record<string, FormField> = {
  type: 'type',
  scope: 'target',
  segment: 'target',
  targetIds: 'target',
  reason: 'reason',
  'newState.lifecycleStage': 'lifecycleStage',
  'newState.note': 'note',
  'newState.until': 'until',
};

export interface PlacedErrors {
  fields: Partial<Record<FormField, string>>;
  /** Problems that belong to no field of the form (shown above the buttons). */
  other: { path: string; message: string }[];
}

/**
 * Puts each field error of a problem (400 from validation, 422 for refused wording) beside the
 * form field it names; a 422 for wording reads "must not use "…"", which names the refused term.
 */
export function placeFieldErrors(fields: readonly { path: string; message: string }[]): PlacedErrors {
  const placed: PlacedErrors = { fields: {}, other: [] };
  for (const { path, message } of fields) {
    const field = FIELD_OF_PATH[path] ?? (path.startsWith('targetIds') ? 'target' : undefined);
    if (field && !placed.fields[field]) placed.fields[field] = sentence(message);
    else if (!field) placed.other.push({ path, message });
  }
  return placed;
}

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
