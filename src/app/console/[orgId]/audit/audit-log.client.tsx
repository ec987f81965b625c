'use client';

import { useQueryStates } from 'nuqs';
import { useTransition } from 'react';
import { Alert } from '../../../../components/ui/alert';
import { PageHeader } from '../../../../components/ui/page-header';
import { AuditChain, type ChainStatus } from './audit-chain.client';
import { AuditExport } from './audit-export.client';
import { AuditFilters, type ActorOption } from './audit-filters.client';
import { auditSearchParams, hasFilters, type AuditApiFilters, type AuditUrlFilters } from './audit-params';
import { AuditTable, type AuditPage } from './audit-table.client';

/**
 * The audit log page's interactive part. Filters live in the URL; changing one re-renders the page on
 * the server (shallow: false), which reads and audits the first page through the view service, while the
 * old rows stay dimmed until it arrives. Later pages come from the API.
 */
export function AuditLog({
  orgId,
  timeZone,
  eventTypes,
  actors,
  filters,
  rangeError,
  initialPage,
  chain,
}: {
  orgId: string;
  timeZone: string;
  eventTypes: readonly string[];
  actors: ActorOption[];
  /** The API filters the server read `initialPage` with (null when the URL's range is impossible). */
  filters: AuditApiFilters | null;
  rangeError?: string;
  initialPage: AuditPage;
  chain: ChainStatus;
}) {
  const [pending, startTransition] = useTransition();
  const [values, setValues] = useQueryStates(auditSearchParams, {
    shallow: false,
    history: 'push',
    startTransition,
  });

  const change = (patch: Partial<AuditUrlFilters> | null) => void setValues(patch);

  return (
    <>
      <PageHeader
        title="Audit log"
        description={
          <>Every view, export, sign-in and change in this org, newest first. Times are in {timeZone}.</>
        }
        actions={filters && <AuditExport orgId={orgId} filters={filters} />}
      />
      <div className="grid gap-4">
        <AuditChain orgId={orgId} timeZone={timeZone} status={chain} />
        <AuditFilters
          values={values}
          onChange={change}
          eventTypes={eventTypes}
          actors={actors}
          rangeError={rangeError}
          pending={pending}
        />
        {filters ? (
          <AuditTable
            // A new filter is a new list: the rows, cursor and open rows start over.
            key={JSON.stringify(filters)}
            orgId={orgId}
            timeZone={timeZone}
            filters={filters}
            initialPage={initialPage}
            filtered={hasFilters(values)}
            onClearFilters={() => change(null)}
            pending={pending}
          />
        ) : (
          <Alert variant="warning" title="Pick a date range that runs forward">
            {rangeError} Change the start or the end day to see events.
          </Alert>
        )}
      </div>
    </>
  );
}
