'use client';

import { useQueryStates } from 'nuqs';
import { useTransition } from 'react';
import { InterventionsFilters, type OperatorOption } from './interventions-filters.client';
import { hasFilters, interventionFilterParsers, type InterventionListFilters } from './interventions-params';
import { InterventionsTable, type InterventionPage } from './interventions-table.client';

/**
 * The log's interactive part. Filters live in the URL; changing one re-renders the page on the server
 * (shallow: false), which reads the first page through the view service while the old rows stay dimmed.
 * Later pages come from the API with the same filters.
 */
export function InterventionsLog({
  orgId,
  timeZone,
  filters,
  initialPage,
  operators,
}: {
  orgId: string;
  timeZone: string;
  filters: InterventionListFilters;
  initialPage: InterventionPage;
  operators: OperatorOption[];
}) {
  const [pending, startTransition] = useTransition();
  const [values, setValues] = useQueryStates(interventionFilterParsers, {
    shallow: false,
    history: 'push',
    startTransition,
  });
  const people = Object.fromEntries(operators.map((o) => [o.userId, o.name || o.email]));
  return (
    <div className="grid gap-4">
      <InterventionsFilters
        values={values}
        onChange={(patch) => void setValues(patch)}
        operators={operators}
        pending={pending}
      />
      <InterventionsTable
        // New filters are a new list: rows and cursor start over.
        key={JSON.stringify(filters)}
        orgId={orgId}
        timeZone={timeZone}
        filters={filters}
        initialPage={initialPage}
        people={people}
        filtered={hasFilters(values)}
        onClearFilters={() => void setValues(null)}
        pending={pending}
      />
    </div>
  );
}
