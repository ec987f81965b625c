'use client';

import { StreamExport } from '../../../../components/exports/stream-export.client';
import { CSV_FORMAT, NDJSON_FORMAT } from '../../../../components/exports/stream-download';
import { api } from '../../../../lib/client/api';
import type { AuditApiFilters } from './audit-params';

const FORMATS = {
  csv: CSV_FORMAT,
  ndjson: { ...NDJSON_FORMAT, hint: 'one JSON event a line, for scripts' },
  // Oldest first by seq, for verifying the chain offline (scripts/verify-audit-export.mjs).
  chain: { ...NDJSON_FORMAT, label: 'NDJSON in chain order', hint: 'to verify offline' },
};

/** Export of the events matching the current filter, streamed with progress and Cancel. */
export function AuditExport({ orgId, filters }: { orgId: string; filters: AuditApiFilters }) {
  return (
    <StreamExport
      label="Export the events matching the filters"
      formats={FORMATS}
      filename={`audit-${orgId}`}
      noun={{ one: 'event', other: 'events' }}
      open={(format, signal) =>
        api.GET('/api/orgs/{orgId}/events/export', {
          params: {
            path: { orgId },
            query: {
              format: format === 'chain' ? 'ndjson' : format,
              order: format === 'chain' ? 'chain' : 'newest',
              ...filters,
            },
          },
          parseAs: 'stream',
          signal,
        })
      }
    />
  );
}
