import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// Buckets from a fast indexed read (a millisecond) to a whole-graph export (a minute).
const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from a request’s arrival to its response’s headers, by route pattern (never the path).',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly queryDuration = new Histogram({
    name: 'db_query_duration_seconds',
    help: 'Time of one database statement, by the function that issued it.',
    labelNames: ['query', 'outcome'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly slowQueries = new Counter({
    name: 'db_slow_queries_total',
    help: 'Statements that took at least SLOW_QUERY_MS, by the function that issued them.',
    labelNames: ['query'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

// On globalThis (see request-context.ts): the pages' queries, made in Next.js's module graph, count in
// the same registry that /api/metrics serves.
const KEY = Symbol.for('operator-console.metrics');
type Holder = { [KEY]?: Metrics };

export function metrics(): Metrics {
  return ((globalThis as Holder)[KEY] ??= new Metrics());
}
