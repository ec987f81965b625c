import { ArrowRightIcon, SlidersHorizontalIcon } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonVariants } from '../../../../components/ui/button';
import { PageHeader } from '../../../../components/ui/page-header';
import type { SegmentKey, SegmentSettings } from '../../../../lib/domain';
import { can } from '../../../../lib/permissions';
import type { SegmentCount } from '../../../../lib/repositories/segments';
import { viewSegmentsWithThresholds } from '../../../../lib/services/views/segments';
import { requireOrgPage } from '../../page-guard';
import { SegmentExport } from './segment-export.client';
import {
  hasThresholds,
  SEGMENT_COLOR,
  SEGMENT_PURPOSE,
  segmentMembersHref,
  segmentRule,
} from './segment-style';

export const metadata: Metadata = { title: 'Segments' };

const GROUPS: { title: string; description: string; keys: SegmentKey[] }[] = [
  {
    title: 'Lifecycle',
    description: 'By when participants joined and when they were last active.',
    keys: ['new', 'active', 'at_risk', 'dormant'],
  },
  {
    title: 'Network',
    description: 'By how many relationships participants have.',
    keys: ['isolated', 'highly_connected', 'system'],
  },
];

export default async function SegmentsPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { db, scope } = await requireOrgPage({ params, permission: 'segments.read' });
  const { segments, thresholds } = await viewSegmentsWithThresholds(db, scope);
  const byKey = new Map(segments.map((s) => [s.key, s]));
  const regular = segments
    .filter((s) => s.key === 'active' || s.key === 'at_risk' || s.key === 'dormant')
    .reduce((sum, s) => sum + s.count, 0);
  return (
    <>
      <PageHeader
        title="Segments"
        description={`Computed now from activity and relationships, with days counted in ${scope.timezone}. A participant can be in more than one.`}
        actions={
          can(scope.role, 'org.settings') && (
            <Link
              href={`/console/${scope.orgId}/settings`}
              className={buttonVariants({ variant: 'outline' })}
            >
              <SlidersHorizontalIcon aria-hidden /> Edit thresholds
            </Link>
          )
        }
      />
      <div className="grid gap-6">
        {GROUPS.map((group) => (
          <section key={group.title} aria-labelledby={`group-${group.title}`} className="grid gap-2">
            <div className="flex flex-wrap items-baseline gap-x-2">
              <h2 id={`group-${group.title}`} className="text-sm font-semibold">
                {group.title}
              </h2>
              <p className="text-xs text-muted-foreground">{group.description}</p>
            </div>
            <ul className="grid gap-3 md:grid-cols-2 xl:grid-cols-4">
              {group.keys.map((key) => (
                <li key={key}>
                  <SegmentCard
                    orgId={scope.orgId}
                    segment={byKey.get(key)!}
                    thresholds={thresholds}
                    of={regular}
                  />
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </>
  );
}

function SegmentCard({
  orgId,
  segment,
  thresholds,
  of,
}: {
  orgId: string;
  segment: SegmentCount;
  thresholds: SegmentSettings;
  of: number;
}) {
  const share = of > 0 && segment.key !== 'system' ? Math.round((segment.count / of) * 100) : null;
  return (
    <article className="flex h-full flex-col gap-3 rounded-lg border border-border bg-card p-4 shadow-xs">
      <header className="flex items-start justify-between gap-3">
        <h3 className="flex items-center gap-2 font-medium">
          <span
            aria-hidden
            className="size-2.5 rounded-full"
            style={{ backgroundColor: SEGMENT_COLOR[segment.key] }}
          />
          {segment.label}
        </h3>
        <p className="min-w-0 text-right">
          <span className="block text-2xl leading-none font-semibold tracking-tight tabular-nums">
            {segment.count.toLocaleString('en')}
          </span>
          {share !== null && <span className="text-xs text-muted-foreground">{share}% of participants</span>}
        </p>
      </header>
      <p className="text-sm text-muted-foreground">{SEGMENT_PURPOSE[segment.key]}</p>
      <dl className="rounded-md bg-muted/60 px-3 py-2 text-xs">
        <dt className="font-medium text-muted-foreground">
          {hasThresholds(segment.key) ? 'Threshold' : 'Rule'}
        </dt>
        <dd className="mt-0.5 text-foreground">{segmentRule(segment.key, thresholds)}</dd>
      </dl>
      {segment.count > 0 ? (
        <SegmentExport orgId={orgId} segment={segment.key} label={segment.label}>
          <Link
            href={segmentMembersHref(orgId, segment.key)}
            className="inline-flex items-center gap-1 rounded-sm text-sm font-medium text-primary hover:underline"
          >
            View{' '}
            {segment.count === 1 ? 'the participant' : `${segment.count.toLocaleString('en')} participants`}
            <span className="sr-only"> in {segment.label}</span>
            <ArrowRightIcon aria-hidden className="size-3.5" />
          </Link>
        </SegmentExport>
      ) : (
        <p className="mt-auto text-sm text-muted-foreground">No one in this segment now.</p>
      )}
    </article>
  );
}
