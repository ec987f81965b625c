import { HandIcon } from 'lucide-react';
import Link from 'next/link';
import { INTERVENTION_TYPE_TEXT } from '../../../../../components/interventions/intervention-form';
import { Badge } from '../../../../../components/ui/badge';
import { buttonVariants } from '../../../../../components/ui/button';
import { Card, CardDescription, CardHeader, CardTitle } from '../../../../../components/ui/card';
import { EmptyState } from '../../../../../components/ui/empty-state';
import type { InterventionSummary } from '../../../../../lib/repositories/org-overview';
import { relativeTime } from '../../../../../lib/ui/relative-time';

function targets(i: InterventionSummary): string {
  const noun = i.scope === 'relationship' ? 'relationship' : 'participant';
  const count = `${i.targetCount.toLocaleString('en')} ${noun}${i.targetCount === 1 ? '' : 's'}`;
  return i.scope === 'segment' ? `a segment (${count})` : count;
}

export function OverviewRecent({
  orgId,
  interventions,
  timezone,
  now,
  className,
}: {
  orgId: string;
  interventions: InterventionSummary[];
  timezone: string;
  /** ISO time the relative times count from (the moment the data was loaded). */
  now: string;
  className?: string;
}) {
  const full = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: timezone });
  return (
    <Card className={className}>
      <CardHeader>
        <div className="grid gap-1">
          <CardTitle>Recent interventions</CardTitle>
          <CardDescription>The last {interventions.length || ''} changes operators made</CardDescription>
        </div>
        <Link
          href={`/console/${orgId}/interventions`}
          className={buttonVariants({ variant: 'outline', size: 'sm' })}
        >
          All interventions
        </Link>
      </CardHeader>
      {interventions.length === 0 ? (
        <EmptyState icon={HandIcon} title="No interventions yet" className="py-8">
          Pause outreach, flag for review or add a note from a participant, a selection or a segment; each
          change is recorded here and can be reversed.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-border border-t border-border">
          {interventions.map((i) => (
            <li key={i.id}>
              <Link
                href={`/console/${orgId}/interventions/${i.id}`}
                className="grid gap-0.5 px-4 py-2.5 transition-colors hover:bg-accent/40 focus-visible:-outline-offset-2"
              >
                <span className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{INTERVENTION_TYPE_TEXT[i.type].label}</span>
                  <span className="text-muted-foreground">on {targets(i)}</span>
                  {i.reversedAt && <Badge variant="secondary">Reversed</Badge>}
                  <time
                    dateTime={i.createdAt}
                    title={full.format(new Date(i.createdAt))}
                    className="ml-auto text-xs whitespace-nowrap text-muted-foreground"
                  >
                    {relativeTime(i.createdAt, Date.parse(now))}
                  </time>
                </span>
                <span className="truncate text-xs text-muted-foreground">
                  {i.operatorEmail ?? 'A former member'} · “{i.reason}”
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
