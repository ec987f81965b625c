import Link from 'next/link';
import type { ReactNode } from 'react';
import { Card, CardDescription, CardHeader, CardTitle } from '../ui/card';
import { cn } from '../../lib/ui/cn';

export interface ChartTable {
  caption: string;
  columns: string[];
  rows: (string | number)[][];
  /** Where each row's first cell leads (the list behind the number), when it leads somewhere. */
  rowHrefs?: string[];
}

/**
 * A chart in a card, with what a screen reader or a keyboard needs instead of the picture: the chart
 * is one image labelled with a one-sentence summary, and the same numbers are a table behind "Show as
 * table" (a native <details>, so it opens without a script).
 */
export function ChartCard({
  title,
  description,
  summary,
  table,
  action,
  legend,
  children,
  className,
}: {
  title: string;
  description?: ReactNode;
  /** What the chart shows, in one or two sentences: its accessible name. */
  summary: string;
  table: ChartTable;
  action?: ReactNode;
  legend?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <Card className={cn('flex min-w-0 flex-col', className)}>
      <CardHeader>
        <div className="grid min-w-0 gap-1">
          <CardTitle>{title}</CardTitle>
          {description && <CardDescription>{description}</CardDescription>}
        </div>
        {action}
      </CardHeader>
      {legend && <div className="px-4 pb-1">{legend}</div>}
      <div role="img" aria-label={summary} className="min-w-0 flex-1 px-2">
        {children}
      </div>
      <details className="group border-t border-border px-4 py-2 text-xs">
        <summary className="cursor-pointer rounded-sm py-0.5 text-muted-foreground select-none hover:text-foreground">
          <span className="group-open:hidden">Show as table</span>
          <span className="hidden group-open:inline">Hide table</span>
        </summary>
        <div className="mt-2 max-h-72 overflow-auto">
          <table className="w-full border-collapse text-xs tabular-nums">
            <caption className="sr-only">{table.caption}</caption>
            <thead className="sticky top-0 bg-card">
              <tr className="border-b border-border">
                {table.columns.map((column, i) => (
                  <th
                    key={column}
                    scope="col"
                    className={cn(
                      'py-1 pr-3 font-medium text-muted-foreground',
                      i === 0 ? 'text-left' : 'text-right',
                    )}
                  >
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, r) => (
                // By position too: a row's first cell need not be unique (one day, several moves).
                <tr key={`${r}:${String(row[0])}`} className="border-b border-border/60 last:border-0">
                  {row.map((cell, i) =>
                    i === 0 ? (
                      <th key={i} scope="row" className="py-1 pr-3 text-left font-normal">
                        {table.rowHrefs?.[r] ? <Link href={table.rowHrefs[r]}>{cell}</Link> : cell}
                      </th>
                    ) : (
                      <td key={i} className="py-1 pr-3 text-right">
                        {typeof cell === 'number' ? cell.toLocaleString('en') : cell}
                      </td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </Card>
  );
}

/** A row of coloured keys for a chart's series (the chart itself draws no legend: this one is text). */
export function ChartLegend({ items }: { items: { label: string; color: string }[] }) {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground">
      {items.map((item) => (
        <li key={item.label} className="flex items-center gap-1.5">
          <span aria-hidden className="size-2.5 rounded-sm" style={{ backgroundColor: item.color }} />
          {item.label}
        </li>
      ))}
    </ul>
  );
}
