import { ArrowRightIcon } from 'lucide-react';
import type { components } from '../../lib/client/api-types';
import { StageBadge } from '../ui/stage-badge';
import { describeState, stageOf, type TargetStateLike } from './intervention-states';

export type InterventionDryRun = components['schemas']['InterventionDryRun'];

// What a dry run answered, in words: how many targets, how many change, a sample before → after.

/** A recorded state in words; a lifecycle stage as its badge, in the stage's colour. */
export function TargetStateText({ state }: { state: TargetStateLike }) {
  const stage = stageOf(state);
  return stage ? <StageBadge stage={stage} /> : <span>{describeState(state)}</span>;
}

function targetNoun(count: number, relationships: boolean) {
  const noun = relationships ? 'relationship' : 'participant';
  return `${count.toLocaleString('en')} ${noun}${count === 1 ? '' : 's'}`;
}

export function InterventionPreview({
  preview,
  relationships,
  labels,
}: {
  preview: InterventionDryRun;
  relationships: boolean;
  /** Names of targets the caller knows; the API's own labels win. */
  labels?: ReadonlyMap<string, string>;
}) {
  const unchanged = preview.targetCount - preview.changing;
  const shown = preview.sample.length;
  return (
    <section aria-label="Preview" className="grid gap-2 rounded-md border border-border bg-muted/40 p-3">
      <p className="text-sm">
        <span className="font-medium">{targetNoun(preview.targetCount, relationships)}</span>
        {' · '}
        <span className="font-medium text-foreground">
          {preview.changing.toLocaleString('en')} will change
        </span>
        {unchanged > 0 && (
          <span className="text-muted-foreground">
            {' · '}
            {unchanged.toLocaleString('en')} already {unchanged === 1 ? 'is' : 'are'} that way
          </span>
        )}
      </p>
      {shown > 0 && (
        <>
          <ul className="grid gap-1 text-sm">
            {preview.sample.map((item) => {
              const label = item.label || labels?.get(item.id) || item.id;
              const same = describeState(item.before) === describeState(item.after);
              return (
                <li
                  key={item.id}
                  className="grid grid-cols-1 gap-x-3 gap-y-0.5 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-center"
                >
                  <span className="truncate font-medium">{label}</span>
                  <span className="flex flex-wrap items-center gap-1.5 text-muted-foreground">
                    <TargetStateText state={item.before} />
                    <ArrowRightIcon aria-label="becomes" className="size-3.5" />
                    <TargetStateText state={item.after} />
                    {same && <span className="text-xs">(no change)</span>}
                  </span>
                </li>
              );
            })}
          </ul>
          {preview.targetCount > shown && (
            <p className="text-xs text-muted-foreground">
              A sample of {shown} of {targetNoun(preview.targetCount, relationships)}.
            </p>
          )}
        </>
      )}
    </section>
  );
}
