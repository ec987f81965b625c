import { once } from 'node:events';
import { sql } from 'drizzle-orm';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../db';
import { withQueryLabel } from '../observability/query-label';

export type Cell = string | null;

/** Where generated rows go: COPY on PostgreSQL, multi-row INSERTs elsewhere. Never one row a query. */
export interface RowSink {
  write(rows: Cell[][]): Promise<void>;
  end(): Promise<void>;
  /** Gives up after a failure elsewhere: the connection must be usable again (to roll back). */
  abort(): Promise<void>;
}

const escapeCopyText = (value: Cell) =>
  value === null
    ? '\\N'
    : value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);

export function copySink(client: PoolClient, table: string, columns: readonly string[]): RowSink {
  // Past drizzle, so named here (docs/decisions/036).
  const stream = withQueryLabel(`bulk-load.copy ${table}`, () =>
    client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)),
  );
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  return {
    async write(rows) {
      const text = rows.map((row) => row.map(escapeCopyText).join('\t')).join('\n') + '\n';
      // events.once rejects on 'error' and removes both listeners, whichever comes first.
      if (!stream.write(text)) await once(stream, 'drain');
    },
    async end() {
      stream.end();
      await finished;
    },
    // Destroying the stream sends CopyFail: the server ends the COPY with an error and the connection
    // is back in its transaction (aborted), which the caller's ROLLBACK then ends.
    async abort() {
      stream.destroy(new Error('the rows were refused'));
      await finished.catch(() => undefined);
    },
  };
}

/** `INSERT … SELECT FROM unnest($1::type[], …)`: one statement per batch, with any driver. */
export function unnestSink(
  db: Database,
  table: string,
  columns: readonly { name: string; type: string }[],
): RowSink {
  const target = sql.raw(`${table} (${columns.map((c) => c.name).join(', ')})`);
  return {
    async write(rows) {
      const arrays = columns.map(
        (column, i) => sql`${sql.param(rows.map((row) => row[i]))}::${sql.raw(column.type)}[]`,
      );
      await db.execute(sql`INSERT INTO ${target} SELECT * FROM unnest(${sql.join(arrays, sql`, `)})`);
    },
    async end() {},
    async abort() {},
  };
}
