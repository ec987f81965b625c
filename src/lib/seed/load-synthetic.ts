import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../db';
import { orgs } from '../database/schema';
import { unsafeWithOrgId } from '../database/with-org';
import { copySink, unnestSink, type Cell, type RowSink } from './bulk-load';
import {
  PARTICIPANT_COLUMNS,
  RELATIONSHIP_COLUMNS,
  participantBatches,
  relationshipBatches,
  type SyntheticOptions,
} from './synthetic';

export interface SyntheticLoadResult {
  orgId: string;
  participants: number;
  relationships: number;
  seconds: number;
}

/**
 * Creates the org and loads its participants and relationships in one transaction: either the whole
 * synthetic org is there afterwards, or nothing is. `onRows` reports progress in rows.
 */
export async function loadSyntheticOrg(
  handle: DatabaseHandle,
  org: { name: string; timezone: string },
  options: SyntheticOptions,
  onRows: (rows: number) => void = () => undefined,
): Promise<SyntheticLoadResult> {
  const started = performance.now();
  const fill = async (
    sink: (table: string, columns: typeof PARTICIPANT_COLUMNS | typeof RELATIONSHIP_COLUMNS) => RowSink,
    orgId: string,
  ) => {
    const steps: [string, typeof PARTICIPANT_COLUMNS | typeof RELATIONSHIP_COLUMNS, Iterable<Cell[][]>][] = [
      ['participants', PARTICIPANT_COLUMNS, participantBatches(orgId, options)],
      ['relationships', RELATIONSHIP_COLUMNS, relationshipBatches(orgId, options)],
    ];
    for (const [table, columns, batches] of steps) {
      const target = sink(table, columns);
      for (const batch of batches) {
        await target.write(batch);
        onRows(batch.length);
      }
      await target.end();
    }
  };

  let orgId: string;
  if (handle.kind === 'postgres' && handle.pool) {
    const client = await handle.pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query<{ id: string }>(
        'INSERT INTO orgs (name, timezone) VALUES ($1, $2) RETURNING id',
        [org.name, org.timezone],
      );
      orgId = inserted.rows[0]!.id;
      // COPY as the connection's own role, unbound: PostgreSQL refuses COPY FROM into a table whose
      // row-level security holds the role, so loading this way needs a superuser (decision 029).
      await fill(
        (table, columns) =>
          copySink(
            client,
            table,
            columns.map((c) => c.name),
          ),
        orgId,
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  } else {
    orgId = await handle.db.transaction(async (tx) => {
      const [row] = await tx.insert(orgs).values(org).returning({ id: orgs.id });
      await unsafeWithOrgId(tx, row!.id, (orgTx) =>
        fill((table, columns) => unnestSink(orgTx, table, columns), row!.id),
      );
      return row!.id;
    });
  }
  // Fresh planner statistics: the first queries on a million new rows should not guess.
  await handle.db.execute(sql`ANALYZE participants`);
  await handle.db.execute(sql`ANALYZE relationships`);
  return {
    orgId,
    participants: options.participants,
    relationships: options.edges,
    seconds: (performance.now() - started) / 1000,
  };
}
