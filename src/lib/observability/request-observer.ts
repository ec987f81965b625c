import { logger } from './logger';
import { metrics } from './metrics';

/** Milliseconds as logged: to a hundredth. */
export const loggedMs = (ms: number): number => Math.round(ms * 100) / 100;

export interface FinishedRequest {
  method: string;
  /** A pattern (`/api/orgs/:orgId/participants`) or `page`, never a path: one series per route. */
  route: string;
  /** Without its query string, which can hold a search term. */
  path: string;
  status: number;
  ms: number;
}

/** One answered request: its time in the latency histogram and, when `logLine`, a `request` line. */
export function observeRequestDone(request: FinishedRequest, logLine: boolean): void {
  const { method, route, path, status, ms } = request;
  metrics().httpDuration.observe({ method, route, status: String(status) }, ms / 1000);
  if (logLine) logger().info({ method, route, path, status, ms: loggedMs(ms) }, 'request');
}
