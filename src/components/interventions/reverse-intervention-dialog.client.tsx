'use client';

import { Loader2Icon, Undo2Icon } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { toast } from 'sonner';
import { api, ApiProblem, data } from '../../lib/client/api';
import type { components } from '../../lib/client/api-types';
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
import { Field, fieldControlProps, Textarea } from '../ui/input';
import { placeFieldErrors } from './intervention-form';
import { conflictSentences, conflictsFromProblem, type TargetConflict } from './intervention-states';

export type InterventionReversal = components['schemas']['InterventionReversal'];

export interface ReverseInterventionDialogProps {
  orgId: string;
  interventionId: string;
  trigger: ReactNode;
  onReversed?: (reversal: InterventionReversal) => void;
  /** Names of the targets by id, when the page has them; otherwise the report names them by id. */
  targetLabels?: Readonly<Record<string, string>>;
}

/**
 * Reverses an intervention with a required reason. Targets changed since are never overwritten: the
 * API refuses (409) or leaves them (a bulk reversal), and this dialog says, target by target, why.
 */
export function ReverseInterventionDialog(props: ReverseInterventionDialogProps) {
  const [open, setOpen] = useState(false);
  const [generation, setGeneration] = useState(0);
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (next) setGeneration((g) => g + 1);
        setOpen(next);
      }}
    >
      <DialogTrigger asChild>{props.trigger}</DialogTrigger>
      <DialogContent>
        {open && <ReverseForm key={generation} {...props} onDone={() => setOpen(false)} />}
      </DialogContent>
    </Dialog>
  );
}

interface Report {
  title: string;
  variant: 'error' | 'warning';
  lines: { id: string; label: string; sentence: string }[];
}

/** Names of the intervention's targets, for the report; the report stands without them. */
async function loadTargetLabels(orgId: string, interventionId: string): Promise<Map<string, string>> {
  try {
    const detail = await data(
      api.GET('/api/orgs/{orgId}/interventions/{interventionId}', {
        params: { path: { orgId, interventionId } },
      }),
    );
    return new Map(detail.targets.map((t) => [t.id, t.label]));
  } catch {
    return new Map();
  }
}

function ReverseForm(props: ReverseInterventionDialogProps & { onDone: () => void }) {
  const router = useRouter();
  const id = useId();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [busy, setBusy] = useState(false);

  async function explain(title: string, variant: Report['variant'], conflicts: TargetConflict[]) {
    const labels = props.targetLabels
      ? new Map(Object.entries(props.targetLabels))
      : await loadTargetLabels(props.orgId, props.interventionId);
    setReport({ title, variant, lines: conflictSentences(conflicts, labels) });
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    setReport(null);
    if (!reason.trim()) {
      setReasonError('Say why: the reason is kept with the reversal.');
      return;
    }
    setBusy(true);
    try {
      const reversal = await data(
        api.POST('/api/orgs/{orgId}/interventions/{interventionId}/reverse', {
          params: { path: { orgId: props.orgId, interventionId: props.interventionId } },
          body: { reason: reason.trim() },
        }),
      );
      props.onReversed?.(reversal);
      router.refresh();
      if (reversal.notReversed.length === 0) {
        toast.success('Reversed: every target is back as it was.');
        props.onDone();
        return;
      }
      toast.warning(`Reversed ${reversal.reversed.length}; ${reversal.notReversed.length} left as they are.`);
      await explain(
        `${reversal.reversed.length} restored; ${reversal.notReversed.length} changed since and left as they are`,
        'warning',
        reversal.notReversed,
      );
    } catch (error) {
      const apiProblem = error instanceof ApiProblem ? error : new ApiProblem(0, 'Error', String(error));
      const conflicts = apiProblem.status === 409 ? conflictsFromProblem(apiProblem.fields) : [];
      if (conflicts.length > 0) {
        await explain(apiProblem.detail ?? 'Nothing was reversed.', 'error', conflicts);
        return;
      }
      const placed = placeFieldErrors(apiProblem.fields);
      setReasonError(placed.fields.reason);
      if (!placed.fields.reason || placed.other.length > 0) setProblem(apiProblem);
    } finally {
      setBusy(false);
    }
  }

  const reasonId = `${id}-reason`;
  // After a report there is nothing to retry: the targets that changed stay changed.
  const done = report !== null;
  return (
    <form className="grid gap-4" onSubmit={submit} noValidate>
      <DialogHeader>
        <DialogTitle>Reverse this intervention?</DialogTitle>
        <DialogDescription>
          Each target gets back the state it had before, unless someone changed it since: those are left as
          they are and listed here.
        </DialogDescription>
      </DialogHeader>
      {!done && (
        <Field
          id={reasonId}
          label="Reason"
          error={reasonError}
          hint="Required. Kept with the reversal and in the audit log."
        >
          <Textarea
            id={reasonId}
            value={reason}
            maxLength={2000}
            required
            {...fieldControlProps(reasonId, { error: reasonError })}
            onChange={(event) => {
              setReason(event.target.value);
              setReasonError(undefined);
            }}
          />
        </Field>
      )}
      {report && (
        <Alert variant={report.variant} title={report.title}>
          <ul className="mt-1 grid max-h-64 gap-1.5 overflow-y-auto">
            {report.lines.map((line) => (
              <li key={line.id}>
                <span className="font-medium text-foreground">{line.label}</span>: {line.sentence}
              </li>
            ))}
          </ul>
        </Alert>
      )}
      {problem && (
        <Alert variant="error" title={problem.status === 409 ? 'Not reversed' : 'That did not work'}>
          {problem.summary}
        </Alert>
      )}
      <DialogFooter>
        <DialogClose asChild>
          <Button variant={done ? 'default' : 'ghost'}>{done ? 'Close' : 'Cancel'}</Button>
        </DialogClose>
        {!done && (
          <Button type="submit" variant="destructive" disabled={busy}>
            {busy ? <Loader2Icon aria-hidden className="animate-spin" /> : <Undo2Icon aria-hidden />}
            Reverse
          </Button>
        )}
      </DialogFooter>
    </form>
  );
}
