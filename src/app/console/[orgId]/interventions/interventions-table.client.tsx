'use client';

import { HandIcon, Loader2Icon, RotateCwIcon } from 'lucide-react';
import Link from 'next/link';
import { useState } from 'react';
import { INTERVENTION_TYPE_TEXT } from '../../../../components/interventions/intervention-form';
import { Alert } from '../../../../components/ui/alert';
import { Badge } from '../../../../components/ui/badge';
import { Button } from '../../../../components/ui/button';
import { Card } from '../../../../components/ui/card';
import { EmptyState } from '../../../../components/ui/empty-state';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '../../../../components/ui/table';
import { api, ApiProblem, data } from '../../../../lib/client/api';
import type { components } from '../../../../lib/client/api-types';
import { cn } from '../../../../lib/ui/cn';
import { formatWhen, targetSummary } from './interventions-format';
import type { InterventionListFilters } from './interventions-params';

export type InterventionPage = components['schemas']['InterventionPage'];
type Intervention = InterventionPage['items'][number];

const PAGE_SIZE = 50;

/** The log: newest first, one row per intervention, "Load more" for the next keyset page. */
export function InterventionsTable({
  orgId,
  timeZone,
  filters,
  initialPage,
  people,
  filtered,
  onClearFilters,
  pending,
}: {
  orgId: string;
  timeZone: string;
  filters: InterventionListFilters;
  initialPage: InterventionPage;
  /** Names by user id. */
  people: Record<string, string>;
  filtered: boolean;
  onClearFilters: () => void;
  pending: boolean;
}) {
  // The first page stays the server's (router.refresh() after an apply or a reversal renews it); the
  // pages loaded after it are kept here and follow it, without the rows it already shows.
  const [more, setMore] = useState<{ items: Intervention[]; cursor: string | null } | null>(null);
  const firstIds = new Set(initialPage.items.map((i) => i.id));
  const items = [...initialPage.items, ...(more?.items ?? []).filter((i) => !firstIds.has(i.id))];
  const cursor = more ? more.cursor : initialPage.nextCursor;
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    setProblem(null);
    try {
      const page = await data(
        api.GET('/api/orgs/{orgId}/interventions', {
          params: { path: { orgId }, query: { ...filters, cursor, limit: PAGE_SIZE } },
        }),
      );
      setMore((current) => ({ items: [...(current?.items ?? []), ...page.items], cursor: page.nextCursor }));
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'Error', String(error)));
    } finally {
      setLoading(false);
    }
  }

  if (items.length === 0) {
    return (
      <Card className={cn(pending && 'opacity-60')}>
        {filtered ? (
          <EmptyState
            icon={HandIcon}
            title="No intervention matches these filters"
            action={
              <Button variant="outline" onClick={onClearFilters}>
                Clear filters
              </Button>
            }
          >
            Widen the dates or choose another type or operator.
          </EmptyState>
        ) : (
          <EmptyState icon={HandIcon} title="No interventions yet">
            Pause outreach, flag, add a note or move a stage from a participant&apos;s page, a selection in
            Participants, or a whole segment with “New intervention”.
          </EmptyState>
        )}
      </Card>
    );
  }

  const person = (userId: string | null) => (userId ? (people[userId] ?? 'A former member') : 'System');
  return (
    <div className="grid gap-3">
      {/* Narrow screens: one card per intervention, every column readable without scrolling sideways. */}
      <ul className={cn('grid gap-2 transition-opacity md:hidden', pending && 'opacity-60')}>
        {items.map((item) => (
          <li key={item.id}>
            <CompactRow
              orgId={orgId}
              item={item}
              timeZone={timeZone}
              operator={person(item.operatorUserId)}
            />
          </li>
        ))}
      </ul>
      <Card className={cn('hidden overflow-x-auto transition-opacity md:block', pending && 'opacity-60')}>
        <Table>
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead>Intervention</TableHead>
              <TableHead>Targets</TableHead>
              <TableHead className="min-w-48">Reason</TableHead>
              <TableHead>Operator</TableHead>
              <TableHead>When</TableHead>
              <TableHead>Status</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((item) => (
              <Row
                key={item.id}
                orgId={orgId}
                item={item}
                timeZone={timeZone}
                operator={person(item.operatorUserId)}
              />
            ))}
          </TableBody>
        </Table>
      </Card>
      {problem && (
        <Alert
          variant="error"
          title="The next interventions could not be loaded"
          action={
            <Button variant="outline" size="sm" onClick={loadMore}>
              <RotateCwIcon aria-hidden /> Retry
            </Button>
          }
        >
          {problem.summary}
        </Alert>
      )}
      <div className="flex items-center justify-between gap-3 text-sm text-muted-foreground">
        <span aria-live="polite">
          {cursor
            ? `${items.length.toLocaleString('en')} shown, newest first`
            : `${items.length === 1 ? 'The only intervention' : `All ${items.length.toLocaleString('en')} interventions`} shown`}
        </span>
        {cursor && (
          <Button variant="outline" onClick={loadMore} disabled={loading}>
            {loading && <Loader2Icon aria-hidden className="animate-spin" />}
            Load more
          </Button>
        )}
      </div>
    </div>
  );
}

function Status({ item }: { item: Intervention }) {
  return item.reversedAt ? (
    <Badge variant="secondary" title={item.reversalReason ?? undefined}>
      Reversed
    </Badge>
  ) : (
    <Badge variant="success">In effect</Badge>
  );
}

/** One intervention of the log, as a card on narrow screens and as a table row on wide ones. */
interface InterventionRowProps {
  orgId: string;
  item: Intervention;
  timeZone: string;
  /** The operator's name, or what to call them when the account is gone. */
  operator: string;
}

function CompactRow({ orgId, item, timeZone, operator }: InterventionRowProps) {
  return (
    <Link
      href={`/console/${orgId}/interventions/${item.id}`}
      className="grid gap-1 rounded-lg border border-border bg-card p-3 text-sm transition-colors hover:bg-muted/50 focus-visible:outline-2 focus-visible:outline-ring"
    >
      <span className="flex items-center justify-between gap-2">
        <span className="font-medium">{INTERVENTION_TYPE_TEXT[item.type].label}</span>
        <Status item={item} />
      </span>
      <span className="text-muted-foreground">
        {targetSummary(item.scope, item.targetIds.length, item.newState.segment)}
      </span>
      <span className="line-clamp-2">{item.reason}</span>
      <span className="text-xs text-muted-foreground">
        {operator} · <time dateTime={item.createdAt}>{formatWhen(item.createdAt, timeZone)}</time>
      </span>
    </Link>
  );
}

function Row({ orgId, item, timeZone, operator }: InterventionRowProps) {
  const href = `/console/${orgId}/interventions/${item.id}`;
  return (
    <TableRow>
      <TableCell className="font-medium whitespace-nowrap">
        <Link
          href={href}
          className="rounded-sm hover:underline focus-visible:outline-2 focus-visible:outline-ring"
        >
          {INTERVENTION_TYPE_TEXT[item.type].label}
        </Link>
      </TableCell>
      <TableCell className="whitespace-nowrap">
        <Link
          href={href}
          className="rounded-sm text-muted-foreground hover:text-foreground hover:underline focus-visible:outline-2 focus-visible:outline-ring"
          aria-label={`${targetSummary(item.scope, item.targetIds.length, item.newState.segment)}: open the intervention`}
        >
          {targetSummary(item.scope, item.targetIds.length, item.newState.segment)}
        </Link>
      </TableCell>
      <TableCell className="max-w-80">
        <span className="line-clamp-2" title={item.reason}>
          {item.reason}
        </span>
      </TableCell>
      <TableCell className="whitespace-nowrap text-muted-foreground">{operator}</TableCell>
      <TableCell className="whitespace-nowrap text-muted-foreground">
        <time dateTime={item.createdAt}>{formatWhen(item.createdAt, timeZone)}</time>
      </TableCell>
      <TableCell>
        <Status item={item} />
      </TableCell>
    </TableRow>
  );
}
