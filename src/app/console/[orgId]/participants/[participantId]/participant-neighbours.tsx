import { ArrowLeftIcon, ArrowRightIcon, NetworkIcon } from 'lucide-react';
import Link from 'next/link';
import { EmptyState } from '../../../../../components/ui/empty-state';
import { StageBadge } from '../../../../../components/ui/stage-badge';
import type { ParticipantDetail } from '../../../../../lib/services/views/participants';
import { roleLabel } from '../participants-format';

type Relationship = ParticipantDetail['relationships'][number];

/** Relationships by type, the types with the most links first, each strongest first. */
export function groupByType(relationships: readonly Relationship[]): [string, Relationship[]][] {
  const groups = new Map<string, Relationship[]>();
  for (const r of relationships) groups.set(r.type, [...(groups.get(r.type) ?? []), r]);
  return [...groups.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
}

/** The participant's neighbours grouped by relationship type, with direction, confidence and source. */
export function ParticipantNeighbours({
  orgId,
  name,
  relationships,
  total,
}: {
  orgId: string;
  name: string;
  relationships: Relationship[];
  total: number;
}) {
  if (relationships.length === 0) {
    return (
      <EmptyState icon={NetworkIcon} title="No relationships">
        {name} is not connected to anyone yet: they are in the isolated segment.
      </EmptyState>
    );
  }
  return (
    <div className="grid gap-4">
      {groupByType(relationships).map(([type, links]) => (
        <section key={type} aria-labelledby={`rel-${type}`} className="grid gap-1">
          <h3 id={`rel-${type}`} className="text-xs font-medium text-muted-foreground">
            {roleLabel(type)} <span className="tabular-nums">· {links.length}</span>
          </h3>
          <ul className="divide-y divide-border rounded-md border border-border">
            {links.map((link) => (
              <li key={link.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2">
                <span
                  className="text-muted-foreground"
                  title={link.direction === 'outgoing' ? `${name} → them` : `them → ${name}`}
                >
                  {link.direction === 'outgoing' ? (
                    <ArrowRightIcon aria-label="outgoing" className="size-3.5" />
                  ) : (
                    <ArrowLeftIcon aria-label="incoming" className="size-3.5" />
                  )}
                </span>
                <Link
                  href={`/console/${orgId}/participants/${link.otherParticipantId}`}
                  className="min-w-32 flex-1 truncate font-medium underline-offset-4 hover:underline focus-visible:rounded-sm focus-visible:outline-2 focus-visible:outline-ring"
                >
                  {link.otherDisplayName}
                </Link>
                {link.otherLifecycleStage && <StageBadge stage={link.otherLifecycleStage} />}
                <Confidence value={link.confidence} />
                <span
                  className="w-24 truncate text-right text-xs text-muted-foreground"
                  title={`Source: ${link.source}`}
                >
                  {link.source}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {total > relationships.length && (
        <p className="text-xs text-muted-foreground">
          The {relationships.length} strongest of {total.toLocaleString('en-US')} relationships. The graph
          shows them all.
        </p>
      )}
    </div>
  );
}

function Confidence({ value }: { value: number }) {
  const percent = Math.round(value * 100);
  return (
    <span className="inline-flex items-center gap-1.5 text-xs tabular-nums" title={`Confidence ${percent}%`}>
      <span aria-hidden className="h-1.5 w-12 overflow-hidden rounded-full bg-muted">
        <span className="block h-full rounded-full bg-primary" style={{ width: `${percent}%` }} />
      </span>
      <span className="w-8 text-right text-muted-foreground">
        <span className="sr-only">confidence </span>
        {percent}%
      </span>
    </span>
  );
}
