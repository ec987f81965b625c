import type { LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';
import { cn } from '../../lib/ui/cn';

/** EmptyState's compact sibling, for a card that sits above a page's main list and must stay short. */
export function InlineEmpty({
  icon: Icon,
  title,
  children,
  className,
}: {
  icon: LucideIcon;
  title: string;
  children?: ReactNode;
  className?: string;
}) {
  return (
    <div
      className={cn(
        'flex items-start gap-3 rounded-md border border-dashed border-border p-3 text-sm',
        className,
      )}
    >
      <span className="rounded-full bg-muted p-2 text-muted-foreground">
        <Icon aria-hidden className="size-4" />
      </span>
      <div className="grid gap-0.5">
        <p className="font-medium">{title}</p>
        {children && <div className="text-muted-foreground">{children}</div>}
      </div>
    </div>
  );
}
