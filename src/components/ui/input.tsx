import type { ComponentProps } from 'react';
import { cn } from '../../lib/ui/cn';

export const fieldClass =
  'h-8 w-full min-w-0 rounded-md border border-input bg-card px-2.5 text-sm shadow-xs transition-colors placeholder:text-muted-foreground focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring disabled:cursor-not-allowed disabled:opacity-50 aria-invalid:border-destructive';

export function Input({ className, ...props }: ComponentProps<'input'>) {
  return <input data-slot="input" className={cn(fieldClass, className)} {...props} />;
}

export function Textarea({ className, ...props }: ComponentProps<'textarea'>) {
  return (
    <textarea
      data-slot="textarea"
      className={cn(fieldClass, 'h-auto min-h-20 py-1.5 leading-relaxed', className)}
      {...props}
    />
  );
}

/** A native select: keyboard, screen readers and mobile pickers work without a script. */
export function NativeSelect({ className, ...props }: ComponentProps<'select'>) {
  return (
    <select data-slot="select" className={cn(fieldClass, 'cursor-pointer pr-7', className)} {...props} />
  );
}

export function Label({ className, ...props }: ComponentProps<'label'>) {
  return (
    <label
      data-slot="label"
      className={cn('text-xs font-medium text-muted-foreground', className)}
      {...props}
    />
  );
}

/**
 * The attributes that tie a control to its Field: described by the error when there is one, else by the
 * hint (when the Field shows one), and invalid while the error stands. Field renders those two ids.
 */
export function fieldControlProps(id: string, { error, hint = true }: { error?: string; hint?: boolean }) {
  return {
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-error` : hint ? `${id}-hint` : undefined,
  } as const;
}

/** A labelled form field with its error, wired for screen readers. */
export function Field({
  id,
  label,
  error,
  hint,
  children,
  className,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <div className={cn('grid gap-1.5', className)}>
      <Label htmlFor={id}>{label}</Label>
      {children}
      {hint && !error && (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} role="alert" className="text-xs text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}
