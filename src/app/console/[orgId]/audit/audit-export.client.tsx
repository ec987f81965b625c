'use client';

import { ChevronDownIcon, DownloadIcon, FileJsonIcon, FileSpreadsheetIcon, XIcon } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import { Alert } from '../../../../components/ui/alert';
import { Button } from '../../../../components/ui/button';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuTrigger,
} from '../../../../components/ui/dropdown-menu';
import { Spinner } from '../../../../components/ui/skeleton';
import { api, ApiProblem } from '../../../../lib/client/api';
import type { AuditApiFilters } from './audit-params';
import { filenameFrom, formatBytes, readWithProgress, type StreamProgress } from './stream-download';

type Format = 'csv' | 'ndjson' | 'chain';

const FORMATS: Record<Format, { label: string; hint: string; type: string }> = {
  csv: { label: 'CSV', hint: 'for spreadsheets', type: 'text/csv' },
  ndjson: { label: 'NDJSON', hint: 'one JSON event a line, for scripts', type: 'application/x-ndjson' },
  // Oldest first by seq, for verifying the chain offline (scripts/verify-audit-export.mjs).
  chain: { label: 'NDJSON in chain order', hint: 'to verify offline', type: 'application/x-ndjson' },
};

type ExportState =
  | { phase: 'idle' }
  | { phase: 'running'; format: Format; progress: StreamProgress }
  | { phase: 'done'; format: Format; url: string; filename: string; rows: number; bytes: number }
  | { phase: 'failed'; format: Format; problem: ApiProblem };

/** Rows in a finished export: every line, less a CSV's header. */
const rowsOf = (format: Format, lines: number) => Math.max(0, format === 'csv' ? lines - 1 : lines);

/**
 * Export of the current filter. The body is read as a stream so the person sees it arrive and can
 * cancel it; the finished file is handed to the browser as a Blob through a download link.
 */
export function AuditExport({ orgId, filters }: { orgId: string; filters: AuditApiFilters }) {
  const [state, setState] = useState<ExportState>({ phase: 'idle' });
  const controller = useRef<AbortController | null>(null);
  const link = useRef<HTMLAnchorElement>(null);
  const objectUrl = state.phase === 'done' ? state.url : null;

  // The Blob's URL lives as long as its link; a new export or leaving the page frees it.
  useEffect(() => {
    if (!objectUrl) return;
    link.current?.click();
    return () => URL.revokeObjectURL(objectUrl);
  }, [objectUrl]);
  useEffect(() => () => controller.current?.abort(), []);

  async function start(format: Format) {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    setState({ phase: 'running', format, progress: { bytes: 0, lines: 0 } });
    try {
      const { data: body, response } = await api.GET('/api/orgs/{orgId}/events/export', {
        params: {
          path: { orgId },
          query: {
            format: format === 'chain' ? 'ndjson' : format,
            order: format === 'chain' ? 'chain' : 'newest',
            ...filters,
          },
        },
        parseAs: 'stream',
        signal: abort.signal,
      });
      if (!body) throw new ApiProblem(response.status, 'Empty answer', 'The export came back empty.');
      const result = await readWithProgress(body, FORMATS[format].type, (progress) => {
        if (!abort.signal.aborted) setState({ phase: 'running', format, progress });
      });
      const filename = filenameFrom(
        response.headers.get('content-disposition'),
        `audit-${orgId}.${format === 'csv' ? 'csv' : 'ndjson'}`,
      );
      const rows = rowsOf(format, result.lines);
      setState({
        phase: 'done',
        format,
        url: URL.createObjectURL(result.blob),
        filename,
        rows,
        bytes: result.bytes,
      });
      toast.success(`Exported ${rows.toLocaleString('en-US')} ${rows === 1 ? 'event' : 'events'}.`);
    } catch (error) {
      // A cancel surfaces as a network error from the client; the person asked for it, so it is no error.
      if (abort.signal.aborted) return;
      setState({
        phase: 'failed',
        format,
        problem: error instanceof ApiProblem ? error : new ApiProblem(0, 'Export failed', String(error)),
      });
    } finally {
      if (controller.current === abort) controller.current = null;
    }
  }

  function cancel() {
    controller.current?.abort();
    controller.current = null;
    setState({ phase: 'idle' });
    toast('Export cancelled.');
  }

  const running = state.phase === 'running';

  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="outline" disabled={running}>
            <DownloadIcon aria-hidden /> Export <ChevronDownIcon aria-hidden className="-mr-1 opacity-60" />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end" className="w-64">
          <DropdownMenuLabel>Export the events matching the filters</DropdownMenuLabel>
          {(Object.keys(FORMATS) as Format[]).map((format) => {
            const Icon = format === 'csv' ? FileSpreadsheetIcon : FileJsonIcon;
            return (
              <DropdownMenuItem key={format} onSelect={() => void start(format)}>
                <Icon aria-hidden />
                <span>
                  {FORMATS[format].label}{' '}
                  <span className="text-xs text-muted-foreground">{FORMATS[format].hint}</span>
                </span>
              </DropdownMenuItem>
            );
          })}
        </DropdownMenuContent>
      </DropdownMenu>

      {state.phase === 'running' && (
        <div
          role="status"
          aria-live="polite"
          className="flex h-8 items-center gap-2 rounded-md border border-border bg-card px-2.5 text-xs"
        >
          <Spinner label="Exporting" />
          <span className="tabular-nums">
            Exporting {FORMATS[state.format].label}:{' '}
            {rowsOf(state.format, state.progress.lines).toLocaleString('en-US')} events ·{' '}
            {formatBytes(state.progress.bytes)}
          </span>
          <Button variant="ghost" size="sm" className="-mr-1.5" onClick={cancel}>
            Cancel
          </Button>
        </div>
      )}

      {state.phase === 'done' && (
        <div
          role="status"
          className="flex h-8 items-center gap-1 rounded-md border border-border bg-card pl-2.5 text-xs"
        >
          <span className="text-muted-foreground tabular-nums">
            {state.rows.toLocaleString('en-US')} {state.rows === 1 ? 'event' : 'events'} ·{' '}
            {formatBytes(state.bytes)}
          </span>
          <a
            ref={link}
            href={state.url}
            download={state.filename}
            title={state.filename}
            className="rounded-sm px-1 font-medium text-primary underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-ring"
          >
            Save {FORMATS[state.format].label} again
          </a>
          <Button
            variant="ghost"
            size="icon-sm"
            aria-label="Dismiss the export"
            onClick={() => setState({ phase: 'idle' })}
          >
            <XIcon aria-hidden />
          </Button>
        </div>
      )}

      {state.phase === 'failed' && (
        <Alert
          variant="error"
          title="The export did not finish"
          className="w-full"
          action={
            <Button variant="outline" size="sm" onClick={() => void start(state.format)}>
              Try again
            </Button>
          }
        >
          {state.problem.summary}
        </Alert>
      )}
    </div>
  );
}
