import { Skeleton } from './skeleton';

/**
 * A page's shape while the server reads it: the title, then cards, rows or a canvas. Pages whose data takes
 * more than a moment (the overview of a large org counts its segments) show it at once on navigation.
 */
export function PageSkeleton({ label, layout }: { label: string; layout: 'cards' | 'rows' | 'canvas' }) {
  return (
    <div className="grid gap-4" aria-busy="true">
      <span role="status" className="sr-only">
        {label}
      </span>
      <div className="grid gap-2 pb-2">
        <Skeleton className="h-7 w-48" />
        <Skeleton className="h-4 w-96 max-w-full" />
      </div>
      {layout === 'cards' ? (
        <>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
            {Array.from({ length: 6 }, (_, i) => (
              <Skeleton key={i} className="h-24" />
            ))}
          </div>
          <div className="grid gap-3 lg:grid-cols-[2fr_1fr]">
            <Skeleton className="h-72" />
            <Skeleton className="h-72" />
          </div>
        </>
      ) : layout === 'canvas' ? (
        <>
          <div className="flex flex-wrap gap-2">
            {Array.from({ length: 3 }, (_, i) => (
              <Skeleton key={i} className="h-9 w-32" />
            ))}
          </div>
          <Skeleton className="h-[calc(100vh-16rem)] min-h-80" />
        </>
      ) : (
        <div className="overflow-hidden rounded-lg border border-border bg-card">
          {Array.from({ length: 8 }, (_, i) => (
            <div key={i} className="flex h-12 items-center gap-4 border-b border-border px-3 last:border-0">
              <Skeleton className="h-4 w-40" />
              <Skeleton className="h-4 w-24" />
              <Skeleton className="hidden h-4 flex-1 sm:block" />
              <Skeleton className="h-4 w-20" />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
