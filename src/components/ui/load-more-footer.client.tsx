'use client';

import type { ReactNode } from 'react';
import { Alert } from './alert';
import { Button } from './button';
import { Spinner } from './skeleton';
import type { CursorPages } from './use-cursor-pages.client';

/**
 * Below a paged list: why the last page failed (with a retry), how much is loaded, and a "Load more"
 * button for those who do not scroll (keyboard, screen readers) while more remains.
 */
export function LoadMoreFooter<T>({
  pages,
  problemTitle,
  loadingLabel,
  children,
}: {
  pages: CursorPages<T>;
  problemTitle: string;
  /** The spinner's accessible name while the next page loads. */
  loadingLabel: string;
  /** The live status line: how many rows are loaded and whether more remain. */
  children: ReactNode;
}) {
  const { cursor, loading, problem, loadMore } = pages;
  return (
    <>
      {problem && (
        <Alert
          variant="error"
          title={problemTitle}
          action={
            <Button variant="outline" size="sm" onClick={() => void loadMore()}>
              Retry
            </Button>
          }
        >
          {problem.summary}
        </Alert>
      )}

      <div className="flex min-h-8 items-center justify-between gap-3 text-xs text-muted-foreground">
        <p role="status" aria-live="polite" className="tabular-nums">
          {children}
        </p>
        {cursor && !problem && (
          <Button variant="outline" size="sm" disabled={loading} onClick={() => void loadMore()}>
            {loading ? <Spinner label={loadingLabel} /> : null}
            {loading ? 'Loading…' : 'Load more'}
          </Button>
        )}
      </div>
    </>
  );
}
