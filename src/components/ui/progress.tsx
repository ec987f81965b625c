import { cn } from '../../lib/ui/cn';

/**
 * How far a task has come (ARIA progressbar), 0..100. Unlike Meter, it is for work under way: screen
 * readers read it as progress. Callers show the percent or the phase beside it too.
 */
export function Progress({
  value,
  label,
  valueText,
  className,
}: {
  /** Percent done; null while it is not known yet (the bar shows no fill and no value is announced). */
  value: number | null;
  label: string;
  valueText?: string;
  className?: string;
}) {
  const percent = value === null ? null : Math.min(100, Math.max(0, value));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      aria-valuetext={valueText}
      className={cn('h-2 w-full overflow-hidden rounded-full bg-muted', className)}
    >
      <div
        className="h-full rounded-full bg-primary transition-[width] duration-500 ease-out motion-reduce:transition-none"
        // Computed geometry: the one inline style the house allows.
        style={{ width: `${percent ?? 0}%` }}
      />
    </div>
  );
}
