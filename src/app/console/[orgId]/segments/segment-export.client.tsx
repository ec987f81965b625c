'use client';

import type { ReactNode } from 'react';
import { TABULAR_FORMATS } from '../../../../components/exports/stream-download';
import {
  ExportMenu,
  ExportStatus,
  useStreamExport,
} from '../../../../components/exports/stream-export.client';
import { api } from '../../../../lib/client/api';
import type { SegmentKey } from '../../../../lib/domain';

/**
 * A segment card's footer: `children` (the link to the members) beside the Export menu, which downloads
 * the segment's members as they are now, with the export's progress and outcome on a row of its own.
 */
export function SegmentExport({
  orgId,
  segment,
  label,
  children,
}: {
  orgId: string;
  segment: SegmentKey;
  label: string;
  children: ReactNode;
}) {
  const exporter = useStreamExport({
    formats: TABULAR_FORMATS,
    filename: `segment-${segment}-${orgId}`,
    noun: { one: 'participant', other: 'participants' },
    open: (format, signal) =>
      api.GET('/api/orgs/{orgId}/segments/{segment}/export', {
        params: { path: { orgId, segment }, query: { format } },
        parseAs: 'stream',
        signal,
      }),
  });
  return (
    <div className="mt-auto grid gap-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        {children}
        <ExportMenu
          exporter={exporter}
          compact
          label={`Export everyone in ${label} now`}
          srLabel={`the ${label} segment`}
        />
      </div>
      <ExportStatus exporter={exporter} compact />
    </div>
  );
}
