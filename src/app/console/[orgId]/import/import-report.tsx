import { Badge } from '../../../../components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../../components/ui/card';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '../../../../components/ui/table';
import type { ImportReport } from './import-panel.client';

const OUTCOMES = [
  ['created', 'Created', 'success'],
  ['updated', 'Updated', 'default'],
  ['unchanged', 'Unchanged', 'secondary'],
  ['rejected', 'Rejected', 'destructive'],
] as const;

const VARIANT = Object.fromEntries(OUTCOMES.map(([key, , variant]) => [key, variant]));
const LABEL = Object.fromEntries(OUTCOMES.map(([key, label]) => [key, label]));

/** A check's or an import's report: the counts, then its rows (rejected first). */
export function ImportReportView({ report }: { report: ImportReport }) {
  const verb = report.applied ? '' : report.dryRun ? 'would be ' : '';
  return (
    <Card>
      <CardHeader>
        <div className="grid gap-1">
          <CardTitle>
            {report.dryRun
              ? 'What the import would do'
              : report.applied
                ? 'What the import did'
                : 'Why nothing was imported'}
          </CardTitle>
          <CardDescription>
            {report.file.rows.toLocaleString()} {report.file.rows === 1 ? 'row' : 'rows'} of {report.kind},{' '}
            {formatBytes(report.file.bytes)} · SHA-256{' '}
            <code className="break-all text-xs">{report.file.sha256.slice(0, 16)}…</code>
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent className="grid gap-4">
        <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4">
          {OUTCOMES.map(([key, label]) => (
            <div key={key} className="rounded-md border px-3 py-2">
              <dt className="text-xs text-muted-foreground">
                {verb}
                {label.toLowerCase()}
              </dt>
              <dd className="text-lg font-semibold tabular-nums">{report.counts[key].toLocaleString()}</dd>
            </div>
          ))}
        </dl>
        {report.rows.length > 0 && (
          <div className="max-h-[28rem] overflow-auto rounded-md border">
            <Table>
              <TableHeader className="sticky top-0 bg-card">
                <TableRow>
                  <TableHead className="w-14 text-right">Row</TableHead>
                  <TableHead className="w-24">Outcome</TableHead>
                  <TableHead>What, and why</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {report.rows.map((row) => (
                  <TableRow key={row.row}>
                    <TableCell className="text-right tabular-nums">{row.row}</TableCell>
                    <TableCell>
                      <Badge variant={VARIANT[row.outcome]}>{LABEL[row.outcome]}</Badge>
                    </TableCell>
                    <TableCell className="min-w-0 whitespace-normal">
                      <p className="break-all">{row.key}</p>
                      {row.problems?.map((p) => (
                        <p key={p.column} className="text-sm text-destructive">
                          <span className="font-medium">{p.column}</span> {p.message}
                          {p.value && (
                            <span className="text-muted-foreground"> ({JSON.stringify(p.value)})</span>
                          )}
                        </p>
                      ))}
                      {row.changes && row.changes.length > 0 && (
                        <p className="text-sm text-muted-foreground">changes {row.changes.join(', ')}</p>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
        {report.rowsLeftOut > 0 && (
          <p className="text-xs text-muted-foreground">
            {report.rowsLeftOut.toLocaleString()} more rows are counted above but not listed.
          </p>
        )}
      </CardContent>
    </Card>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
