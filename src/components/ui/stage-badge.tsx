import type { LifecycleStage } from '../../lib/domain';
import { cn } from '../../lib/ui/cn';
import { STAGE_DOT_CLASS, STAGE_LABELS } from '../../lib/ui/stages';
import { LIFECYCLE_STAGES } from '../../lib/domain';

/** The stage's colour dot and name: the same colour as in charts and on graph nodes. */
export function StageBadge({ stage, className }: { stage: LifecycleStage; className?: string }) {
  return (
    <span
      data-stage={stage}
      className={cn(
        'inline-flex items-center gap-1.5 whitespace-nowrap rounded-md border border-border bg-card px-1.5 py-0.5 text-xs font-medium',
        className,
      )}
    >
      <span aria-hidden className={cn('size-2 rounded-full', STAGE_DOT_CLASS[stage])} />
      {STAGE_LABELS[stage]}
    </span>
  );
}

/** The legend of stage colours, for charts and the graph. */
export function StageLegend({ className }: { className?: string }) {
  return (
    <ul
      aria-label="Lifecycle stage colours"
      className={cn('flex flex-wrap gap-x-3 gap-y-1 text-xs', className)}
    >
      {LIFECYCLE_STAGES.map((stage) => (
        <li key={stage} className="inline-flex items-center gap-1.5 text-muted-foreground">
          <span aria-hidden className={cn('size-2.5 rounded-full', STAGE_DOT_CLASS[stage])} />
          {STAGE_LABELS[stage]}
        </li>
      ))}
    </ul>
  );
}
