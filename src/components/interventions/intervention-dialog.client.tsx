'use client';

import { EyeIcon, Loader2Icon } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { toast } from 'sonner';
import { api, ApiProblem, data } from '../../lib/client/api';
import type { components } from '../../lib/client/api-types';
import { LIFECYCLE_STAGES, type InterventionType, type SegmentKey } from '../../lib/domain';
import { STAGE_LABELS } from '../../lib/ui/stages';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from '../ui/dialog';
import { Field, fieldControlProps, Input, NativeSelect, Textarea } from '../ui/input';
import {
  buildInterventionBody,
  EMPTY_FORM,
  INTERVENTION_TYPE_TEXT,
  placeFieldErrors,
  typesForScope,
  validateForm,
  type FormField,
  type InterventionFormValues,
  type InterventionTarget,
} from './intervention-form';
import { InterventionPreview, type InterventionDryRun } from './intervention-preview';

export type { InterventionTarget } from './intervention-form';
export type Intervention = components['schemas']['Intervention'];

/** A segment the dialog may offer in place of the given one (the interventions page's picker). */
export interface SegmentChoice {
  key: SegmentKey;
  label: string;
  count: number;
  /** What puts someone in it, under the picker. */
  description?: string;
}

export interface InterventionDialogProps {
  orgId: string;
  target: InterventionTarget;
  /** The button that opens the dialog; omit it and drive `open` / `onOpenChange` instead. */
  trigger?: ReactNode;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  defaultType?: InterventionType;
  onApplied?: (intervention: Intervention) => void;
  /** With a segment target: let the operator choose another of these segments. */
  segmentChoices?: SegmentChoice[];
}

/**
 * Creates an intervention of any type the target allows, after a dry run shows what would change.
 * Writes through the org API only; field errors (400, and 422 for refused wording) are shown at the
 * field they name.
 */
export function InterventionDialog(props: InterventionDialogProps) {
  const [uncontrolledOpen, setUncontrolledOpen] = useState(false);
  const open = props.open ?? uncontrolledOpen;
  // A new form each time it opens: no stale preview or reason from an earlier intervention.
  const [generation, setGeneration] = useState(0);
  const setOpen = (next: boolean) => {
    if (next) setGeneration((g) => g + 1);
    setUncontrolledOpen(next);
    props.onOpenChange?.(next);
  };
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      {props.trigger && <DialogTrigger asChild>{props.trigger}</DialogTrigger>}
      <DialogContent className="max-w-xl">
        {open && <InterventionForm key={generation} {...props} onDone={() => setOpen(false)} />}
      </DialogContent>
    </Dialog>
  );
}

function InterventionForm(props: InterventionDialogProps & { onDone: () => void }) {
  const router = useRouter();
  const id = useId();
  const [target, setTarget] = useState(props.target);
  const types = typesForScope(target.scope);
  const [values, setValues] = useState<InterventionFormValues>({
    ...EMPTY_FORM,
    type: props.defaultType && types.includes(props.defaultType) ? props.defaultType : types[0]!,
  });
  const [errors, setErrors] = useState<Partial<Record<FormField, string>>>({});
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [preview, setPreview] = useState<{ key: string; result: InterventionDryRun } | null>(null);
  const [busy, setBusy] = useState<'preview' | 'apply' | null>(null);

  const body = buildInterventionBody(target, values);
  const bodyKey = JSON.stringify(body);
  const previewIsCurrent = preview?.key === bodyKey;
  const relationships = target.scope === 'relationship';
  const labels = new Map(
    target.scope !== 'segment' && target.ids.length === 1 ? [[target.ids[0]!, target.label]] : [],
  );

  function change<K extends keyof InterventionFormValues>(key: K, value: InterventionFormValues[K]) {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  }

  function showProblem(error: unknown) {
    const apiProblem = error instanceof ApiProblem ? error : new ApiProblem(0, 'Error', String(error));
    const placed = placeFieldErrors(apiProblem.fields);
    setErrors(placed.fields);
    // A field error alone says it all; otherwise the detail (and any field the form has not) shows.
    const placedAll = placed.other.length === 0 && Object.keys(placed.fields).length > 0;
    setProblem(placedAll ? null : apiProblem);
  }

  async function run(kind: 'preview' | 'apply') {
    const invalid = validateForm(values);
    setErrors(invalid);
    setProblem(null);
    if (Object.keys(invalid).length > 0) return;
    setBusy(kind);
    try {
      const path = { orgId: props.orgId };
      if (kind === 'preview') {
        const result = await data(
          api.POST('/api/orgs/{orgId}/interventions', { params: { path, query: { dryRun: '1' } }, body }),
        );
        setPreview({ key: bodyKey, result: result as InterventionDryRun });
      } else {
        const created = (await data(
          api.POST('/api/orgs/{orgId}/interventions', { params: { path }, body }),
        )) as Intervention;
        toast.success(`${INTERVENTION_TYPE_TEXT[values.type].label}: applied to ${target.label}.`);
        props.onApplied?.(created);
        props.onDone();
        router.refresh();
      }
    } catch (error) {
      showProblem(error);
    } finally {
      setBusy(null);
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(previewIsCurrent ? 'apply' : 'preview');
  }

  const fieldId = (name: string) => `${id}-${name}`;
  const control = (name: FormField, hint = true) =>
    fieldControlProps(fieldId(name), { error: errors[name], hint });

  return (
    <form className="grid gap-4" onSubmit={submit} noValidate>
      <DialogHeader>
        <DialogTitle>New intervention</DialogTitle>
        <DialogDescription>
          On {target.label}. Preview what changes, then apply; every intervention can be reversed.
        </DialogDescription>
      </DialogHeader>

      {target.scope === 'segment' && props.segmentChoices && (
        <Field
          id={fieldId('target')}
          label="Segment"
          error={errors.target}
          hint={`${props.segmentChoices.find((s) => s.key === target.segment)?.description ?? ''} Acts on its members at the moment you apply.`.trim()}
        >
          <NativeSelect
            id={fieldId('target')}
            value={target.segment}
            {...control('target')}
            onChange={(event) => {
              const choice = props.segmentChoices!.find((s) => s.key === event.target.value);
              if (choice)
                setTarget({ scope: 'segment', segment: choice.key, label: `segment ${choice.label}` });
              setErrors((e) => ({ ...e, target: undefined }));
            }}
          >
            {props.segmentChoices.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label} ({s.count.toLocaleString('en')})
              </option>
            ))}
          </NativeSelect>
        </Field>
      )}
      {(target.scope !== 'segment' || !props.segmentChoices) && errors.target && (
        <Alert variant="error">{errors.target}</Alert>
      )}

      <Field
        id={fieldId('type')}
        label="Intervention"
        error={errors.type}
        hint={INTERVENTION_TYPE_TEXT[values.type].description}
      >
        <NativeSelect
          id={fieldId('type')}
          value={values.type}
          {...control('type')}
          onChange={(event) => change('type', event.target.value as InterventionType)}
        >
          {types.map((type) => (
            <option key={type} value={type}>
              {INTERVENTION_TYPE_TEXT[type].label}
            </option>
          ))}
        </NativeSelect>
      </Field>

      {values.type === 'set_lifecycle_stage' && (
        <Field id={fieldId('lifecycleStage')} label="New stage" error={errors.lifecycleStage}>
          <NativeSelect
            id={fieldId('lifecycleStage')}
            value={values.lifecycleStage}
            required
            {...control('lifecycleStage', false)}
            onChange={(event) =>
              change('lifecycleStage', event.target.value as InterventionFormValues['lifecycleStage'])
            }
          >
            <option value="">Choose a stage…</option>
            {LIFECYCLE_STAGES.map((stage) => (
              <option key={stage} value={stage}>
                {STAGE_LABELS[stage]}
              </option>
            ))}
          </NativeSelect>
        </Field>
      )}
      {values.type === 'add_note' && (
        <Field id={fieldId('note')} label="Note" error={errors.note} hint="Added to each participant's page.">
          <Textarea
            id={fieldId('note')}
            value={values.note}
            maxLength={5000}
            required
            {...control('note')}
            onChange={(event) => change('note', event.target.value)}
          />
        </Field>
      )}
      {values.type === 'suppress_recommendations' && (
        <Field
          id={fieldId('until')}
          label="Until (optional)"
          error={errors.until}
          hint="Leave empty to suppress until someone reverses it."
        >
          <Input
            id={fieldId('until')}
            type="date"
            value={values.until}
            className="w-48"
            {...control('until')}
            onChange={(event) => change('until', event.target.value)}
          />
        </Field>
      )}

      <Field
        id={fieldId('reason')}
        label="Reason"
        error={errors.reason}
        hint="Required. Kept with the intervention and in the audit log."
      >
        <Textarea
          id={fieldId('reason')}
          value={values.reason}
          maxLength={2000}
          required
          className="min-h-16"
          {...control('reason')}
          onChange={(event) => change('reason', event.target.value)}
        />
      </Field>

      {previewIsCurrent && (
        <InterventionPreview preview={preview.result} relationships={relationships} labels={labels} />
      )}
      {previewIsCurrent && preview.result.changing === 0 && (
        <Alert variant="warning">Nothing would change: every target already is that way.</Alert>
      )}
      {preview && !previewIsCurrent && (
        <p className="text-xs text-muted-foreground">The form changed since the preview: preview again.</p>
      )}
      {problem && (
        <Alert variant="error" title={problem.status === 0 ? 'No connection' : 'That did not work'}>
          {problem.summary}
        </Alert>
      )}

      {/* Kept in view while a long preview scrolls (the dialog's own padding is 1.25rem). */}
      <DialogFooter className="sticky -bottom-5 -mx-5 -mb-5 border-t border-border bg-popover px-5 py-3">
        <DialogClose asChild>
          <Button variant="ghost">Cancel</Button>
        </DialogClose>
        <Button
          type={previewIsCurrent ? 'button' : 'submit'}
          variant={previewIsCurrent ? 'outline' : 'default'}
          disabled={busy !== null}
          onClick={previewIsCurrent ? () => void run('preview') : undefined}
        >
          {busy === 'preview' ? (
            <Loader2Icon aria-hidden className="animate-spin" />
          ) : (
            <EyeIcon aria-hidden />
          )}
          {previewIsCurrent ? 'Preview again' : 'Preview'}
        </Button>
        {previewIsCurrent && (
          <Button type="submit" disabled={busy !== null}>
            {busy === 'apply' && <Loader2Icon aria-hidden className="animate-spin" />}
            Apply to {preview.result.targetCount.toLocaleString('en')}{' '}
            {relationships ? 'relationship' : 'participant'}
            {preview.result.targetCount === 1 ? '' : 's'}
          </Button>
        )}
      </DialogFooter>
    </form>
  );
}
