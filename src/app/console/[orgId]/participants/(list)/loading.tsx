import { Skeleton } from '../../../../../components/ui/skeleton';

/** The participants list's shape while its first page is read. */
export default function ParticipantsLoading() {
  return (
    <div className="grid gap-4" aria-busy="true">
      <span role="status" className="sr-only">
        Loading participants
      </span>
      <div className="flex items-end justify-between gap-3 pb-4">
        <div className="grid gap-2">
          <Skeleton className="h-7 w-36" />
          <Skeleton className="h-4 w-72 max-w-full" />
        </div>
        <Skeleton className="h-8 w-24" />
      </div>
      <div className="flex flex-wrap gap-2">
        <Skeleton className="h-8 w-full sm:w-64" />
        <Skeleton className="h-8 w-32" />
        <Skeleton className="h-8 w-32" />
        <Skeleton className="h-8 w-40" />
      </div>
      <div className="overflow-hidden rounded-lg border border-border bg-card">
        <div className="h-9 border-b border-border" />
        {Array.from({ length: 12 }, (_, i) => (
          <div key={i} className="flex h-12 items-center gap-4 border-b border-border px-3 last:border-0">
            <Skeleton className="size-4" />
            <div className="grid w-56 gap-1.5">
              <Skeleton className="h-3.5 w-36" />
              <Skeleton className="h-3 w-48" />
            </div>
            <Skeleton className="h-5 w-16" />
            <Skeleton className="hidden h-4 w-20 sm:block" />
            <Skeleton className="hidden h-4 w-10 md:block" />
            <Skeleton className="hidden h-4 w-24 md:block" />
          </div>
        ))}
      </div>
    </div>
  );
}
