'use client';

import { FileCheck2Icon, UploadIcon } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useRef, useState } from 'react';
import { toast } from 'sonner';
import { Alert } from '../../../../components/ui/alert';
import { Button } from '../../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../../components/ui/card';
import { Field, Input, NativeSelect } from '../../../../components/ui/input';
import { Progress } from '../../../../components/ui/progress';
import { Spinner } from '../../../../components/ui/skeleton';
import { api, ApiProblem, data } from '../../../../lib/client/api';
import type { components } from '../../../../lib/client/api-types';
import { uploadFile } from '../../../../lib/client/upload';
import { IMPORT_COLUMN_HELP, type ImportKindName } from './import-columns';
import { ImportReportView } from './import-report';

export type ImportReport = components['schemas']['ImportReport'];
type Job = components['schemas']['Job'];

/** Files larger than this are imported by a background job, whose progress the panel follows. */
const BACKGROUND_BYTES = 8 * 1024 * 1024;
const POLL_MS = 1000;

type Step =
  | { kind: 'idle' }
  /** `phase`: what the background job is doing, once the file is sent. */
  | { kind: 'sending'; dryRun: boolean; percent: number | null; phase?: string }
  | { kind: 'reported'; report: ImportReport }
  | { kind: 'failed'; problem: ApiProblem; report?: ImportReport };

/** Choose a file, check it (a dry run), then import it; each step's upload shows its progress. */
export function ImportPanel({ orgId }: { orgId: string }) {
  const router = useRouter();
  const id = useId();
  const [kind, setKind] = useState<ImportKindName>('participants');
  const [file, setFile] = useState<File | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const fileInput = useRef<HTMLInputElement>(null);
  const sending = step.kind === 'sending';
  const checked = step.kind === 'reported' && step.report.dryRun ? step.report : null;
  const canApply = checked !== null && checked.counts.rejected === 0 && checked.file.rows > 0;

  async function send(dryRun: boolean) {
    if (!file || sending) return;
    setStep({ kind: 'sending', dryRun, percent: 0 });
    const background = file.size > BACKGROUND_BYTES;
    try {
      const answer = await uploadFile<ImportReport | Job>(
        `/api/orgs/${orgId}/imports?kind=${kind}&dryRun=${dryRun}&background=${background}`,
        file,
        'text/csv',
        ({ sent, total }) =>
          // Once the last byte is sent the server still judges the rows: no percentage for that part.
          setStep({ kind: 'sending', dryRun, percent: sent >= total ? null : (100 * sent) / total }),
      );
      const report =
        'status' in answer
          ? await followImportJob(orgId, answer, (job) =>
              setStep({ kind: 'sending', dryRun, percent: 100 * job.progress, phase: job.phase ?? 'Queued' }),
            )
          : answer;
      if (!dryRun && !report.applied) {
        const detail = `${report.counts.rejected} of ${report.file.rows} rows cannot be imported; nothing was imported.`;
        setStep({ kind: 'failed', problem: new ApiProblem(422, 'Unprocessable content', detail), report });
        return;
      }
      setStep({ kind: 'reported', report });
      if (!dryRun) {
        toast.success(
          `Imported ${file.name}: ${report.counts.created} created, ${report.counts.updated} updated.`,
        );
        router.refresh();
      }
    } catch (error) {
      const problem = error instanceof ApiProblem ? error : new ApiProblem(0, 'Error', String(error));
      const report = problem.extensions.report as ImportReport | undefined;
      setStep({ kind: 'failed', problem, report });
    }
  }

  function choose(next: File | null) {
    setFile(next);
    setStep({ kind: 'idle' });
  }

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)] lg:items-start">
      <Card>
        <CardHeader>
          <div className="grid gap-1">
            <CardTitle>File</CardTitle>
            <CardDescription>UTF-8 CSV with a header row.</CardDescription>
          </div>
        </CardHeader>
        <CardContent>
          <form
            className="grid gap-4"
            onSubmit={(event) => {
              event.preventDefault();
              void send(true);
            }}
          >
            <Field id={`${id}-kind`} label="What the file holds">
              <NativeSelect
                id={`${id}-kind`}
                value={kind}
                disabled={sending}
                onChange={(event) => {
                  setKind(event.target.value as ImportKindName);
                  setStep({ kind: 'idle' });
                }}
              >
                <option value="participants">Participants</option>
                <option value="relationships">Relationships</option>
              </NativeSelect>
            </Field>
            <Field id={`${id}-file`} label="CSV file" hint={IMPORT_COLUMN_HELP[kind]}>
              <Input
                ref={fileInput}
                id={`${id}-file`}
                type="file"
                accept=".csv,text/csv"
                disabled={sending}
                aria-describedby={`${id}-file-hint`}
                onChange={(event) => choose(event.target.files?.[0] ?? null)}
                className="h-auto py-1.5 file:mr-3 file:rounded file:border-0 file:bg-secondary file:px-2 file:py-1 file:text-sm file:text-secondary-foreground"
              />
            </Field>
            <div className="flex flex-wrap gap-2">
              <Button type="submit" variant={canApply ? 'outline' : 'default'} disabled={!file || sending}>
                <FileCheck2Icon aria-hidden />
                Check file
              </Button>
              <Button
                type="button"
                disabled={!canApply || sending}
                onClick={() => void send(false)}
                title={
                  canApply ? undefined : 'Check the file first; a file with rejected rows cannot be imported'
                }
              >
                <UploadIcon aria-hidden />
                {checked && canApply
                  ? `Import ${checked.file.rows.toLocaleString()} ${checked.file.rows === 1 ? 'row' : 'rows'}`
                  : 'Import'}
              </Button>
            </div>
            {sending && (
              <div className="grid gap-1.5" aria-live="polite">
                <Progress
                  value={step.percent}
                  label={step.dryRun ? 'Checking the file' : 'Importing the file'}
                  valueText={
                    step.phase ??
                    (step.percent === null ? 'Judging the rows' : `${Math.round(step.percent)}% sent`)
                  }
                />
                <p className="flex items-center gap-2 text-xs text-muted-foreground">
                  <Spinner label="" />
                  {step.phase
                    ? `In the background: ${step.phase}`
                    : step.percent === null
                      ? step.dryRun
                        ? 'Judging every row…'
                        : 'Writing the rows…'
                      : `Sending ${file?.name}: ${Math.round(step.percent)}%`}
                </p>
              </div>
            )}
          </form>
        </CardContent>
      </Card>
      <section aria-label="Report" className="grid min-w-0 gap-3">
        {step.kind === 'idle' && !sending && (
          <Alert title="Nothing checked yet">
            Choose a file and check it. You will see what each row would do — created, updated, unchanged or
            rejected, and why — before anything is written.
          </Alert>
        )}
        {step.kind === 'failed' && (
          <Alert variant="error" title={step.report ? 'Nothing was imported' : 'The file was refused'}>
            {step.problem.detail ?? step.problem.title}
          </Alert>
        )}
        {step.kind === 'reported' && step.report.applied && (
          <Alert title="Imported">
            Every row of the file is in the org. Importing the same file again would change nothing.
          </Alert>
        )}
        {checked && checked.counts.rejected > 0 && (
          <Alert variant="warning" title="Fix the rejected rows, then check again">
            A file is imported whole or not at all: nothing can be imported while any row is rejected.
          </Alert>
        )}
        {(step.kind === 'reported' || (step.kind === 'failed' && step.report)) && (
          <ImportReportView report={step.kind === 'reported' ? step.report : step.report!} />
        )}
      </section>
    </div>
  );
}

/**
 * Reads the import's job about once a second until it ends; its result holds the report. A job that
 * failed (a file refused as a whole, a time limit) is an ApiProblem with the job's error.
 */
async function followImportJob(orgId: string, queued: Job, onJob: (job: Job) => void): Promise<ImportReport> {
  let job = queued;
  while (job.status === 'queued' || job.status === 'running') {
    onJob(job);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = await data(
      api.GET('/api/orgs/{orgId}/jobs/{jobId}', { params: { path: { orgId, jobId: job.id } } }),
    );
  }
  const report = (job.result as { report?: ImportReport } | null)?.report;
  if (job.status !== 'succeeded' || !report) {
    throw new ApiProblem(0, 'The import did not finish', job.error ?? `The import job ended ${job.status}.`);
  }
  return report;
}
