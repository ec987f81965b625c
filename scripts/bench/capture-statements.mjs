// Bench only (never loaded by the app itself): `node --import tsx --import ./scripts/bench/capture-statements.mjs
// src/server.ts` writes every statement a request sends to PostgreSQL, with its values and the name of
// the function that built it, to BENCH_CAPTURE_FILE (one JSON line each) when the request's id (X-Request-Id,
// kept behind TRUST_PROXY) starts with "capture-". The bare baseline server replays them.
import fs from 'node:fs';
import pg from 'pg';

const file = process.env.BENCH_CAPTURE_FILE;
if (!file) throw new Error('capture-statements.mjs needs BENCH_CAPTURE_FILE');

// The app keeps its request id and statement label in AsyncLocalStorage on globalThis under these keys
// (src/lib/observability/request-context.ts, query-label.ts); they are created when the app loads.
const requestStore = () => globalThis[Symbol.for('operator-console.request-context')];
const labelStore = () => globalThis[Symbol.for('operator-console.query-label')];

const query = pg.Client.prototype.query;
pg.Client.prototype.query = function capture(config, values, callback) {
  const requestId = requestStore()?.getStore()?.requestId;
  if (requestId?.startsWith('capture-')) {
    const text = typeof config === 'string' ? config : config?.text;
    // A COPY stream or another submittable is not a statement the baseline can replay; none is on a
    // captured path.
    if (typeof text === 'string' && typeof config?.submit !== 'function') {
      const params = Array.isArray(values) ? values : (config?.values ?? []);
      const line = {
        requestId,
        label: labelStore()?.getStore() ?? 'unlabelled',
        text,
        values: params,
        rowMode: config?.rowMode,
      };
      fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
    }
  }
  return query.call(this, config, values, callback);
};
