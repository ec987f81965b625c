import { FlagIcon, NetworkIcon, PauseIcon, BellOffIcon, ZapIcon, ArrowLeftIcon } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { InterventionDialog } from '../../../../../components/interventions/intervention-dialog.client';
import { Alert } from '../../../../../components/ui/alert';
import { Badge } from '../../../../../components/ui/badge';
import { Button } from '../../../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../../../components/ui/card';
import { PageHeader } from '../../../../../components/ui/page-header';
import { StageBadge, StageLegend } from '../../../../../components/ui/stage-badge';
import { AppError } from '../../../../../lib/errors';
import { can } from '../../../../../lib/permissions';
import { viewParticipant, type ParticipantDetail } from '../../../../../lib/services/views/participants';
import { uuidSchema } from '../../../../../lib/validation/common';
import { requireOrgPage } from '../../../page-guard';
import { relativeTime } from '../../../../../lib/ui/relative-time';
import { calendarDay, exactTime, roleLabel } from '../participants-format';
import { EgoGraph, type EgoNeighbour } from './ego-graph';
import { EraseParticipant } from './erase-participant.client';
import { ActivityTimeline, StageHistory } from './participant-history';
import { ParticipantNeighbours } from './participant-neighbours';
import { ParticipantInterventions, ParticipantRecommendations } from './participant-work';
import { requestNow } from '../../../request-now';

type Params = Promise<{ orgId: string; participantId: string }>;

// Read once per request (the title and the page share it), through the view service that writes
// participant.viewed as the API does. Unknown here (or in another org): the 404 page.
const loadParticipant = cache(async (orgId: string, participantId: string) => {
  const { db, scope } = await requireOrgPage({
    params: Promise.resolve({ orgId }),
    permission: 'participants.read',
  });
  if (!uuidSchema.safeParse(participantId).success) notFound();
  try {
    return { scope, detail: await viewParticipant(db, scope, participantId) };
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { orgId, participantId } = await params;
  const { detail } = await loadParticipant(orgId, participantId);
  return { title: detail.participant.displayName };
}

/** One neighbour per person (the strongest link), for the ego-graph. */
function egoNeighbours(detail: ParticipantDetail): EgoNeighbour[] {
  const byId = new Map<string, EgoNeighbour>();
  for (const r of detail.relationships) {
    const seen = byId.get(r.otherParticipantId);
    if (!seen || seen.confidence < r.confidence) {
      byId.set(r.otherParticipantId, {
        id: r.otherParticipantId,
        name: r.otherDisplayName,
        stage: r.otherLifecycleStage,
        confidence: r.confidence,
      });
    }
  }
  return [...byId.values()];
}

export default async function ParticipantPage({ params }: { params: Params }) {
  const { orgId, participantId } = await params;
  const { scope, detail } = await loadParticipant(orgId, participantId);
  const { participant: p, controls } = detail;
  const canIntervene = can(scope.role, 'interventions.write');
  const canErase = can(scope.role, 'participants.erase') && detail.erasedAt === null;
  const tz = scope.timezone;
  const attributes: [string, React.ReactNode][] = [
    ['Email', p.email ?? <span className="text-muted-foreground">None</span>],
    ['Role', roleLabel(p.role)],
    ['Stage', <StageBadge key="stage" stage={p.lifecycleStage} />],
    [
      'Relationships',
      <span key="degree" className="tabular-nums">
        {p.degree}
      </span>,
    ],
    [
      'Last activity',
      p.lastActivityAt ? (
        <span key="last" title={exactTime(p.lastActivityAt, tz)}>
          {relativeTime(p.lastActivityAt, requestNow())} · {calendarDay(p.lastActivityAt, tz)}
        </span>
      ) : (
        'Never'
      ),
    ],
    ['Joined', calendarDay(p.createdAt, tz)],
    ['Origin', p.origin],
  ];
  const flags = [
    controls.flaggedForReview && { icon: FlagIcon, text: 'Flagged for review', tone: 'warning' as const },
    controls.outreachPaused && { icon: PauseIcon, text: 'Outreach paused', tone: 'warning' as const },
    controls.recommendationsSuppressed && {
      icon: BellOffIcon,
      text: controls.recommendationsSuppressedUntil
        ? `Recommendations suppressed until ${calendarDay(controls.recommendationsSuppressedUntil, tz)}`
        : 'Recommendations suppressed',
      tone: 'secondary' as const,
    },
  ].filter(Boolean) as { icon: typeof FlagIcon; text: string; tone: 'warning' | 'secondary' }[];

  return (
    <>
      <Link
        href={`/console/${orgId}/participants`}
        className="mb-2 inline-flex items-center gap-1 text-xs text-muted-foreground hover:text-foreground"
      >
        <ArrowLeftIcon aria-hidden className="size-3.5" /> Participants
      </Link>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            {p.displayName} <StageBadge stage={p.lifecycleStage} className="font-normal" />
          </span>
        }
        description={[
          p.email,
          roleLabel(p.role),
          `${p.degree} ${p.degree === 1 ? 'relationship' : 'relationships'}`,
        ]
          .filter(Boolean)
          .join(' · ')}
        actions={
          <>
            <Button variant="outline" asChild>
              <Link href={`/console/${orgId}/graph?focus=${p.id}&depth=1`}>
                <NetworkIcon aria-hidden /> Show in graph
              </Link>
            </Button>
            {canIntervene && (
              <InterventionDialog
                orgId={orgId}
                target={{ scope: 'participant', ids: [p.id], label: p.displayName }}
                trigger={
                  <Button>
                    <ZapIcon aria-hidden /> Intervene
                  </Button>
                }
              />
            )}
            {canErase && <EraseParticipant orgId={orgId} participantId={p.id} name={p.displayName} />}
          </>
        }
      />
      {detail.erasedAt && (
        <Alert className="mb-4" title="Personal data erased">
          An owner erased this participant’s personal data on {calendarDay(detail.erasedAt, tz)}; their
          relationships and stage remain.
        </Alert>
      )}
      {flags.length > 0 && (
        <ul aria-label="Controls in force" className="mb-4 flex flex-wrap gap-2">
          {flags.map((f) => (
            <li key={f.text}>
              <Badge variant={f.tone} className="px-2 py-1 text-xs">
                <f.icon aria-hidden /> {f.text}
              </Badge>
            </li>
          ))}
        </ul>
      )}
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,22rem)] xl:grid-cols-[minmax(0,1fr)_minmax(0,26rem)]">
        <div className="grid content-start gap-4">
          <Card>
            <CardHeader>
              <div className="grid gap-1">
                <CardTitle>Network</CardTitle>
                <CardDescription>Direct neighbours, coloured by stage. Click one to open it.</CardDescription>
              </div>
            </CardHeader>
            <CardContent className="grid gap-3">
              <EgoGraph
                orgId={orgId}
                name={p.displayName}
                stage={p.lifecycleStage}
                neighbours={egoNeighbours(detail)}
              />
              <StageLegend className="justify-center" />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <div className="grid gap-1">
                <CardTitle>Relationships</CardTitle>
                <CardDescription>By type, strongest first; the arrow gives the direction.</CardDescription>
              </div>
            </CardHeader>
            <CardContent>
              <ParticipantNeighbours
                orgId={orgId}
                name={p.displayName}
                relationships={detail.relationships}
                total={detail.relationshipCount}
              />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Interventions</CardTitle>
            </CardHeader>
            <CardContent>
              <ParticipantInterventions
                orgId={orgId}
                name={p.displayName}
                participantId={p.id}
                interventions={detail.interventions}
                timeZone={tz}
                canIntervene={canIntervene}
              />
            </CardContent>
          </Card>
        </div>
        <div className="grid content-start gap-4">
          <Card>
            <CardHeader>
              <CardTitle>Attributes</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
                {attributes.map(([label, value]) => (
                  <div key={label} className="contents">
                    <dt className="text-muted-foreground">{label}</dt>
                    <dd className="min-w-0 break-words">{value}</dd>
                  </div>
                ))}
              </dl>
            </CardContent>
          </Card>
          {controls.notes.length > 0 && (
            <Card>
              <CardHeader>
                <CardTitle>Notes</CardTitle>
              </CardHeader>
              <CardContent>
                <ul className="grid gap-2">
                  {controls.notes.map((note) => (
                    <li key={note.id} className="grid gap-0.5 rounded-md bg-muted/50 px-3 py-2">
                      <p className="text-sm whitespace-pre-wrap">{note.body}</p>
                      <time dateTime={note.createdAt} className="text-xs text-muted-foreground">
                        {exactTime(note.createdAt, tz)}
                      </time>
                    </li>
                  ))}
                </ul>
              </CardContent>
            </Card>
          )}
          <Card>
            <CardHeader>
              <CardTitle>Recommendations</CardTitle>
            </CardHeader>
            <CardContent>
              <ParticipantRecommendations
                orgId={orgId}
                recommendations={detail.recommendations}
                timeZone={tz}
              />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Stage history</CardTitle>
            </CardHeader>
            <CardContent>
              <StageHistory orgId={orgId} history={detail.stageHistory} timeZone={tz} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Activity</CardTitle>
            </CardHeader>
            <CardContent>
              <ActivityTimeline
                orgId={orgId}
                participantId={p.id}
                events={detail.recentEvents}
                timeZone={tz}
                canReadAudit={can(scope.role, 'audit.read')}
              />
            </CardContent>
          </Card>
        </div>
      </div>
    </>
  );
}
