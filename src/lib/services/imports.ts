import { writeAuditEvent } from '../audit';
import { requirePermission } from '../auth';
import { withOrgConnection, type BulkDatabase, type OrgDb } from '../database/with-org';
import { AppError } from '../errors';
import { mapHeader, readRow, type Cell, type CellProblem, type ColumnMap } from '../import/columns';
import { CsvRefusal, openCsv, type CsvLimits } from '../import/csv-input';
import { IMPORT_KINDS, type ImportKindName } from '../import/kinds';
import {
  applyStaged,
  createStaging,
  judgeStaged,
  stagingSink,
  type StagedOutcome,
} from '../repositories/imports';
import type { RequestScope, OrgScope } from '../scope';

// CSV import (issue 10): a file streamed into a staging table, judged there, and applied all or
// nothing in one transaction — or, for a dry run, judged and reported without a change.

export type ImportOutcome = StagedOutcome;

export interface ImportRowReport {
  row: number;
  outcome: ImportOutcome;
  /** What the row names: its email, or a relationship's two emails and type. */
  key: string;
  /** Updated: the columns that change. */
  changes?: string[];
  /** Rejected: why, cell by cell. */
  problems?: CellProblem[];
}

export interface ImportReport {
  kind: ImportKindName;
  dryRun: boolean;
  /** True when the rows were written (an apply with no rejected row). */
  applied: boolean;
  file: { bytes: number; sha256: string; rows: number };
  counts: Record<ImportOutcome, number>;
  /** Rejected rows first, then the others in file order, at most REPORT_ROWS of them. */
  rows: ImportRowReport[];
  /** Rows the report leaves out past REPORT_ROWS (the counts include them). */
  rowsLeftOut: number;
}

export const REPORT_ROWS = 1000;
const BATCH = 2000;

export interface ImportOptions {
  dryRun: boolean;
  limits: CsvLimits;
}

/**
 * Imports `kind` rows for the org from a CSV file's bytes. A file that cannot be read as a whole is a
 * 400 (413 over the size limit) naming where; rows that cannot be imported are reported one by one —
 * a dry run answers the report, an apply with any rejected row writes nothing and is a 422 carrying it.
 * A dry run writes `import.checked`, an apply `import.completed`, both with the counts and the file's
 * SHA-256.
 */
export async function importCsv(
  handle: BulkDatabase,
  scope: OrgScope,
  kindName: ImportKindName,
  source: AsyncIterable<Uint8Array>,
  options: ImportOptions,
): Promise<ImportReport> {
  // A member needs the permission; the system (the admin command) acts for the installation.
  if (scope.actor.kind === 'user') requirePermission(scope as RequestScope, 'import.write');
  const kind = IMPORT_KINDS[kindName];
  try {
    const file = await openCsv(source, options.limits);
    const map = mapHeader(file.header, kind.columns, kind.ignored);
    const report = await withOrgConnection(handle, scope, async (tx, connection) => {
      await createStaging(tx, kindName);
      const rejected: ImportRowReport[] = [];
      let rejectedCount = 0;
      let rows = 0;
      const sink = stagingSink(tx, connection, kindName);
      let batch: Cell[][] = [];
      try {
        for await (const records of file.batches) {
          for (const record of records) {
            rows++;
            const read = readRow(record.fields, kind.columns, map);
            if ('problems' in read) {
              rejectedCount++;
              if (rejected.length < REPORT_ROWS) {
                rejected.push({
                  row: record.row,
                  outcome: 'rejected',
                  key: kind.key((column) => cellText(record.fields, map, column)),
                  problems: read.problems,
                });
              }
              continue;
            }
            batch.push([String(record.row), ...read.values]);
            if (batch.length === BATCH) {
              await sink.write(batch);
              batch = [];
            }
          }
        }
        if (batch.length) await sink.write(batch);
        await sink.end();
      } catch (error) {
        await sink.abort();
        throw error;
      }
      const judged = await judgedRows(tx, scope, kindName);
      const counts = { ...judged.counts, rejected: judged.counts.rejected + rejectedCount };
      const listed = [...rejected, ...judged.rows]
        .sort((a, b) => Number(b.outcome === 'rejected') - Number(a.outcome === 'rejected') || a.row - b.row)
        .slice(0, REPORT_ROWS);
      const digest = file.digest();
      const result: ImportReport = {
        kind: kindName,
        dryRun: options.dryRun,
        applied: false,
        file: { ...digest, rows },
        counts,
        rows: listed,
        rowsLeftOut: rows - listed.length,
      };
      if (options.dryRun || counts.rejected > 0) {
        if (options.dryRun) await audit(tx, scope, 'import.checked', result);
        return result;
      }
      await applyStaged(tx, scope, kindName);
      result.applied = true;
      await audit(tx, scope, 'import.completed', result);
      return result;
    });
    if (!report.dryRun && !report.applied) {
      throw new AppError(
        'unprocessable',
        `${report.counts.rejected} of ${report.file.rows} rows cannot be imported; nothing was imported. ` +
          'The report lists each with its reasons.',
        undefined,
        undefined,
        { report },
      );
    }
    return report;
  } catch (error) {
    if (error instanceof CsvRefusal) {
      // Read only in part: whatever is left of the body must not be taken for the next request.
      throw new AppError(
        error.reason === 'too_large' ? 'payload_too_large' : 'bad_request',
        error.message,
        [{ path: 'body', message: error.reason }],
        { connection: 'close' },
      );
    }
    throw error;
  }
}

/** A cell of a row as written, trimmed ('' when the file has no such column or the row is short). */
const cellText = (fields: string[], map: ColumnMap, column: string) => {
  const at = map.at.get(column);
  return at === undefined ? '' : (fields[at] ?? '').trim();
};

async function judgedRows(tx: OrgDb, scope: OrgScope, kind: ImportKindName) {
  const { totals, rows } = await judgeStaged(tx, scope, kind, REPORT_ROWS);
  const counts: Record<ImportOutcome, number> = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  for (const { outcome, n } of totals) counts[outcome] = n;
  return {
    counts,
    rows: rows.map((r): ImportRowReport => ({
      row: r.row,
      outcome: r.outcome,
      key: r.key,
      ...(r.outcome === 'updated' ? { changes: r.changes } : {}),
      ...(r.problem
        ? { problems: [{ column: r.problem_column!, value: r.problem_value ?? '', message: r.problem }] }
        : {}),
    })),
  };
}

async function audit(
  tx: OrgDb,
  scope: OrgScope,
  type: 'import.checked' | 'import.completed',
  report: ImportReport,
) {
  await writeAuditEvent(tx, scope, {
    type,
    targetType: 'org',
    targetId: scope.orgId,
    metadata: { kind: report.kind, file: report.file, counts: report.counts },
  });
}
