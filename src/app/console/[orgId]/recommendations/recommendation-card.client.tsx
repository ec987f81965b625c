'use client';

import {
  ArrowDownIcon,
  CheckIcon,
  FlagIcon,
  GitCompareArrowsIcon,
  Link2Icon,
  PauseIcon,
  SparklesIcon,
  TriangleAlertIcon,
  UsersIcon,
  XIcon,
  type LucideIcon,
} from 'lucide-react';
import Link from 'next/link';
import type { Ref } from 'react';
import { Alert } from '../../../../components/ui/alert';
import { Badge } from '../../../../components/ui/badge';
import { Button } from '../../../../components/ui/button';
import { Checkbox } from '../../../../components/ui/checkbox';
import { Kbd } from '../../../../components/ui/kbd';
import { Meter } from '../../../../components/ui/meter';
import { StageBadge } from '../../../../components/ui/stage-badge';
import { cn } from '../../../../lib/ui/cn';
import {
  actionLabel,
  confidenceBand,
  daysAgo,
  DISMISSAL_REASON_LABELS,
  evidenceFor,
  formatDate,
  humanize,
  interventionPhrase,
  TARGET_TYPE_LABELS,
  targetName,
  timeAgo,
  type InboxRecommendation,
  type RecommendationTarget,
} from './recommendation-text';

const ACTION_ICONS: Record<string, LucideIcon> = {
  flag_for_review: FlagIcon,
  pause_outreach: PauseIcon,
  suppress_recommendations: PauseIcon,
  set_lifecycle_stage: GitCompareArrowsIcon,
  verify_relationship: Link2Icon,
};

export interface RecommendationCardProps {
  orgId: string;
  rec: InboxRecommendation;
  /** The server's "now" for this render, so relative times read the same in both renders. */
  now: number;
  /** Whether this card offers accept and dismiss (a pending card, and a role that may decide). */
  decidable: boolean;
  selected: boolean;
  problem?: string;
  onSelectedChange: (selected: boolean) => void;
  onAccept: () => void;
  onDismiss: () => void;
  onFocus: () => void;
  ref?: Ref<HTMLElement>;
}

/** One recommendation: the action, why, how sure Atlas is, who or what it is about, and today's figures. */
export function RecommendationCard(props: RecommendationCardProps) {
  const { rec, now, orgId, ref } = props;
  const title = actionLabel(rec);
  const Icon = ACTION_ICONS[rec.suggestedAction] ?? SparklesIcon;
  const titleId = `rec-${rec.id}-title`;
  const about = rec.target ? targetName(rec.target) : 'a target that no longer exists';
  const applies = interventionPhrase(rec);
  return (
    <article
      ref={ref}
      tabIndex={0}
      data-rec-id={rec.id}
      data-selected={props.selected || undefined}
      aria-labelledby={titleId}
      // Focus anywhere in the card (its checkbox, a link, a button) makes it the card j/k move from.
      onFocus={props.onFocus}
      className={cn(
        'scroll-mt-28 rounded-lg border border-border bg-card p-4 shadow-xs transition-colors outline-none',
        'focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:ring-offset-background',
        'data-[selected]:border-primary/60 data-[selected]:bg-primary/[0.04]',
      )}
    >
      <div className="flex items-start gap-3">
        {props.decidable && (
          <Checkbox
            className="mt-1"
            checked={props.selected}
            onCheckedChange={(checked) => props.onSelectedChange(checked === true)}
            aria-label={`Select "${title}" for ${about}`}
          />
        )}
        {/* Narrow: what, why, who, then the figures. Wide: who and how sure in a column beside. */}
        <div className="grid min-w-0 flex-1 content-start gap-3 lg:grid-cols-[minmax(0,1fr)_17rem] lg:grid-rows-[auto_auto_1fr] lg:gap-x-6">
          <header className="grid gap-1 lg:col-start-1">
            <h2
              id={titleId}
              className="flex flex-wrap items-center gap-x-2 gap-y-1 font-medium leading-tight"
            >
              <Icon aria-hidden className="size-4 shrink-0 text-muted-foreground" />
              <span>{title}</span>
              <Badge variant="secondary">{TARGET_TYPE_LABELS[rec.targetType]}</Badge>
              {rec.status !== 'pending' && (
                <Badge variant={rec.status === 'accepted' ? 'success' : 'outline'}>
                  {rec.status === 'accepted' ? 'Accepted' : 'Dismissed'}
                </Badge>
              )}
            </h2>
            <p className="text-xs text-muted-foreground">
              Suggested by Atlas {timeAgo(rec.createdAt, now)}
              {rec.status !== 'pending' &&
                ` · ${rec.status} ${timeAgo(rec.updatedAt, now)}${rec.decision?.decidedBy ? ` by ${rec.decision.decidedBy}` : ''}`}
            </p>
          </header>
          <p className="text-sm leading-relaxed text-pretty lg:col-start-1">{rec.reason}</p>
          <div className="grid content-start gap-3 lg:col-start-2 lg:row-span-3 lg:row-start-1">
            <TargetSummary orgId={orgId} target={rec.target} now={now} />
            <Confidence value={rec.confidence} />
          </div>
          <Evidence rec={rec} now={now} />
          {rec.decision && <DecisionNote orgId={orgId} rec={rec} decision={rec.decision} />}
        </div>
      </div>
      {props.problem && (
        <Alert variant="error" title="Not decided" className={cn('mt-3', props.decidable && 'ml-7')}>
          {props.problem}
        </Alert>
      )}
      {props.decidable && (
        <footer className="mt-4 ml-7 flex flex-wrap items-center gap-2">
          <Button size="sm" onClick={props.onAccept}>
            <CheckIcon aria-hidden /> Accept
            <Kbd className="ml-1 hidden border-primary-foreground/30 bg-primary-foreground/15 text-primary-foreground sm:inline-flex">
              A
            </Kbd>
          </Button>
          <Button size="sm" variant="outline" onClick={props.onDismiss}>
            <XIcon aria-hidden /> Dismiss
            <Kbd className="ml-1 hidden sm:inline-flex">D</Kbd>
          </Button>
          {applies && <span className="text-xs text-muted-foreground">Accepting can also {applies}.</span>}
        </footer>
      )}
    </article>
  );
}

function Confidence({ value }: { value: number }) {
  const { band, label, percent } = confidenceBand(value);
  return (
    <div className="grid gap-1.5">
      <div className="flex items-baseline justify-between text-xs">
        <span className="text-muted-foreground">Confidence</span>
        <span className="font-medium tabular-nums">
          {percent}% <span className="font-normal text-muted-foreground">· {label}</span>
        </span>
      </div>
      <Meter
        value={value}
        label="Confidence"
        valueText={`${percent}%, ${label.toLowerCase()}`}
        tone={band === 'high' ? 'default' : band === 'medium' ? 'muted' : 'warning'}
      />
    </div>
  );
}

function Evidence({ rec, now }: { rec: InboxRecommendation; now: number }) {
  const facts = evidenceFor(rec, now);
  if (facts.length === 0) return null;
  return (
    <section
      aria-label="The figures today"
      className="rounded-md border border-border bg-muted/40 px-3 py-2 lg:col-start-1"
    >
      <h3 className="mb-1.5 text-xs font-medium text-muted-foreground">The figures today</h3>
      <dl className="grid gap-1.5 text-xs sm:grid-cols-[9rem_minmax(0,1fr)] sm:gap-x-3">
        {facts.map((fact) => (
          <div key={fact.key} className="contents">
            <dt className="text-muted-foreground">{fact.label}</dt>
            <dd
              className={cn(
                'flex flex-wrap items-center gap-1.5 pb-1 sm:pb-0',
                fact.cited ? 'text-foreground' : 'text-muted-foreground',
              )}
            >
              {fact.warn && (
                <TriangleAlertIcon aria-label="Worth a look" className="size-3.5 shrink-0 text-warning" />
              )}
              {fact.value.map((part, i) =>
                typeof part === 'string' ? (
                  <span key={i}>{part}</span>
                ) : (
                  <StageBadge key={i} stage={part.stage} />
                ),
              )}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function PersonLine({
  orgId,
  person,
  now,
}: {
  orgId: string;
  person: {
    id: string;
    displayName: string;
    lifecycleStage: RecommendationTargetStage;
    lastActivityAt: string | null;
    degree: number;
  };
  now: number;
}) {
  return (
    <div className="grid gap-1">
      <div className="flex flex-wrap items-center gap-2">
        <Link
          href={`/console/${orgId}/participants/${person.id}`}
          className="truncate font-medium text-foreground underline-offset-4 hover:underline focus-visible:underline"
        >
          {person.displayName}
        </Link>
        <StageBadge stage={person.lifecycleStage} />
      </div>
      <p className="text-xs text-muted-foreground">
        {person.degree.toLocaleString('en')} {person.degree === 1 ? 'relationship' : 'relationships'} · last
        active {daysAgo(person.lastActivityAt, now)}
      </p>
    </div>
  );
}

type RecommendationTargetStage = Extract<
  RecommendationTarget,
  { type: 'participant' }
>['participant']['lifecycleStage'];

function TargetSummary({
  orgId,
  target,
  now,
}: {
  orgId: string;
  target: RecommendationTarget | null;
  now: number;
}) {
  const box = 'grid gap-2 rounded-md border border-border p-3 text-sm';
  if (!target) {
    return (
      <div className={cn(box, 'text-xs text-muted-foreground')}>
        The target no longer exists. Dismiss this recommendation to clear it.
      </div>
    );
  }
  if (target.type === 'participant') {
    const p = target.participant;
    return (
      <div className={box}>
        <PersonLine orgId={orgId} person={p} now={now} />
        <Link
          href={`/console/${orgId}/graph?focus=${p.id}&depth=1`}
          className="text-xs text-primary underline-offset-4 hover:underline"
        >
          See their connections in the graph
        </Link>
      </div>
    );
  }
  if (target.type === 'relationship') {
    const r = target.relationship;
    return (
      <div className={box}>
        <p className="flex items-center gap-1.5 text-xs text-muted-foreground">
          <Link2Icon aria-hidden className="size-3.5" />
          <span className="font-medium text-foreground">{humanize(r.type)}</span>
        </p>
        <PersonLine orgId={orgId} person={r.from} now={now} />
        <ArrowDownIcon aria-label="linked to" className="-my-1 ml-1 size-3.5 text-muted-foreground" />
        <PersonLine orgId={orgId} person={r.to} now={now} />
        <Link
          href={`/console/${orgId}/graph?focus=${r.from.id}&depth=1`}
          className="text-xs text-primary underline-offset-4 hover:underline"
        >
          See the link in the graph
        </Link>
      </div>
    );
  }
  if (target.type === 'community') {
    const c = target.community;
    return (
      <div className={box}>
        <div className="flex items-center gap-2">
          <UsersIcon aria-hidden className="size-4 text-muted-foreground" />
          <span className="font-medium">{c.label}</span>
          <span className="text-xs text-muted-foreground tabular-nums">
            {c.size.toLocaleString('en')} {c.size === 1 ? 'member' : 'members'}
          </span>
        </div>
        <Link
          href={`/console/${orgId}/graph?focus=${c.anchorId}&depth=1`}
          className="text-xs text-primary underline-offset-4 hover:underline"
        >
          See its centre in the graph
        </Link>
      </div>
    );
  }
  const s = target.segment;
  return (
    <div className={box}>
      <div className="flex items-center gap-2">
        <UsersIcon aria-hidden className="size-4 text-muted-foreground" />
        <Link
          href={`/console/${orgId}/participants?segment=${s.key}`}
          className="font-medium underline-offset-4 hover:underline"
        >
          {s.label}
        </Link>
        <span className="text-xs text-muted-foreground tabular-nums">
          {s.count.toLocaleString('en')} {s.count === 1 ? 'member' : 'members'}
        </span>
      </div>
      <p className="text-xs text-muted-foreground">{s.description}</p>
    </div>
  );
}

/** On a decided card: the reason given and the intervention that accepting applied. */
function DecisionNote({
  orgId,
  rec,
  decision,
}: {
  orgId: string;
  rec: InboxRecommendation;
  decision: NonNullable<InboxRecommendation['decision']>;
}) {
  if (!decision.reason && !decision.interventionId && !rec.dismissalReason) return null;
  return (
    <div className="grid gap-1 border-l-2 border-border pl-3 text-xs lg:col-start-1">
      {rec.dismissalReason && (
        <p>
          <span className="text-muted-foreground">Dismissed as:</span>{' '}
          {DISMISSAL_REASON_LABELS[rec.dismissalReason]}
          {rec.snoozedUntil ? ` (until ${formatDate(rec.snoozedUntil)})` : ''}
        </p>
      )}
      {decision.reason && (
        <p>
          <span className="text-muted-foreground">
            {rec.status === 'accepted' ? 'Note on accepting' : 'Reason for dismissing'}:
          </span>{' '}
          {decision.reason}
        </p>
      )}
      {decision.interventionId && (
        <Link
          href={`/console/${orgId}/interventions/${decision.interventionId}`}
          className="w-fit text-primary underline-offset-4 hover:underline"
        >
          See the intervention it applied
        </Link>
      )}
    </div>
  );
}
