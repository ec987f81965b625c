import { and, desc, eq, gt, ilike, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../db';
import { events, interventions, participants, recommendations } from '../database/schema';
import type { LifecycleStage, RecommendationStatus } from '../domain';
import { decodeCursor, toPage, type Page } from '../pagination';
import type { OrgScope } from '../scope';
import type { ListParticipantsQuery } from '../validation/participants';
import { getSegmentSettings, segmentCondition } from './segments';
import { countLinksOfParticipant, listLinksOfParticipant } from './relationships';
import { findParticipantControls } from './target-state';

export interface ParticipantRow {
  id: string;
  displayName: string;
  email: string | null;
  role: string;
  origin: string;
  lifecycleStage: LifecycleStage;
  lastActivityAt: string | null;
  createdAt: string;
}

// Aliased `p`: the segment conditions (repositories/segments.ts) are written against that name.
const p = alias(participants, 'p');

const columns = {
  id: p.id,
  displayName: p.displayName,
  email: p.email,
  role: p.role,
  origin: p.origin,
  lifecycleStage: sql<LifecycleStage>`${p.lifecycleStage}`,
  lastActivityAt: p.lastActivityAt,
  createdAt: p.createdAt,
};

const toParticipant = (
  row: { lastActivityAt: Date | null; createdAt: Date } & Omit<
    ParticipantRow,
    'lastActivityAt' | 'createdAt'
  >,
) => ({
  ...row,
  lastActivityAt: row.lastActivityAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A page of the org's participants, ordered by (display_name, id), with the list's filters. */
export async function listParticipants(
  db: Database,
  scope: OrgScope,
  query: ListParticipantsQuery,
): Promise<Page<ParticipantRow>> {
  const after = query.cursor ? decodeCursor(query.cursor, ['name', 'id']) : undefined;
  const pattern = query.q ? `%${escapeLike(query.q)}%` : undefined;
  const segment = query.segment
    ? segmentCondition(query.segment, scope, await getSegmentSettings(db, scope))
    : undefined;
  const rows = await db
    .select(columns)
    .from(p)
    .where(
      and(
        eq(p.orgId, scope.orgId),
        pattern ? or(ilike(p.displayName, pattern), ilike(p.email, pattern)) : undefined,
        query.stage ? eq(p.lifecycleStage, query.stage) : undefined,
        query.role ? eq(p.role, query.role) : undefined,
        segment,
        after
          ? or(gt(p.displayName, after.name), and(eq(p.displayName, after.name), gt(p.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(p.displayName, p.id)
    .limit(query.limit + 1);
  return toPage(rows.map(toParticipant), query.limit, (l) => ({ name: l.displayName, id: l.id }));
}

export async function findParticipant(
  db: Database,
  scope: OrgScope,
  id: string,
): Promise<ParticipantRow | undefined> {
  const [row] = await db
    .select(columns)
    .from(p)
    .where(and(eq(p.orgId, scope.orgId), eq(p.id, id)));
  return row && toParticipant(row);
}

// The detail view shows the strongest links first; a hub's full neighbourhood belongs to the graph view.
const DETAIL_RELATIONSHIP_LIMIT = 100;
const DETAIL_LIST_LIMIT = 20;

/** Everything the participant detail shows, each part limited and filtered by the org. */
export async function findParticipantDetail(db: Database, scope: OrgScope, id: string) {
  const participant = await findParticipant(db, scope, id);
  if (!participant) return undefined;
  const links = await listLinksOfParticipant(db, scope, id, DETAIL_RELATIONSHIP_LIMIT);
  const relationshipCount = await countLinksOfParticipant(db, scope, id);
  const recs = await db
    .select({
      id: recommendations.id,
      suggestedAction: recommendations.suggestedAction,
      reason: recommendations.reason,
      confidence: recommendations.confidence,
      status: sql<RecommendationStatus>`${recommendations.status}`,
      createdAt: recommendations.createdAt,
    })
    .from(recommendations)
    .where(
      and(
        eq(recommendations.orgId, scope.orgId),
        eq(recommendations.targetType, 'participant'),
        eq(recommendations.targetId, id),
      ),
    )
    .orderBy(desc(recommendations.createdAt))
    .limit(DETAIL_LIST_LIMIT);
  const acts = await db
    .select({
      id: interventions.id,
      type: interventions.type,
      scope: interventions.scope,
      reason: interventions.reason,
      createdAt: interventions.createdAt,
      reversedAt: interventions.reversedAt,
    })
    .from(interventions)
    .where(and(eq(interventions.orgId, scope.orgId), sql`${interventions.targetIds} @> ARRAY[${id}]::uuid[]`))
    .orderBy(desc(interventions.createdAt))
    .limit(DETAIL_LIST_LIMIT);
  const recent = await db
    .select({
      id: events.id,
      eventType: events.eventType,
      actorUserId: events.actorUserId,
      actorRole: events.actorRole,
      createdAt: events.createdAt,
    })
    .from(events)
    .where(and(eq(events.orgId, scope.orgId), eq(events.targetType, 'participant'), eq(events.targetId, id)))
    .orderBy(desc(events.createdAt))
    .limit(DETAIL_LIST_LIMIT);
  const controls = await findParticipantControls(db, scope, id);
  return {
    participant,
    controls,
    relationships: links,
    relationshipCount,
    recommendations: recs.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    interventions: acts.map((a) => ({
      ...a,
      createdAt: a.createdAt.toISOString(),
      reversedAt: a.reversedAt?.toISOString() ?? null,
    })),
    recentEvents: recent.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
  };
}
