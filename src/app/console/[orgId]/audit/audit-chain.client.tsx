'use client';

import { ShieldAlertIcon, ShieldCheckIcon, ShieldIcon } from 'lucide-react';
import { useState } from 'react';
import { Badge } from '../../../../components/ui/badge';
import { Button } from '../../../../components/ui/button';
import { Spinner } from '../../../../components/ui/skeleton';
import { api, ApiProblem, data } from '../../../../lib/client/api';
import { cn } from '../../../../lib/ui/cn';
import type { components } from '../../../../lib/client/api-types';
import { formatEventTime, formatExactTime } from './audit-format';

type ChainReport = components['schemas']['AuditChainReport'];

/** What the page knows without walking the chain (the view service's AuditChainStatus). */
export interface ChainStatus {
  head: { seq: number } | null;
  lastAnchor: { seq: number; anchoredAt: string; keyId: string; signatureValid: boolean } | null;
  brokenAt: { seq: number | null; problem: string; detail: string; foundAt: string } | null;
  keyId: string | null;
}

type Check =
  | { phase: 'idle' }
  | { phase: 'running' }
  | { phase: 'done'; report: ChainReport }
  | { phase: 'failed'; problem: ApiProblem };

const PROBLEMS: Record<string, string> = {
  content_hash_mismatch: 'an event was edited',
  personal_digest_mismatch: 'the personal part of an event was edited',
  hash_mismatch: 'a link hash was altered',
  missing_seq: 'events are missing',
  forged: 'an event was not written by the console',
  reordered: 'events were reordered',
  anchor_mismatch: 'the chain was rewritten before a signed anchor',
  truncated: 'the newest events were removed',
  unchained: 'an event was slipped in outside the chain',
};

const count = (n: number, one: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : `${one}s`}`;

/**
 * The audit chain's status: the latest signed anchor (made every hour by the schedule, after checking
 * the events since the one before) and, on request, a walk of the whole chain through the API.
 */
export function AuditChain({
  orgId,
  timeZone,
  status,
}: {
  orgId: string;
  timeZone: string;
  status: ChainStatus;
}) {
  const [check, setCheck] = useState<Check>({ phase: 'idle' });
  const time = (iso: string) => (
    <time dateTime={iso} title={formatExactTime(iso, timeZone)}>
      {formatEventTime(iso, timeZone)}
    </time>
  );

  async function verify() {
    setCheck({ phase: 'running' });
    try {
      const report = await data(api.GET('/api/orgs/{orgId}/events/verify', { params: { path: { orgId } } }));
      setCheck({ phase: 'done', report });
    } catch (error) {
      setCheck({
        phase: 'failed',
        problem:
          error instanceof ApiProblem ? error : new ApiProblem(0, 'Verification failed', String(error)),
      });
    }
  }

  const report = check.phase === 'done' ? check.report : null;
  const broken = report ? report.firstBroken : status.brokenAt;
  const anchor = status.lastAnchor;
  const Icon = broken ? ShieldAlertIcon : report || anchor?.signatureValid ? ShieldCheckIcon : ShieldIcon;

  return (
    <section
      aria-labelledby="audit-chain-title"
      className="flex flex-wrap items-start gap-3 rounded-lg border border-border bg-card px-4 py-3 text-sm sm:flex-nowrap sm:items-center"
    >
      <Icon
        aria-hidden
        className={cn(
          'mt-0.5 size-5 shrink-0 sm:mt-0',
          broken ? 'text-destructive' : 'text-muted-foreground',
        )}
      />
      <div className="grid min-w-0 flex-1 basis-48 gap-1 sm:basis-auto" aria-live="polite">
        <h2 id="audit-chain-title" className="flex flex-wrap items-center gap-2 font-medium">
          Tamper-evident chain
          {broken ? (
            <Badge variant="destructive">Broken at seq {broken.seq ?? '–'}</Badge>
          ) : report ? (
            <Badge variant="success">Verified through seq {report.verifiedThrough?.seq ?? 0}</Badge>
          ) : anchor?.signatureValid ? (
            <Badge variant="success">Anchored at seq {anchor.seq}</Badge>
          ) : anchor ? (
            <Badge variant="warning">Anchor signature does not verify</Badge>
          ) : (
            <Badge variant="secondary">Not anchored yet</Badge>
          )}
        </h2>
        <p className="text-muted-foreground">
          {broken ? (
            <>
              {PROBLEMS[broken.problem] ?? broken.problem}: {broken.detail}.
              {report
                ? ` ${count(report.eventsChecked, 'event')} verify before it.`
                : status.brokenAt && <> Found by the anchoring run of {time(status.brokenAt.foundAt)}.</>}
            </>
          ) : report ? (
            <>
              All {count(report.eventsChecked, 'event')} verify
              {report.verifiedThrough && <>, the newest written {time(report.verifiedThrough.createdAt)}</>}.
            </>
          ) : anchor?.signatureValid ? (
            <>
              Signed {time(anchor.anchoredAt)} by key{' '}
              <code className="font-mono text-xs">{anchor.keyId}</code>
              {status.head && status.head.seq > anchor.seq
                ? `; ${count(status.head.seq - anchor.seq, 'newer event')} not anchored yet.`
                : '.'}
            </>
          ) : (
            <>
              {status.head ? count(status.head.seq, 'event') : 'No events'} in the chain.{' '}
              {status.keyId
                ? 'The hourly anchoring run signs its head.'
                : 'No signing key is configured (AUDIT_SIGNING_KEY).'}
            </>
          )}
          {report && (
            <>
              {' '}
              {report.lastAnchor ? (
                <>
                  Last anchor that verifies: seq {report.lastAnchor.seq}, signed{' '}
                  {time(report.lastAnchor.anchoredAt)}.
                </>
              ) : (
                'No signed anchor verifies.'
              )}
            </>
          )}
        </p>
        {check.phase === 'failed' && (
          <p className="text-destructive">{check.problem.detail ?? check.problem.title}</p>
        )}
      </div>
      <Button
        variant="outline"
        size="sm"
        className="ml-8 sm:ml-0"
        onClick={() => void verify()}
        disabled={check.phase === 'running'}
      >
        {check.phase === 'running' ? <Spinner label="Verifying" /> : <ShieldCheckIcon aria-hidden />}
        {check.phase === 'running' ? 'Verifying…' : 'Verify the whole chain'}
      </Button>
    </section>
  );
}
