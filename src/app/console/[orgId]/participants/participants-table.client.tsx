'use client';

import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
  type RowSelectionState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDownIcon, ArrowUpDownIcon, ArrowUpIcon, FilterIcon, UsersIcon, XIcon } from 'lucide-react';
import Link from 'next/link';
import { useCallback, useMemo, useRef, useState } from 'react';
import { InterventionDialog } from '../../../../components/interventions/intervention-dialog.client';
import { Button } from '../../../../components/ui/button';
import { Checkbox } from '../../../../components/ui/checkbox';
import { EmptyState } from '../../../../components/ui/empty-state';
import { LoadMoreFooter } from '../../../../components/ui/load-more-footer.client';
import { StageBadge } from '../../../../components/ui/stage-badge';
import { Tooltip } from '../../../../components/ui/tooltip';
import { useCursorPages, useLoadMoreNearEnd } from '../../../../components/ui/use-cursor-pages.client';
import { api, data } from '../../../../lib/client/api';
import type { components } from '../../../../lib/client/api-types';
import type { ParticipantSort } from '../../../../lib/domain';
import { cn } from '../../../../lib/ui/cn';
import { relativeTime } from '../../../../lib/ui/relative-time';
import { calendarDay, exactTime, roleLabel } from './participants-format';
import {
  ariaSort,
  nextSort,
  sortState,
  type ParticipantsApiQuery,
  type SortField,
} from './participants-params';

export type ParticipantItem = components['schemas']['Participant'];

export interface ParticipantPage {
  items: ParticipantItem[];
  nextCursor: string | null;
}

const PAGE_SIZE = 100;
const ROW_HEIGHT = 49;

const column = createColumnHelper<ParticipantItem>();

/** The header of a column the list can be ordered by: a button that says which way it sorts. */
function SortHeader({
  label,
  field,
  sort,
  onSort,
  align = 'left',
}: {
  label: string;
  field: SortField;
  sort: ParticipantSort;
  onSort: (sort: ParticipantSort) => void;
  align?: 'left' | 'right';
}) {
  const state = sortState(sort);
  const active = state.field === field;
  const Icon = !active ? ArrowUpDownIcon : state.descending ? ArrowDownIcon : ArrowUpIcon;
  return (
    <button
      type="button"
      onClick={() => onSort(nextSort(sort, field))}
      className={cn(
        '-mx-1.5 inline-flex items-center gap-1 rounded-sm px-1.5 py-1 hover:text-foreground focus-visible:outline-2 focus-visible:outline-ring',
        active && 'text-foreground',
        align === 'right' && 'flex-row-reverse',
      )}
    >
      {label}
      <Icon aria-hidden className={cn('size-3.5', !active && 'opacity-40')} />
      <span className="sr-only">
        {active ? `, sorted ${state.descending ? 'descending' : 'ascending'}` : ', not sorted'}. Sort
      </span>
    </button>
  );
}

function useColumns(opts: {
  orgId: string;
  timeZone: string;
  now: number;
  sort: ParticipantSort;
  onSort: (sort: ParticipantSort) => void;
  selectable: boolean;
}) {
  const { orgId, timeZone, now, sort, onSort, selectable } = opts;
  return useMemo(
    () => [
      ...(selectable
        ? [
            column.display({
              id: 'select',
              size: 40,
              header: ({ table }) => (
                <Checkbox
                  aria-label="Select every participant loaded"
                  checked={
                    table.getIsAllRowsSelected()
                      ? true
                      : table.getIsSomeRowsSelected()
                        ? 'indeterminate'
                        : false
                  }
                  onCheckedChange={(value) => table.toggleAllRowsSelected(value === true)}
                />
              ),
              cell: ({ row }) => (
                <Checkbox
                  aria-label={`Select ${row.original.displayName}`}
                  checked={row.getIsSelected()}
                  onCheckedChange={(value) => row.toggleSelected(value === true)}
                />
              ),
            }),
          ]
        : []),
      column.accessor('displayName', {
        header: () => <SortHeader label="Name" field="name" sort={sort} onSort={onSort} />,
        // No size: the name takes the width the other columns leave.
        meta: { sortField: 'name', fill: true },
        cell: ({ row }) => (
          <div className="grid min-w-0 leading-tight">
            <Link
              href={`/console/${orgId}/participants/${row.original.id}`}
              className="truncate font-medium underline-offset-4 hover:underline focus-visible:rounded-sm focus-visible:outline-2 focus-visible:outline-ring"
            >
              {row.original.displayName}
            </Link>
            <span className="truncate text-xs text-muted-foreground">{row.original.email ?? 'No email'}</span>
          </div>
        ),
      }),
      column.accessor('lifecycleStage', {
        header: 'Stage',
        size: 110,
        cell: ({ getValue }) => <StageBadge stage={getValue()} />,
      }),
      column.accessor('role', {
        header: 'Role',
        size: 170,
        cell: ({ getValue }) => (
          <span className="block truncate text-muted-foreground">{roleLabel(getValue())}</span>
        ),
      }),
      column.accessor('degree', {
        header: () => (
          <SortHeader label="Relationships" field="degree" sort={sort} onSort={onSort} align="right" />
        ),
        meta: { sortField: 'degree', align: 'right' },
        size: 140,
        cell: ({ getValue }) => <span className="block text-right tabular-nums">{getValue()}</span>,
      }),
      column.accessor('lastActivityAt', {
        header: () => <SortHeader label="Last activity" field="lastActivity" sort={sort} onSort={onSort} />,
        meta: { sortField: 'lastActivity' },
        size: 150,
        cell: ({ getValue }) => {
          const at = getValue();
          if (!at) return <span className="text-muted-foreground">Never</span>;
          return (
            <Tooltip content={exactTime(at, timeZone)}>
              <time
                dateTime={at}
                tabIndex={0}
                className="whitespace-nowrap focus-visible:outline-2 focus-visible:outline-ring"
              >
                {relativeTime(at, now)}
              </time>
            </Tooltip>
          );
        },
      }),
      column.accessor('createdAt', {
        header: () => <SortHeader label="Joined" field="created" sort={sort} onSort={onSort} />,
        meta: { sortField: 'created' },
        size: 130,
        cell: ({ getValue }) => (
          <Tooltip content={exactTime(getValue(), timeZone)}>
            <time
              dateTime={getValue()}
              tabIndex={0}
              className="whitespace-nowrap text-muted-foreground tabular-nums focus-visible:outline-2 focus-visible:outline-ring"
            >
              {calendarDay(getValue(), timeZone)}
            </time>
          </Tooltip>
        ),
      }),
    ],
    [orgId, timeZone, now, sort, onSort, selectable],
  );
}

/**
 * The participants, virtualised (only the rows in view are in the DOM); further pages are read through
 * the API as the list scrolls near its end. Rows can be selected for one intervention on all of them.
 */
export function ParticipantsTable({
  orgId,
  timeZone,
  now,
  query,
  initialPage,
  filtered,
  onClearFilters,
  onSort,
  pending,
  canIntervene,
}: {
  orgId: string;
  timeZone: string;
  now: number;
  query: ParticipantsApiQuery;
  initialPage: ParticipantPage;
  filtered: boolean;
  onClearFilters: () => void;
  onSort: (sort: ParticipantSort) => void;
  pending: boolean;
  canIntervene: boolean;
}) {
  const fetchPage = useCallback(
    (cursor: string) =>
      data(
        api.GET('/api/orgs/{orgId}/participants', {
          params: { path: { orgId }, query: { ...query, cursor, limit: PAGE_SIZE } },
        }),
      ),
    [orgId, query],
  );
  const pages = useCursorPages(initialPage, fetchPage);
  const { items, cursor, loading } = pages;
  const [selection, setSelection] = useState<RowSelectionState>({});
  const scroller = useRef<HTMLDivElement>(null);
  const columns = useColumns({ orgId, timeZone, now, sort: query.sort, onSort, selectable: canIntervene });

  // TanStack Table and Virtual hand back fresh functions each render; the compiler skips this component,
  // which is what they need (they are the libraries the issue names).
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: items,
    columns,
    state: { rowSelection: selection },
    onRowSelectionChange: setSelection,
    enableRowSelection: canIntervene,
    getRowId: (participant) => participant.id,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
  });
  const rows = table.getRowModel().rows;

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // The server has no scroll box to measure: render the first screenful there, not an empty table.
    initialRect: { width: 1200, height: 800 },
    getItemKey: (index) => rows[index]!.id,
  });
  const virtualRows = virtualizer.getVirtualItems();

  const lastIndex = virtualRows.at(-1)?.index ?? -1;
  useLoadMoreNearEnd(pages, lastIndex, rows.length, 10);

  if (items.length === 0) {
    return (
      <div className={cn('rounded-lg border border-border bg-card', pending && 'opacity-60')}>
        {filtered ? (
          <EmptyState
            icon={FilterIcon}
            title="No participants match these filters"
            action={
              <Button variant="outline" onClick={onClearFilters}>
                Clear filters
              </Button>
            }
          >
            Try another name or email, or widen the stage, role or segment.
          </EmptyState>
        ) : (
          <EmptyState icon={UsersIcon} title="No participants yet">
            Participants appear here once they are imported into this org (see “Seeding” and the import in the
            README).
          </EmptyState>
        )}
      </div>
    );
  }

  const selected = Object.keys(selection).filter((id) => selection[id]);
  const selectedLabel =
    selected.length === 1
      ? (items.find((p) => p.id === selected[0])?.displayName ?? '1 participant')
      : `${selected.length} selected participants`;
  const paddingTop = virtualRows[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (virtualRows.at(-1)?.end ?? 0);
  const visibleColumns = table.getVisibleLeafColumns();

  return (
    <div
      className={cn('grid gap-3 transition-opacity', pending && 'opacity-60')}
      aria-busy={pending || loading}
    >
      {selected.length > 0 && (
        <div
          role="region"
          aria-label="Selection"
          className="flex flex-wrap items-center gap-2 rounded-lg border border-primary/30 bg-primary/5 px-3 py-2"
        >
          <p className="text-sm font-medium tabular-nums">{selected.length} selected</p>
          <InterventionDialog
            orgId={orgId}
            target={{ scope: 'participant', ids: selected, label: selectedLabel }}
            onApplied={() => setSelection({})}
            trigger={<Button size="sm">Intervene on {selected.length} selected</Button>}
          />
          <Button variant="ghost" size="sm" onClick={() => setSelection({})}>
            <XIcon aria-hidden /> Clear selection
          </Button>
        </div>
      )}
      <div
        ref={scroller}
        className="relative max-h-[max(24rem,calc(100dvh-17rem))] overflow-auto rounded-lg border border-border bg-card"
      >
        <table className="w-full min-w-[880px] table-fixed border-collapse text-sm">
          <caption className="sr-only">Participants{filtered ? ' matching the filters' : ''}</caption>
          <colgroup>
            {visibleColumns.map((c) => (
              <col
                key={c.id}
                style={
                  (c.columnDef.meta as { fill?: boolean } | undefined)?.fill
                    ? undefined
                    : { width: c.getSize() }
                }
              />
            ))}
          </colgroup>
          <thead className="sticky top-0 z-10 bg-card shadow-[inset_0_-1px_0_var(--color-border)]">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const meta = header.column.columnDef.meta as
                    { sortField?: SortField; align?: string } | undefined;
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      aria-sort={meta?.sortField ? ariaSort(query.sort, meta.sortField) : undefined}
                      className={cn(
                        'h-9 px-3 text-left align-middle text-xs font-medium whitespace-nowrap text-muted-foreground',
                        meta?.align === 'right' && 'text-right',
                      )}
                    >
                      {flexRender(header.column.columnDef.header, header.getContext())}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {paddingTop > 0 && (
              <tr aria-hidden>
                <td colSpan={visibleColumns.length} style={{ height: paddingTop, padding: 0 }} />
              </tr>
            )}
            {virtualRows.map((virtualRow) => {
              const row = rows[virtualRow.index]!;
              return (
                <tr
                  key={row.id}
                  data-index={virtualRow.index}
                  data-state={row.getIsSelected() ? 'selected' : undefined}
                  className="border-b border-border transition-colors hover:bg-muted/50 data-[state=selected]:bg-primary/5"
                  style={{ height: ROW_HEIGHT }}
                >
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id} className="overflow-hidden px-3 py-1.5 align-middle">
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ))}
                </tr>
              );
            })}
            {paddingBottom > 0 && (
              <tr aria-hidden>
                <td colSpan={visibleColumns.length} style={{ height: paddingBottom, padding: 0 }} />
              </tr>
            )}
          </tbody>
        </table>
      </div>

      <LoadMoreFooter
        pages={pages}
        problemTitle="More participants could not be loaded"
        loadingLabel="Loading more participants"
      >
        {items.length.toLocaleString('en-US')} {items.length === 1 ? 'participant' : 'participants'}
        {cursor ? ' loaded — scroll for more' : filtered ? ' match' : ' in this org'}
      </LoadMoreFooter>
    </div>
  );
}
