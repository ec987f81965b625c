'use client';

import { TABULAR_FORMATS } from '../../../../components/exports/stream-download';
import { useStreamExport } from '../../../../components/exports/stream-export.client';
import { api } from '../../../../lib/client/api';

/** The export of every relationship in the org (both ends by id and email), whatever the graph draws. */
export function useRelationshipsExport(orgId: string) {
  return useStreamExport({
    formats: TABULAR_FORMATS,
    filename: `relationships-${orgId}`,
    noun: { one: 'relationship', other: 'relationships' },
    open: (format, signal) =>
      api.GET('/api/orgs/{orgId}/relationships/export', {
        params: { path: { orgId }, query: { format } },
        parseAs: 'stream',
        signal,
      }),
  });
}
