import { ArrowRightIcon } from 'lucide-react';
import Link from 'next/link';
import { TargetStateText } from '../../../../../components/interventions/intervention-preview';
import { Badge } from '../../../../../components/ui/badge';
import { Card, CardDescription, CardHeader, CardTitle } from '../../../../../components/ui/card';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '../../../../../components/ui/table';
import type { InterventionDetail } from '../../../../../lib/services/views/interventions';

// Each target of one intervention: who or what, the state before and after, and whether it changed.

const linkClass = 'rounded-sm font-medium hover:underline focus-visible:outline-2 focus-visible:outline-ring';

function TargetName({ orgId, target }: { orgId: string; target: InterventionDetail['targets'][number] }) {
  if (!target.inOrg) return <span className="text-muted-foreground">{target.label}</span>;
  const href = (id: string) => `/console/${orgId}/participants/${id}`;
  if (target.participantIds.length === 1) {
    return (
      <Link href={href(target.participantIds[0]!)} className={linkClass}>
        {target.label}
      </Link>
    );
  }
  // A relationship: each end links to its participant; the type says how they are related.
  const [a, b] = target.participantIds as [string, string];
  const [aName, bName] = target.participantNames as [string, string];
  const type = /\(([^)]*)\)$/.exec(target.label)?.[1];
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <Link href={href(a)} className={linkClass}>
        {aName}
      </Link>
      <ArrowRightIcon aria-label="to" className="size-3.5 text-muted-foreground" />
      <Link href={href(b)} className={linkClass}>
        {bName}
      </Link>
      {type && <span className="text-muted-foreground">({type})</span>}
    </span>
  );
}

function Result({ result }: { result: InterventionDetail['targets'][number]['result'] }) {
  return result === 'applied' ? (
    <Badge variant="default">Changed</Badge>
  ) : (
    <Badge variant="outline" title="It already had this state; nothing was written">
      Already so
    </Badge>
  );
}

export function InterventionTargets({ orgId, detail }: { orgId: string; detail: InterventionDetail }) {
  const shown = detail.targets.length;
  return (
    <Card>
      <CardHeader>
        <div className="grid gap-1">
          <CardTitle>Targets</CardTitle>
          <CardDescription>
            {shown < detail.targetCount
              ? `The first ${shown.toLocaleString('en')} of ${detail.targetCount.toLocaleString('en')}, with the state each had before and after.`
              : 'The state each target had before and after.'}
          </CardDescription>
        </div>
      </CardHeader>
      <div className="overflow-x-auto">
        <Table>
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead>
                {detail.intervention.scope === 'relationship' ? 'Relationship' : 'Participant'}
              </TableHead>
              <TableHead>Before</TableHead>
              <TableHead>After</TableHead>
              <TableHead className="hidden sm:table-cell">Result</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {detail.targets.map((target) => (
              <TableRow key={target.id}>
                <TableCell>
                  <TargetName orgId={orgId} target={target} />
                  {/* Narrow screens have no Result column: the result sits under the name. */}
                  <span className="mt-1 block sm:hidden">
                    <Result result={target.result} />
                  </span>
                </TableCell>
                <TableCell className="sm:whitespace-nowrap">
                  <TargetStateText state={target.previous} />
                </TableCell>
                <TableCell className="sm:whitespace-nowrap">
                  <TargetStateText state={target.next} />
                </TableCell>
                <TableCell className="hidden sm:table-cell">
                  <Result result={target.result} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </Card>
  );
}
