'use client';

import { RadioTowerIcon, SendIcon, Trash2Icon } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Alert } from '../../../../components/ui/alert';
import { Badge } from '../../../../components/ui/badge';
import { Button } from '../../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../../components/ui/card';
import { InlineEmpty } from '../../../../components/ui/inline-empty';
import { Field, Input } from '../../../../components/ui/input';
import { SecretOnceDialog } from '../../../../components/ui/secret-once-dialog.client';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '../../../../components/ui/table';
import { api, ApiProblem } from '../../../../lib/client/api';
import type { components } from '../../../../lib/client/api-types';
import { useApiAction } from '../../../../lib/client/use-api-action';
import { relativeTime } from '../../../../lib/ui/relative-time';

type AuditStream = components['schemas']['AuditStream'];
type AuditDelivery = components['schemas']['AuditDelivery'];

function streamState(s: AuditStream): { label: string; variant: 'success' | 'warning' | 'destructive' } {
  if (s.failures > 0) return { label: `Failing (${s.failures} in a row)`, variant: 'destructive' };
  if (s.headSeq > s.deliveredThroughSeq)
    return { label: `${s.headSeq - s.deliveredThroughSeq} to send`, variant: 'warning' };
  return { label: 'Up to date', variant: 'success' };
}

/** Where the audit log is streamed: add an endpoint (its secret once), test it, read its delivery log. */
export function AuditStreams(props: { orgId: string; streams: AuditStream[]; now: number }) {
  const { busy, problem, run } = useApiAction();
  const [secret, setSecret] = useState<string | null>(null);
  const path = { orgId: props.orgId };

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const url = String(new FormData(form).get('url'));
    const answer = await run(
      () => api.POST('/api/orgs/{orgId}/audit-streams', { params: { path }, body: { url } }),
      'The endpoint was added; it receives the events from now on.',
    );
    if (answer?.data) {
      setSecret(answer.data.secret);
      form.reset();
    }
  }

  return (
    <Card className="mt-6">
      <CardHeader>
        <div className="grid gap-1">
          <CardTitle>Streaming</CardTitle>
          <CardDescription>
            Send every audit event to your security tools as signed JSON batches, in order, at least once.
            Failed deliveries are retried with growing pauses; nothing is skipped.
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {problem && (
          <Alert variant="error" title="That did not work">
            {problem.summary}
          </Alert>
        )}
        {props.streams.length === 0 ? (
          <InlineEmpty icon={RadioTowerIcon} title="No endpoint yet">
            Add an HTTPS endpoint below; the README shows how it checks the signature.
          </InlineEmpty>
        ) : (
          <ul className="grid gap-3">
            {props.streams.map((stream) => (
              <StreamRow
                key={stream.id}
                orgId={props.orgId}
                stream={stream}
                now={props.now}
                run={run}
                busy={busy}
              />
            ))}
          </ul>
        )}
        <form className="flex flex-wrap items-end gap-3" onSubmit={add} aria-label="Add a streaming endpoint">
          <Field
            id="stream-url"
            label="Endpoint URL"
            className="min-w-64 flex-1"
            error={problem?.fieldError('url')}
          >
            <Input
              id="stream-url"
              name="url"
              type="url"
              required
              placeholder="https://siem.example.com/hooks/operator-console"
              autoComplete="off"
            />
          </Field>
          <Button type="submit" disabled={busy}>
            <RadioTowerIcon aria-hidden /> Add endpoint
          </Button>
        </form>
      </CardContent>
      <SecretOnceDialog
        secret={secret}
        title="Copy the signing secret now"
        description="Your endpoint checks each delivery's X-Audit-Signature with it (HMAC-SHA256). It is shown this once."
        label="The signing secret"
        onClose={() => setSecret(null)}
      />
    </Card>
  );
}

function StreamRow(props: {
  orgId: string;
  stream: AuditStream;
  now: number;
  busy: boolean;
  run: ReturnType<typeof useApiAction>['run'];
}) {
  const { stream } = props;
  const path = { orgId: props.orgId, streamId: stream.id };
  const state = streamState(stream);
  const [log, setLog] = useState<AuditDelivery[] | 'loading' | ApiProblem | null>(null);

  async function showLog() {
    if (log !== null && log !== 'loading') return setLog(null);
    setLog('loading');
    try {
      const { data } = await api.GET('/api/orgs/{orgId}/audit-streams/{streamId}/deliveries', {
        params: { path },
      });
      setLog(data?.items ?? []);
    } catch (error) {
      setLog(error instanceof ApiProblem ? error : new ApiProblem(0, 'Error', String(error)));
    }
  }

  return (
    <li className="grid gap-2 rounded-md border border-border p-3">
      <div className="flex flex-wrap items-center gap-2">
        <span className="min-w-0 flex-1 truncate font-mono text-xs" title={stream.url}>
          {stream.url}
        </span>
        <Badge variant={state.variant}>{state.label}</Badge>
      </div>
      <p className="text-xs text-muted-foreground">
        Delivered through event {stream.deliveredThroughSeq.toLocaleString('en-US')} of{' '}
        {stream.headSeq.toLocaleString('en-US')} · last success{' '}
        {relativeTime(stream.lastSuccessAt, props.now).toLowerCase()}
        {stream.failures > 0 && <> · next attempt {relativeTime(stream.nextAttemptAt, props.now)}</>}
      </p>
      {stream.lastError && <p className="text-xs text-destructive">Last error: {stream.lastError}</p>}
      <div className="flex flex-wrap gap-2">
        <Button
          variant="outline"
          size="sm"
          disabled={props.busy}
          onClick={() =>
            props.run(
              () => api.POST('/api/orgs/{orgId}/audit-streams/{streamId}/test', { params: { path } }),
              'A test event was written; the next delivery carries it.',
            )
          }
        >
          <SendIcon aria-hidden /> Send a test event
        </Button>
        <Button variant="outline" size="sm" onClick={showLog} aria-expanded={Array.isArray(log)}>
          {Array.isArray(log) ? 'Hide delivery log' : 'Delivery log'}
        </Button>
        <Button
          variant="ghost"
          size="sm"
          disabled={props.busy}
          aria-label={`Stop streaming to ${stream.url}`}
          onClick={() =>
            props.run(
              () => api.DELETE('/api/orgs/{orgId}/audit-streams/{streamId}', { params: { path } }),
              'Streaming to that endpoint stopped.',
            )
          }
        >
          <Trash2Icon aria-hidden /> Remove
        </Button>
      </div>
      {log === 'loading' && <p className="text-xs text-muted-foreground">Loading the delivery log…</p>}
      {log instanceof ApiProblem && <Alert variant="error">{log.summary}</Alert>}
      {Array.isArray(log) && <DeliveryLog deliveries={log} now={props.now} />}
    </li>
  );
}

function DeliveryLog({ deliveries, now }: { deliveries: AuditDelivery[]; now: number }) {
  if (deliveries.length === 0) return <p className="text-xs text-muted-foreground">Nothing sent yet.</p>;
  return (
    <div className="overflow-x-auto rounded-md border border-border">
      <Table aria-label="Delivery log">
        <TableHeader>
          <TableRow>
            <TableHead>When</TableHead>
            <TableHead>Events</TableHead>
            <TableHead>Status</TableHead>
            <TableHead>Attempt</TableHead>
            <TableHead className="hidden sm:table-cell">Error</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {deliveries.map((d) => (
            <TableRow key={d.id}>
              <TableCell className="whitespace-nowrap" title={d.createdAt}>
                {relativeTime(d.createdAt, now)}
              </TableCell>
              <TableCell className="whitespace-nowrap tabular-nums">
                {d.fromSeq}–{d.toSeq} ({d.events})
              </TableCell>
              <TableCell>
                <Badge variant={d.status === 'delivered' ? 'success' : 'destructive'}>
                  {d.status === 'delivered' ? 'Delivered' : 'Failed'}
                  {d.httpStatus !== null && ` · ${d.httpStatus}`}
                </Badge>
              </TableCell>
              <TableCell className="tabular-nums">{d.attempt}</TableCell>
              <TableCell
                className="hidden max-w-80 truncate text-muted-foreground sm:table-cell"
                title={d.error ?? ''}
              >
                {d.error ?? '—'}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
