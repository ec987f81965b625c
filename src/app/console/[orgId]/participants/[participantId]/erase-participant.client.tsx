'use client';

import { EraserIcon } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Alert } from '../../../../../components/ui/alert';
import { Button } from '../../../../../components/ui/button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from '../../../../../components/ui/dialog';
import { Field, Input, Textarea } from '../../../../../components/ui/input';
import { api } from '../../../../../lib/client/api';
import { useApiAction } from '../../../../../lib/client/use-api-action';

/**
 * An owner erases a participant's personal data on their request: the reason (the request's reference)
 * and the participant's name typed again, because nothing can bring the data back.
 */
export function EraseParticipant(props: { orgId: string; participantId: string; name: string }) {
  const { busy, problem, run } = useApiAction();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');

  async function erase(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason'));
    const done = await run(
      () =>
        api.POST('/api/orgs/{orgId}/participants/{participantId}/erase', {
          params: { path: { orgId: props.orgId, participantId: props.participantId } },
          body: { reason },
        }),
      'Their personal data was erased.',
    );
    if (done !== undefined) setOpen(false);
  }

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="outline" className="text-destructive">
          <EraserIcon aria-hidden /> Erase personal data
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form onSubmit={erase} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>Erase {props.name}’s personal data?</DialogTitle>
            <DialogDescription>
              Their email and name, the notes about them, and every copy of either in interventions,
              recommendations, community names and the audit log are removed. Their relationships and stage
              stay, under “Erased participant”. This cannot be undone; the audit log records who erased whom.
            </DialogDescription>
          </DialogHeader>
          {problem && (
            <Alert variant="error" title="Nothing was erased">
              {problem.summary}
            </Alert>
          )}
          <Field
            id="erase-reason"
            label="Reason (the request’s reference)"
            error={problem?.fieldError('reason')}
          >
            <Textarea
              id="erase-reason"
              name="reason"
              required
              maxLength={500}
              placeholder="e.g. Request 2026-118, received by email"
            />
          </Field>
          <Field id="erase-confirm" label={`Type ${props.name} to confirm`}>
            <Input
              id="erase-confirm"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
            />
          </Field>
          <DialogFooter>
            <DialogClose asChild>
              <Button type="button" variant="outline">
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" variant="destructive" disabled={busy || typed.trim() !== props.name.trim()}>
              Erase
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
