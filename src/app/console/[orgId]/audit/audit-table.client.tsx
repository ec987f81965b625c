'use client';

import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ExpandedState,
  type Row,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ChevronRightIcon, FilterIcon, ScrollTextIcon } from 'lucide-react';
import Link from 'next/link';
import { useCallback, useMemo, useRef, useState, type MouseEvent } from 'react';
import { Badge } from '../../../../components/ui/badge';
import { Button } from '../../../../components/ui/button';
import { EmptyState } from '../../../../components/ui/empty-state';
import { LoadMoreFooter } from '../../../../components/ui/load-more-footer.client';
import { Tooltip } from '../../../../components/ui/tooltip';
import { useCursorPages, useLoadMoreNearEnd } from '../../../../components/ui/use-cursor-pages.client';
import { api, data } from '../../../../lib/client/api';
import type { components } from '../../../../lib/client/api-types';
import { ROLE_LABELS } from '../../../../lib/permissions';
import { cn } from '../../../../lib/ui/cn';
import {
  eventTone,
  formatEventTime,
  formatExactTime,
  shortId,
  summariseMetadata,
  targetHref,
} from './audit-format';
import type { AuditApiFilters } from './audit-params';

export type AuditEventItem = components['schemas']['AuditEvent'];

export interface AuditPage {
  items: AuditEventItem[];
  nextCursor: string | null;
}

const PAGE_SIZE = 100;
const ROW_ESTIMATE = 41;

const roleLabel = (role: string | null) =>
  role && role in ROLE_LABELS ? ROLE_LABELS[role as keyof typeof ROLE_LABELS] : (role ?? '');

const column = createColumnHelper<AuditEventItem>();

// Fixed widths keep rows aligned as they scroll in and out; the summary takes what is left.
const WIDTHS: Record<string, number> = {
  expand: 40,
  createdAt: 136,
  eventType: 220,
  actorEmail: 230,
  actorRole: 80,
  target: 190,
};

/** The table's columns. */
function useColumns(orgId: string, timeZone: string) {
  return useMemo(
    () => [
      column.display({
        id: 'expand',
        header: () => <span className="sr-only">Details</span>,
        cell: ({ row }) => (
          <Button
            variant="ghost"
            size="icon-sm"
            aria-expanded={row.getIsExpanded()}
            aria-controls={`audit-details-${row.id}`}
            aria-label={`${row.getIsExpanded() ? 'Hide' : 'Show'} the details of ${row.original.eventType}`}
            onClick={row.getToggleExpandedHandler()}
            className="-my-1 flex text-muted-foreground"
          >
            <ChevronRightIcon
              aria-hidden
              className={cn('transition-transform', row.getIsExpanded() && 'rotate-90')}
            />
          </Button>
        ),
      }),
      column.accessor('createdAt', {
        header: 'Time',
        cell: ({ getValue }) => (
          <Tooltip content={formatExactTime(getValue(), timeZone)}>
            <time dateTime={getValue()} className="whitespace-nowrap tabular-nums">
              {formatEventTime(getValue(), timeZone)}
            </time>
          </Tooltip>
        ),
      }),
      column.accessor('eventType', {
        header: 'Type',
        cell: ({ getValue }) => (
          <Badge
            variant={eventTone(getValue())}
            className="inline-block max-w-full truncate align-middle font-mono font-normal"
            title={getValue()}
          >
            {getValue()}
          </Badge>
        ),
      }),
      column.accessor('actorEmail', {
        header: 'Actor',
        cell: ({ row }) => <Actor event={row.original} />,
      }),
      column.accessor('actorRole', {
        header: 'Role',
        cell: ({ getValue }) => <span className="text-muted-foreground">{roleLabel(getValue())}</span>,
      }),
      column.display({
        id: 'target',
        header: 'Target',
        cell: ({ row }) => <Target orgId={orgId} event={row.original} />,
      }),
      column.display({
        id: 'summary',
        header: 'Details',
        cell: ({ row }) => (
          <span className="block truncate text-muted-foreground">
            {summariseMetadata(row.original.eventType, {
              ...row.original.metadata,
              ...row.original.personal,
            })}
          </span>
        ),
      }),
    ],
    [orgId, timeZone],
  );
}

function Actor({ event }: { event: AuditEventItem }) {
  if (event.actorEmail) {
    return (
      <span className="block truncate" title={event.actorEmail}>
        {event.actorEmail}
      </span>
    );
  }
  if (event.actorUserId) {
    return (
      <span className="text-muted-foreground" title={event.actorUserId}>
        Deleted account <span className="font-mono text-xs">{shortId(event.actorUserId)}</span>
      </span>
    );
  }
  // A key's events name it in their metadata (docs/decisions/033).
  const { actorType, apiKeyPrefix } = event.metadata as { actorType?: unknown; apiKeyPrefix?: unknown };
  if (actorType === 'api_key' && typeof apiKeyPrefix === 'string') {
    return (
      <span className="block truncate" title={`API key ${apiKeyPrefix}…`}>
        API key <span className="font-mono text-xs">{apiKeyPrefix}…</span>
      </span>
    );
  }
  if (event.actorRole === 'system') return <span className="text-muted-foreground">The system</span>;
  return <span className="text-muted-foreground">Not signed in</span>;
}

function Target({ orgId, event }: { orgId: string; event: AuditEventItem }) {
  if (!event.targetType) return <span className="text-muted-foreground">—</span>;
  const href = targetHref(orgId, event.targetType, event.targetId);
  const label = event.targetType === 'org' ? 'this org' : event.targetId ? shortId(event.targetId) : '';
  return (
    <span className="flex min-w-0 items-baseline gap-1.5">
      <span className="shrink-0 text-xs text-muted-foreground">{event.targetType}</span>
      {href ? (
        <Link
          href={href}
          title={event.targetId ?? undefined}
          className="truncate font-mono text-xs text-primary underline-offset-4 hover:underline focus-visible:rounded-sm focus-visible:outline-2 focus-visible:outline-ring"
        >
          {label || 'open'}
        </Link>
      ) : (
        <span className="truncate font-mono text-xs" title={event.targetId ?? undefined}>
          {label}
        </span>
      )}
    </span>
  );
}

function Details({ orgId, event, timeZone }: { orgId: string; event: AuditEventItem; timeZone: string }) {
  const facts: [string, string | null][] = [
    ['Event id', event.id],
    ['Time', formatExactTime(event.createdAt, timeZone)],
    ['UTC', event.createdAt],
    ['Actor id', event.actorUserId],
    ['Target id', event.targetId],
  ];
  return (
    <div className="grid gap-4 py-1 lg:grid-cols-[minmax(0,24rem)_minmax(0,1fr)]">
      <dl className="grid content-start gap-x-3 gap-y-1 text-xs sm:grid-cols-[auto_minmax(0,1fr)]">
        {facts
          .filter(([, value]) => value)
          .map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-muted-foreground">{label}</dt>
              <dd className={label === 'Time' ? 'break-words' : 'font-mono break-all'}>{value}</dd>
            </div>
          ))}
        {event.targetId && (
          <dd className="sm:col-start-2">
            <Link
              href={`/console/${orgId}/audit?targetId=${encodeURIComponent(event.targetId)}`}
              className="inline-flex items-center gap-1 text-primary underline-offset-4 hover:underline"
            >
              <FilterIcon aria-hidden className="size-3" /> Every event about this target
            </Link>
          </dd>
        )}
      </dl>
      <pre
        aria-label="Metadata"
        className="max-h-80 self-start overflow-auto rounded-md border border-border bg-muted/50 p-3 font-mono text-xs leading-relaxed"
      >
        {JSON.stringify(event.metadata, null, 2)}
      </pre>
    </div>
  );
}

/**
 * The events, virtualised (only the rows in view are in the DOM), each expandable to its metadata;
 * further pages are read through the API as the list scrolls near its end or "Load more" is pressed.
 */
export function AuditTable({
  orgId,
  timeZone,
  filters,
  initialPage,
  filtered,
  onClearFilters,
  pending,
}: {
  orgId: string;
  timeZone: string;
  filters: AuditApiFilters;
  initialPage: AuditPage;
  filtered: boolean;
  onClearFilters: () => void;
  pending: boolean;
}) {
  const fetchPage = useCallback(
    (cursor: string) =>
      data(
        api.GET('/api/orgs/{orgId}/events', {
          params: { path: { orgId }, query: { ...filters, cursor, limit: PAGE_SIZE } },
        }),
      ),
    [orgId, filters],
  );
  const pages = useCursorPages(initialPage, fetchPage);
  const { items, cursor, loading } = pages;
  const [expanded, setExpanded] = useState<ExpandedState>({});
  const scroller = useRef<HTMLDivElement>(null);
  const columns = useColumns(orgId, timeZone);

  // TanStack Table and Virtual hand back fresh functions each render; the compiler skips this component,
  // which is what they need (they are the libraries the issue names).
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: items,
    columns,
    state: { expanded },
    onExpandedChange: setExpanded,
    getRowId: (event) => event.id,
    getRowCanExpand: () => true,
    getCoreRowModel: getCoreRowModel(),
  });
  const rows = table.getRowModel().rows;

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_ESTIMATE,
    overscan: 12,
    getItemKey: (index) => rows[index]!.id,
  });
  const virtualRows = virtualizer.getVirtualItems();

  const lastIndex = virtualRows.at(-1)?.index ?? -1;
  useLoadMoreNearEnd(pages, lastIndex, rows.length, 8);

  if (items.length === 0) {
    return (
      <div className="rounded-lg border border-border bg-card">
        {filtered ? (
          <EmptyState
            icon={FilterIcon}
            title="No events match these filters"
            action={
              <Button variant="outline" onClick={onClearFilters}>
                Clear the filters
              </Button>
            }
          >
            Widen the date range or pick another type, actor or target.
          </EmptyState>
        ) : (
          <EmptyState icon={ScrollTextIcon} title="No events yet">
            Views, sign-ins, interventions and decisions on recommendations appear here as people use the
            console.
          </EmptyState>
        )}
      </div>
    );
  }

  const paddingTop = virtualRows[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (virtualRows.at(-1)?.end ?? 0);
  const visibleColumns = table.getVisibleLeafColumns();

  const toggleFromRow = (event: MouseEvent, row: Row<AuditEventItem>) => {
    // Links, buttons and selected text keep their own meaning; a click anywhere else opens the row.
    if ((event.target as HTMLElement).closest('a,button') || window.getSelection()?.toString()) return;
    row.toggleExpanded();
  };

  return (
    <div
      className={cn('grid gap-3 transition-opacity', pending && 'opacity-60')}
      aria-busy={pending || loading}
    >
      <div
        ref={scroller}
        className="relative max-h-[max(24rem,calc(100dvh-19rem))] overflow-auto rounded-lg border border-border bg-card"
      >
        <table className="w-full min-w-[1080px] table-fixed border-collapse text-sm">
          <colgroup>
            {visibleColumns.map((c) => (
              <col key={c.id} style={WIDTHS[c.id] ? { width: WIDTHS[c.id] } : undefined} />
            ))}
          </colgroup>
          <thead className="sticky top-0 z-10 bg-card shadow-[inset_0_-1px_0_var(--color-border)]">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <th
                    key={header.id}
                    scope="col"
                    className="h-9 px-3 text-left align-middle text-xs font-medium whitespace-nowrap text-muted-foreground"
                  >
                    {flexRender(header.column.columnDef.header, header.getContext())}
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          {paddingTop > 0 && (
            <tbody aria-hidden>
              <tr style={{ height: paddingTop }} />
            </tbody>
          )}
          {virtualRows.map((virtualRow) => {
            const row = rows[virtualRow.index]!;
            const open = row.getIsExpanded();
            return (
              // One tbody per event, measured whole, so an expanded row's height is known to the list.
              <tbody
                key={row.id}
                ref={virtualizer.measureElement}
                data-index={virtualRow.index}
                className="border-b border-border last:border-0"
              >
                <tr
                  onClick={(event) => toggleFromRow(event, row)}
                  data-state={open ? 'open' : undefined}
                  data-event-type={row.original.eventType}
                  className="cursor-pointer transition-colors hover:bg-muted/50 data-[state=open]:bg-muted/40"
                >
                  {row.getVisibleCells().map((cell) => (
                    <td
                      key={cell.id}
                      className="h-10 overflow-hidden px-3 py-1.5 align-middle first:pr-0 first:pl-2"
                    >
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ))}
                </tr>
                {open && (
                  <tr id={`audit-details-${row.id}`} className="bg-muted/40">
                    <td />
                    <td colSpan={visibleColumns.length - 1} className="px-3 pt-1 pb-3">
                      <Details orgId={orgId} event={row.original} timeZone={timeZone} />
                    </td>
                  </tr>
                )}
              </tbody>
            );
          })}
          {paddingBottom > 0 && (
            <tbody aria-hidden>
              <tr style={{ height: paddingBottom }} />
            </tbody>
          )}
        </table>
      </div>

      <LoadMoreFooter
        pages={pages}
        problemTitle="More events could not be loaded"
        loadingLabel="Loading more events"
      >
        {items.length.toLocaleString('en-US')} {items.length === 1 ? 'event' : 'events'}
        {cursor ? ' loaded, newest first' : ', newest first — the whole log for these filters'}
      </LoadMoreFooter>
    </div>
  );
}
