import { Skeleton } from '../../../../components/ui/skeleton';

/** The inbox's shape while its first page is read. */
export default function RecommendationsLoading() {
  return (
    <div className="grid gap-4" aria-busy="true">
      <span role="status" className="sr-only">
        Loading recommendations
      </span>
      <div className="grid gap-2 pb-2">
        <Skeleton className="h-7 w-44" />
        <Skeleton className="h-4 w-96 max-w-full" />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        {Array.from({ length: 2 }, (_, i) => (
          <div key={i} className="grid gap-3 rounded-lg border border-border bg-card p-4">
            <Skeleton className="h-5 w-40" />
            <Skeleton className="h-4 w-64 max-w-full" />
            <Skeleton className="h-24 w-full" />
          </div>
        ))}
      </div>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <Skeleton className="h-8 w-72" />
        <div className="flex gap-2">
          <Skeleton className="h-8 w-52" />
          <Skeleton className="h-8 w-40" />
        </div>
      </div>
      {Array.from({ length: 3 }, (_, i) => (
        <div
          key={i}
          className="grid gap-3 rounded-lg border border-border bg-card p-4 lg:grid-cols-[1fr_17rem]"
        >
          <div className="grid gap-3">
            <Skeleton className="h-5 w-56" />
            <Skeleton className="h-4 w-full" />
            <Skeleton className="h-16 w-full" />
          </div>
          <div className="grid content-start gap-3">
            <Skeleton className="h-6 w-full" />
            <Skeleton className="h-20 w-full" />
          </div>
        </div>
      ))}
    </div>
  );
}
