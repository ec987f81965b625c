import { cn } from '../../lib/ui/cn';

/**
 * A value within a known range shown as a bar (ARIA meter): named by `label`, read out as `valueText`.
 * The bar is never the only carrier of the value: callers show the number or a word beside it.
 */
export function Meter({
  value,
  min = 0,
  max = 1,
  label,
  valueText,
  tone = 'default',
  className,
}: {
  value: number;
  min?: number;
  max?: number;
  label: string;
  valueText?: string;
  tone?: 'default' | 'muted' | 'warning';
  className?: string;
}) {
  const fraction = Math.min(1, Math.max(0, (value - min) / (max - min || 1)));
  return (
    <div
      role="meter"
      aria-label={label}
      aria-valuemin={min}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-valuetext={valueText}
      className={cn('h-1.5 w-full overflow-hidden rounded-full bg-muted', className)}
    >
      <div
        className={cn(
          'h-full rounded-full',
          tone === 'default' && 'bg-primary',
          tone === 'muted' && 'bg-muted-foreground/60',
          tone === 'warning' && 'bg-warning',
        )}
        // Computed geometry: the one inline style the house allows.
        style={{ width: `${fraction * 100}%` }}
      />
    </div>
  );
}
