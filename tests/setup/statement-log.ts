// In each test worker (vitest setupFiles): every distinct statement sent to PostgreSQL through pg, with
// the name of the app function that built it (decision 036's label), appended to a file in
// OC_STATEMENT_LOG_DIR for the check at the end of the run (org-id-filter.ts, global-setup.ts).
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { currentQueryLabel } from '../../src/lib/observability/query-label';

const KEY = Symbol.for('operator-console.test-statement-log');
const dir = process.env.OC_STATEMENT_LOG_DIR;
const holder = globalThis as { [KEY]?: boolean };

if (dir && !holder[KEY]) {
  holder[KEY] = true;
  const file = path.join(dir, `${process.pid}.ndjson`);
  const seen = new Set<string>();
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function logged(this: pg.Client, ...args: unknown[]) {
    const config = args[0] as string | { text?: unknown } | undefined;
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text === 'string') {
      const label = currentQueryLabel();
      const key = `${label}\u0000${text}`;
      if (!seen.has(key)) {
        seen.add(key);
        fs.appendFileSync(file, `${JSON.stringify({ label, text })}\n`);
      }
    }
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}
