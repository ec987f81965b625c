import { AlertCircleIcon, InfoIcon } from 'lucide-react';
import type { ReactNode } from 'react';
import { cn } from '../../lib/ui/cn';

/** A message in the page: an error's detail (with a retry beside it), or a notice such as a banner. */
export function Alert({
  variant = 'info',
  title,
  children,
  action,
  className,
}: {
  variant?: 'info' | 'error' | 'warning';
  title?: string;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  const Icon = variant === 'info' ? InfoIcon : AlertCircleIcon;
  return (
    <div
      role={variant === 'error' ? 'alert' : 'status'}
      className={cn(
        'flex items-start gap-2.5 rounded-md border px-3 py-2.5 text-sm',
        variant === 'error' && 'border-destructive/30 bg-destructive/5 text-destructive',
        variant === 'warning' && 'border-warning/30 bg-warning/5 text-warning',
        variant === 'info' && 'border-border bg-muted/60 text-foreground',
        className,
      )}
    >
      <Icon aria-hidden className="mt-0.5 size-4 shrink-0" />
      <div className="grid flex-1 gap-0.5">
        {title && <p className="font-medium">{title}</p>}
        {children && <div className={cn(title && 'text-foreground/80')}>{children}</div>}
      </div>
      {action}
    </div>
  );
}
