import { XIcon } from 'lucide-react';
import { cn } from '../../lib/ui/cn';
import { Button } from './button';
import { Spinner } from './skeleton';

/**
 * The end of a filter bar: "Clear" (disabled while nothing is filtered) and, while the filtered list
 * loads, a spinner, so a change that takes a moment is seen to be working.
 */
export function ClearFilters({
  onClear,
  disabled,
  pending,
  pendingLabel,
  className,
}: {
  onClear: () => void;
  disabled: boolean;
  pending: boolean;
  /** The spinner's accessible name, e.g. "Loading events". */
  pendingLabel: string;
  className?: string;
}) {
  return (
    <div className={cn('flex h-8 items-center gap-2', className)}>
      <Button variant="ghost" onClick={onClear} disabled={disabled} className="text-muted-foreground">
        <XIcon aria-hidden /> Clear
      </Button>
      {pending && <Spinner label={pendingLabel} />}
    </div>
  );
}
