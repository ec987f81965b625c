import { logger } from './logger';
import { metrics } from './metrics';
import { loggedMs } from './request-observer';

const KEY = Symbol.for('operator-console.slow-query-ms');
type Holder = { [KEY]?: number };

/** SLOW_QUERY_MS: statements at least this long are logged at warn with the function that issued them. */
export function setSlowQueryThreshold(ms: number): void {
  (globalThis as Holder)[KEY] = ms;
}

function slowQueryThreshold(): number {
  return (globalThis as Holder)[KEY] ?? 500;
}

/**
 * One statement done: its time in the histogram, a debug line, and a warn line when it was slow. Only
 * the issuing function's name is recorded, never the statement's values (they may be personal).
 */
export function observeQuery(query: string, ms: number, failed: boolean): void {
  const registry = metrics();
  registry.queryDuration.observe({ query, outcome: failed ? 'error' : 'ok' }, ms / 1000);
  const threshold = slowQueryThreshold();
  const rounded = loggedMs(ms);
  if (ms >= threshold) {
    registry.slowQueries.inc({ query });
    logger().warn({ query, ms: rounded, thresholdMs: threshold, failed }, 'slow query');
  } else {
    logger().debug({ query, ms: rounded, failed }, 'query');
  }
}
