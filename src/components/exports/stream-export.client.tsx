'use client';

import { ChevronDownIcon, DownloadIcon, FileJsonIcon, FileSpreadsheetIcon, XIcon } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import { ApiProblem } from '../../lib/client/api';
import { cn } from '../../lib/ui/cn';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuTrigger,
} from '../ui/dropdown-menu';
import { Spinner } from '../ui/skeleton';
import { Tooltip } from '../ui/tooltip';
import {
  countOf,
  filenameFrom,
  formatBytes,
  readWithProgress,
  rowsIn,
  type ExportFileFormat,
  type RowNoun,
  type StreamProgress,
} from './stream-download';

// A streamed export: a menu of formats, then the rows and bytes as they arrive with a Cancel button,
// then the file handed to the browser (and "Save again"), or the problem with a retry. The body is read
// as a stream so the person sees it arrive and can cancel it; the finished file becomes a Blob behind a
// download link. Each caller opens its export through the org API client (`parseAs: 'stream'`).

/** What `api.GET(…, { parseAs: 'stream' })` answers. */
export interface StreamAnswer {
  data?: ReadableStream<Uint8Array> | null;
  response: Response;
}

export interface StreamExportOptions<F extends string> {
  /** The formats offered, in menu order. */
  formats: Record<F, ExportFileFormat>;
  /** Opens the export in `format` through the org API client; `signal` cancels it. */
  open: (format: F, signal: AbortSignal) => Promise<StreamAnswer>;
  /** The file's name, without extension, when the answer does not offer one. */
  filename: string;
  /** What the rows are ("participant", "participants"). */
  noun: RowNoun;
}

type ExportState<F extends string> =
  | { phase: 'idle' }
  | { phase: 'running'; format: F; progress: StreamProgress }
  | { phase: 'done'; format: F; url: string; filename: string; rows: number; bytes: number }
  | { phase: 'failed'; format: F; problem: ApiProblem };

export interface StreamExporter<F extends string> {
  options: StreamExportOptions<F>;
  state: ExportState<F>;
  start: (format: F) => Promise<void>;
  cancel: () => void;
  dismiss: () => void;
}

/** Hands a finished file to the browser's downloads, as a click on its link would. */
function saveFile(url: string, filename: string) {
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}

/** The state and actions of one export; render them with ExportMenu and ExportStatus (or StreamExport). */
export function useStreamExport<F extends string>(options: StreamExportOptions<F>): StreamExporter<F> {
  const [state, setState] = useState<ExportState<F>>({ phase: 'idle' });
  const controller = useRef<AbortController | null>(null);
  const objectUrl = state.phase === 'done' ? state.url : null;
  const filename = state.phase === 'done' ? state.filename : null;

  // Saved once when it is ready; the Blob's URL lives as long as its "Save again" link, so a new export,
  // dismissing it or leaving the page frees it.
  useEffect(() => {
    if (!objectUrl || !filename) return;
    saveFile(objectUrl, filename);
    return () => URL.revokeObjectURL(objectUrl);
  }, [objectUrl, filename]);
  useEffect(() => () => controller.current?.abort(), []);

  async function start(format: F) {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    const file = options.formats[format];
    setState({ phase: 'running', format, progress: { bytes: 0, lines: 0 } });
    try {
      const { data: body, response } = await options.open(format, abort.signal);
      if (!body) throw new ApiProblem(response.status, 'Empty answer', 'The export came back empty.');
      const result = await readWithProgress(body, file.type, (progress) => {
        if (!abort.signal.aborted) setState({ phase: 'running', format, progress });
      });
      const filename = filenameFrom(
        response.headers.get('content-disposition'),
        `${options.filename}.${file.extension}`,
      );
      const rows = rowsIn(file, result.lines);
      setState({
        phase: 'done',
        format,
        url: URL.createObjectURL(result.blob),
        filename,
        rows,
        bytes: result.bytes,
      });
      toast.success(`Exported ${countOf(rows, options.noun)}.`);
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

  return { options, state, start, cancel, dismiss: () => setState({ phase: 'idle' }) };
}

/** The Export button and its menu of formats (disabled while an export runs). */
export function ExportMenu<F extends string>({
  exporter,
  label,
  srLabel,
  compact = false,
}: {
  exporter: StreamExporter<F>;
  /** The menu's heading: what is exported ("Export the events matching the filters"). */
  label: string;
  /** Said after "Export" to screen readers where the page has more than one ("the At risk segment"). */
  srLabel?: string;
  /** A small icon button with a tooltip, for a card's footer. */
  compact?: boolean;
}) {
  const { formats } = exporter.options;
  const running = exporter.state.phase === 'running';
  const trigger = compact ? (
    <Tooltip content="Export as CSV or NDJSON">
      <DropdownMenuTrigger asChild>
        <Button
          variant="ghost"
          size="icon-sm"
          disabled={running}
          aria-label={srLabel ? `Export ${srLabel}` : 'Export'}
        >
          <DownloadIcon aria-hidden />
        </Button>
      </DropdownMenuTrigger>
    </Tooltip>
  ) : (
    <DropdownMenuTrigger asChild>
      <Button variant="outline" disabled={running}>
        <DownloadIcon aria-hidden /> Export
        {srLabel && <span className="sr-only"> {srLabel}</span>}
        <ChevronDownIcon aria-hidden className="-mr-1 opacity-60" />
      </Button>
    </DropdownMenuTrigger>
  );
  return (
    <DropdownMenu>
      {trigger}
      <DropdownMenuContent align="end" className="w-64">
        <DropdownMenuLabel>{label}</DropdownMenuLabel>
        {(Object.keys(formats) as F[]).map((format) => {
          const Icon = formats[format].extension === 'csv' ? FileSpreadsheetIcon : FileJsonIcon;
          return (
            <DropdownMenuItem key={format} onSelect={() => void exporter.start(format)}>
              <Icon aria-hidden className="shrink-0" />
              <span>
                {formats[format].label}{' '}
                <span className="text-xs text-muted-foreground">{formats[format].hint}</span>
              </span>
            </DropdownMenuItem>
          );
        })}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

const pill = 'flex min-h-8 items-center rounded-md border border-border bg-card text-xs';
// The status's words: one line where there is room, wrapping between phrases (and within one only when
// it must) in a segment's card.
const lines = 'flex min-w-0 flex-1 flex-wrap gap-x-2 py-1 tabular-nums';

/** The export's progress with Cancel, the finished file with "Save again", or the problem with a retry. */
export function ExportStatus<F extends string>({
  exporter,
  compact = false,
  className,
}: {
  exporter: StreamExporter<F>;
  /** For a card's width: Cancel as an icon, the retry under the problem. */
  compact?: boolean;
  className?: string;
}) {
  const { state, options } = exporter;
  switch (state.phase) {
    case 'idle':
      return null;
    case 'running':
      return (
        <div
          role="status"
          aria-live="polite"
          className={cn(pill, 'gap-2 pl-2.5', compact || 'pr-2.5', className)}
        >
          <Spinner label="Exporting" />
          <span className={lines}>
            <span>Exporting {options.formats[state.format].label}:</span>{' '}
            <span>
              {countOf(rowsIn(options.formats[state.format], state.progress.lines), options.noun)} ·{' '}
              {formatBytes(state.progress.bytes)}
            </span>
          </span>
          {compact ? (
            <Button variant="ghost" size="icon-sm" aria-label="Cancel the export" onClick={exporter.cancel}>
              <XIcon aria-hidden />
            </Button>
          ) : (
            <Button variant="ghost" size="sm" className="-mr-1.5" onClick={exporter.cancel}>
              Cancel
            </Button>
          )}
        </div>
      );
    case 'done':
      return (
        <div role="status" className={cn(pill, 'gap-1 pl-2.5', className)}>
          <span className={lines}>
            <span className="text-muted-foreground">
              {countOf(state.rows, options.noun)} · {formatBytes(state.bytes)}
            </span>{' '}
            <a
              href={state.url}
              download={state.filename}
              title={state.filename}
              className="-mx-1 rounded-sm px-1 font-medium whitespace-nowrap text-primary underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-ring"
            >
              Save {options.formats[state.format].label} again
            </a>
          </span>
          <Button variant="ghost" size="icon-sm" aria-label="Dismiss the export" onClick={exporter.dismiss}>
            <XIcon aria-hidden />
          </Button>
        </div>
      );
    case 'failed': {
      const retry = (
        <Button
          variant="outline"
          size="sm"
          className={cn(compact && 'mt-1.5')}
          onClick={() => void exporter.start(state.format)}
        >
          Try again
        </Button>
      );
      return (
        <Alert
          variant="error"
          title="The export did not finish"
          className={cn('w-full', className)}
          action={compact ? undefined : retry}
        >
          {state.problem.summary}
          {compact && <div>{retry}</div>}
        </Alert>
      );
    }
  }
}

/** The menu and the status side by side, right-aligned, for a page's header. */
export function StreamExport<F extends string>({
  label,
  srLabel,
  className,
  ...options
}: StreamExportOptions<F> & { label: string; srLabel?: string; className?: string }) {
  const exporter = useStreamExport(options);
  return (
    <div className={cn('flex flex-wrap items-center justify-end gap-2', className)}>
      <ExportMenu exporter={exporter} label={label} srLabel={srLabel} />
      <ExportStatus exporter={exporter} />
    </div>
  );
}
