'use client';

import { CheckIcon, XIcon } from 'lucide-react';
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Button } from '../../../../components/ui/button';
import { Checkbox } from '../../../../components/ui/checkbox';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from '../../../../components/ui/dialog';
import { Field, fieldControlProps, Label, NativeSelect, Textarea } from '../../../../components/ui/input';
import { DISMISSAL_REASONS, type DismissalReason } from '../../../../lib/domain';
import type { Decision } from './inbox-state';
import {
  actionLabel,
  DISMISSAL_REASON_LABELS,
  interventionPhrase,
  targetName,
  type InboxRecommendation,
} from './recommendation-text';

export interface DecisionRequest {
  decision: Decision;
  recs: InboxRecommendation[];
}

export interface DecisionInput {
  /** Accept: an optional note; dismiss: an optional note beside the reason code. */
  reason?: string;
  /** Accept only: apply each recommendation's matching intervention, where it has one. */
  intervene: boolean;
  /** Dismiss only: why. */
  reasonCode?: DismissalReason;
  /** Dismiss as later only: Atlas holds it back this many days. */
  snoozeDays?: number;
}

/** How long "later" holds a recommendation back, in days. */
const SNOOZE_CHOICES = [7, 14, 30, 90] as const;

/** The prompt before a decision: a required reason to dismiss; to accept, a note and the intervention. */
export function DecisionDialog({
  request,
  onCancel,
  onConfirm,
}: {
  request: DecisionRequest | null;
  onCancel: () => void;
  onConfirm: (input: DecisionInput) => void;
}) {
  return (
    <Dialog open={request !== null} onOpenChange={(open) => !open && onCancel()}>
      {request && (
        <DialogContent
          // The card that opened the prompt may be gone when it closes; the inbox moves the focus itself.
          onCloseAutoFocus={(event) => event.preventDefault()}
        >
          <DecisionForm key={request.recs.map((r) => r.id).join()} request={request} onConfirm={onConfirm} />
        </DialogContent>
      )}
    </Dialog>
  );
}

function DecisionForm({
  request,
  onConfirm,
}: {
  request: DecisionRequest;
  onConfirm: (input: DecisionInput) => void;
}) {
  const { decision, recs } = request;
  const id = useId();
  const [reason, setReason] = useState('');
  const [reasonCode, setReasonCode] = useState<DismissalReason | ''>('');
  const [snoozeDays, setSnoozeDays] = useState<number>(30);
  const [codeError, setCodeError] = useState<string>();
  const [error, setError] = useState<string>();
  const withIntervention = recs.filter((r) => r.intervention !== null);
  const [intervene, setIntervene] = useState(withIntervention.length > 0);
  const dismissing = decision === 'dismissed';
  const one = recs.length === 1 ? recs[0]! : null;
  const subject = one
    ? `“${actionLabel(one)}”${one.target ? ` for ${targetName(one.target)}` : ''}`
    : `${recs.length} recommendations`;

  function submit(event?: FormEvent) {
    event?.preventDefault();
    const text = reason.trim();
    if (dismissing && !reasonCode) {
      setCodeError('Choose why, so that the next person does not have to decide again.');
      return;
    }
    if (text.length > 2000) {
      setError('Keep it under 2,000 characters.');
      return;
    }
    onConfirm({
      reason: text || undefined,
      intervene: !dismissing && intervene,
      ...(dismissing && reasonCode ? { reasonCode } : {}),
      ...(reasonCode === 'later' ? { snoozeDays } : {}),
    });
  }

  // Enter starts a new line in the reason; Ctrl/⌘+Enter sends, as in most editors.
  const sendOnModEnter = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) submit();
  };

  const phrase =
    one && one.intervention
      ? interventionPhrase(one)
      : `apply the matching intervention (${withIntervention.length} of ${recs.length} have one)`;

  return (
    <form onSubmit={submit} className="grid gap-4" noValidate>
      <DialogHeader>
        <DialogTitle>
          {dismissing ? 'Dismiss' : 'Accept'} {subject}
        </DialogTitle>
        <DialogDescription>
          {dismissing
            ? 'Dismissed recommendations stay in the Dismissed tab with your reason, and in the audit log. Atlas does not raise them again for 30 days, or until the time you choose for later.'
            : 'Accepting records your decision in the audit log. The reason is optional.'}
        </DialogDescription>
      </DialogHeader>
      {dismissing && (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field id={`${id}-code`} label="Why dismiss it?" error={codeError}>
            <NativeSelect
              id={`${id}-code`}
              value={reasonCode}
              autoFocus
              {...fieldControlProps(`${id}-code`, { error: codeError, hint: false })}
              onChange={(event) => {
                setReasonCode(event.target.value as DismissalReason | '');
                setCodeError(undefined);
              }}
            >
              <option value="" disabled>
                Choose a reason
              </option>
              {DISMISSAL_REASONS.map((code) => (
                <option key={code} value={code}>
                  {DISMISSAL_REASON_LABELS[code]}
                </option>
              ))}
            </NativeSelect>
          </Field>
          {reasonCode === 'later' && (
            <Field id={`${id}-snooze`} label="Ask again in">
              <NativeSelect
                id={`${id}-snooze`}
                value={snoozeDays}
                onChange={(event) => setSnoozeDays(Number(event.target.value))}
              >
                {SNOOZE_CHOICES.map((days) => (
                  <option key={days} value={days}>
                    {days} days
                  </option>
                ))}
              </NativeSelect>
            </Field>
          )}
        </div>
      )}
      <Field id={`${id}-reason`} label="Note (optional)" error={error} hint="Ctrl+Enter to send">
        <Textarea
          id={`${id}-reason`}
          value={reason}
          maxLength={2000}
          {...fieldControlProps(`${id}-reason`, { error })}
          onChange={(event) => {
            setReason(event.target.value);
            setError(undefined);
          }}
          onKeyDown={sendOnModEnter}
          placeholder={dismissing ? 'e.g. The partner team handles this' : 'e.g. Confirmed on the call'}
        />
      </Field>
      {!dismissing && withIntervention.length > 0 && (
        <div className="flex items-start gap-2.5 rounded-md border border-border bg-muted/40 p-3">
          <Checkbox
            id={`${id}-intervene`}
            checked={intervene}
            onCheckedChange={(checked) => setIntervene(checked === true)}
            className="mt-0.5"
          />
          <div className="grid gap-0.5">
            <Label htmlFor={`${id}-intervene`} className="text-sm font-medium text-foreground">
              Also {phrase}
            </Label>
            <p className="text-xs text-muted-foreground">
              Applied as an intervention in the same step; you can reverse it from Interventions.
            </p>
          </div>
        </div>
      )}
      <DialogFooter>
        <DialogClose asChild>
          <Button variant="outline">Cancel</Button>
        </DialogClose>
        <Button type="submit" autoFocus={!dismissing}>
          {dismissing ? <XIcon aria-hidden /> : <CheckIcon aria-hidden />}
          {dismissing ? 'Dismiss' : 'Accept'}
          {recs.length > 1 ? ` ${recs.length}` : ''}
        </Button>
      </DialogFooter>
    </form>
  );
}
