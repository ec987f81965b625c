import type { ReactNode } from 'react';
import { cn } from '../../lib/ui/cn';

/** The title row of a console page: the heading, a line of context, and the page's main actions. */
export function PageHeader({
  title,
  description,
  actions,
  className,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  className?: string;
}) {
  return (
    <div className={cn('flex flex-wrap items-end justify-between gap-3 pb-4', className)}>
      <div className="grid min-w-0 gap-1">
        <h1 className="truncate text-xl font-semibold tracking-tight">{title}</h1>
        {description && <div className="text-sm text-muted-foreground">{description}</div>}
      </div>
      {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
    </div>
  );
}
