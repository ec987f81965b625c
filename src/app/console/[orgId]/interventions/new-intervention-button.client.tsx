'use client';

import { Loader2Icon, PlusIcon } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import {
  InterventionDialog,
  type SegmentChoice,
} from '../../../../components/interventions/intervention-dialog.client';
import { Button } from '../../../../components/ui/button';
import { api, ApiProblem, data } from '../../../../lib/client/api';

// The segment most often acted on first; any non-empty segment otherwise.
const PREFERRED = ['at_risk', 'dormant', 'new'];

/**
 * "New intervention" on the log: a bulk intervention on a segment. The segments and their sizes are
 * read when the button is pressed, so the numbers in the picker are current.
 */
export function NewInterventionButton({ orgId }: { orgId: string }) {
  const [choices, setChoices] = useState<SegmentChoice[] | null>(null);
  const [open, setOpen] = useState(false);
  const [loading, setLoading] = useState(false);

  async function start() {
    setLoading(true);
    try {
      const { segments } = await data(api.GET('/api/orgs/{orgId}/segments', { params: { path: { orgId } } }));
      const usable = segments.filter((s) => s.count > 0);
      if (usable.length === 0) {
        toast.info('Every segment is empty: there is no one to act on yet.');
        return;
      }
      setChoices(
        usable.map((s) => ({ key: s.key, label: s.label, count: s.count, description: s.description })),
      );
      setOpen(true);
    } catch (error) {
      toast.error(error instanceof ApiProblem ? error.summary : 'The segments could not be read.');
    } finally {
      setLoading(false);
    }
  }

  const first =
    choices &&
    (PREFERRED.map((key) => choices.find((c) => c.key === key)).find((c) => c !== undefined) ?? choices[0]);
  return (
    <>
      <Button onClick={start} disabled={loading}>
        {loading ? <Loader2Icon aria-hidden className="animate-spin" /> : <PlusIcon aria-hidden />}
        New intervention
      </Button>
      {choices && first && (
        <InterventionDialog
          orgId={orgId}
          open={open}
          onOpenChange={setOpen}
          target={{ scope: 'segment', segment: first.key, label: `the ${first.label} segment` }}
          segmentChoices={choices}
        />
      )}
    </>
  );
}
