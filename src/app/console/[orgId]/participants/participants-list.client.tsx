'use client';

import { useQueryStates } from 'nuqs';
import { useTransition } from 'react';
import { TABULAR_FORMATS } from '../../../../components/exports/stream-download';
import { StreamExport } from '../../../../components/exports/stream-export.client';
import { PageHeader } from '../../../../components/ui/page-header';
import { api } from '../../../../lib/client/api';
import { ParticipantsFilters } from './participants-filters.client';
import {
  hasFilters,
  participantsSearchParams,
  type ParticipantsApiQuery,
  type ParticipantsUrlState,
} from './participants-params';
import { ParticipantsTable, type ParticipantPage } from './participants-table.client';

/**
 * The participants page's interactive part. Filters and the order live in the URL; changing one renders
 * the page again on the server (shallow: false), which reads and audits the first page through the view
 * service, while the old rows stay dimmed until it arrives. Later pages come from the API.
 */
export function ParticipantsList({
  orgId,
  timeZone,
  now,
  roles,
  query,
  initialPage,
  canIntervene,
}: {
  orgId: string;
  timeZone: string;
  now: number;
  roles: string[];
  /** The API query the server read `initialPage` with. */
  query: ParticipantsApiQuery;
  initialPage: ParticipantPage;
  canIntervene: boolean;
}) {
  const [pending, startTransition] = useTransition();
  const [values, setValues] = useQueryStates(participantsSearchParams, {
    shallow: false,
    startTransition,
  });

  const change = (patch: Partial<ParticipantsUrlState> | null, history: 'push' | 'replace' = 'push') =>
    void setValues(patch, { history });
  const clearFilters = () => change({ q: null, stage: null, role: null, segment: null });

  return (
    <>
      <PageHeader
        title="Participants"
        description="Everyone in this org’s network: search, filter, sort, and act on one or many."
        actions={<ParticipantsExport orgId={orgId} query={query} />}
      />
      <div className="grid gap-3">
        <ParticipantsFilters
          values={values}
          roles={roles}
          onChange={change}
          onClear={clearFilters}
          pending={pending}
        />
        <ParticipantsTable
          // New filters or a new order make a new list: rows, cursor and selection start over.
          key={JSON.stringify(query)}
          orgId={orgId}
          timeZone={timeZone}
          now={now}
          query={query}
          initialPage={initialPage}
          filtered={hasFilters(values)}
          onClearFilters={clearFilters}
          onSort={(sort) => change({ sort })}
          pending={pending}
          canIntervene={canIntervene}
        />
      </div>
    </>
  );
}

/** The export of the list as it is filtered and ordered now, streamed with progress and Cancel. */
function ParticipantsExport({ orgId, query }: { orgId: string; query: ParticipantsApiQuery }) {
  return (
    <StreamExport
      label="Export these participants, in this order"
      formats={TABULAR_FORMATS}
      filename={`participants-${orgId}`}
      noun={{ one: 'participant', other: 'participants' }}
      open={(format, signal) =>
        api.GET('/api/orgs/{orgId}/participants/export', {
          params: { path: { orgId }, query: { format, ...query } },
          parseAs: 'stream',
          signal,
        })
      }
    />
  );
}
