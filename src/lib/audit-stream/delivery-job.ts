import { withOrg } from '../database/with-org';
import { fetchWithDeadline } from '../http/fetch-with-deadline';
import type { JobHandler } from '../jobs/runner';
import {
  dueStreams,
  eventsAfter,
  recordDelivered,
  recordFailed,
  type DeliveryAttempt,
} from '../repositories/audit-streams';
import { DELIVERY_HEADER, signDelivery, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signing';
import { privateHostProblem } from './url';

// The audit_delivery job (docs/decisions/035): for each of the org's streams that is due, the events
// after its cursor in seq order, in signed batches, each acknowledged (2xx) before the next is sent. A
// failure stops that stream until its backoff has passed: nothing is skipped, nothing sent out of order.

export interface DeliveryOptions {
  batchSize: number;
  timeoutMs: number;
  /** The longest wait between attempts. */
  maxBackoffSeconds: number;
  /** NODE_ENV=production: no delivery to a host that resolves to a private address. */
  production: boolean;
}

const DELIVERY_DEFAULTS: DeliveryOptions = {
  batchSize: 100,
  timeoutMs: 10_000,
  maxBackoffSeconds: 600,
  production: process.env.NODE_ENV === 'production',
};

/** 2 s, 4 s, 8 s … after each failure in a row, up to the maximum, with up to a tenth more at random. */
export function backoffSeconds(failures: number, max: number): number {
  const base = Math.min(2 ** Math.min(failures, 30), max);
  return Math.min(max, Math.round(base * (1 + Math.random() / 10)));
}

export function createDeliveryJob(options: DeliveryOptions = DELIVERY_DEFAULTS): JobHandler {
  return async (ctx) => {
    const { db, scope } = ctx;
    let delivered = 0;
    let failedBatches = 0;
    const streams = await withOrg(db, scope, (tx) => dueStreams(tx, scope));
    for (const stream of streams) {
      let cursor = stream.deliveredThroughSeq;
      let failures = stream.failures;
      for (;;) {
        ctx.checkpoint();
        const batch = await withOrg(db, scope, (tx) => eventsAfter(tx, scope, cursor, options.batchSize));
        if (batch.length === 0) break;
        const deliveryId = crypto.randomUUID();
        const body = JSON.stringify({ deliveryId, orgId: scope.orgId, streamId: stream.id, events: batch });
        const timestamp = Math.floor(Date.now() / 1000);
        const started = performance.now();
        let httpStatus: number | null = null;
        let error: string | null = null;
        try {
          const refused = options.production ? await privateHostProblem(stream.url) : null;
          if (refused) throw new Error(`refused: ${refused}`);
          const request: RequestInit = {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              [TIMESTAMP_HEADER]: String(timestamp),
              [SIGNATURE_HEADER]: signDelivery(stream.secret, timestamp, body),
              [DELIVERY_HEADER]: deliveryId,
            },
            body,
            // A receiver that redirects is refused: the signed batch goes only where the admin said.
            redirect: 'error',
          };
          const response = await fetchWithDeadline(stream.url, request, options.timeoutMs, ctx.signal);
          httpStatus = response.status;
          await response.body?.cancel();
          if (!response.ok) error = `The receiver answered ${response.status}.`;
        } catch (caught) {
          ctx.checkpoint();
          error = describeFetchError(caught, options.timeoutMs);
        }
        const attempt: DeliveryAttempt = {
          streamId: stream.id,
          fromSeq: batch[0]!.seq,
          toSeq: batch[batch.length - 1]!.seq,
          events: batch.length,
          httpStatus,
          error,
          attempt: failures + 1,
          durationMs: Math.round(performance.now() - started),
        };
        if (error === null) {
          await withOrg(db, scope, (tx) => recordDelivered(tx, scope, attempt));
          cursor = attempt.toSeq;
          failures = 0;
          delivered += batch.length;
        } else {
          failures += 1;
          const retry = backoffSeconds(failures, options.maxBackoffSeconds);
          await withOrg(db, scope, (tx) => recordFailed(tx, scope, attempt, retry));
          failedBatches += 1;
          break;
        }
      }
    }
    await withOrg(db, scope, (tx) => ctx.complete(tx, { delivered, failedBatches, streams: streams.length }));
  };
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return `The receiver did not answer within ${timeoutMs / 1000} s.`;
  }
  if (error instanceof Error && error.message.startsWith('refused: '))
    return `Not sent: ${error.message.slice(9)}.`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `The receiver could not be reached: ${detail}.`;
}
