import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../../src/lib/db';
import {
  apiKeys,
  auditAnchors,
  auditDeliveries,
  auditStreams,
  atlasCommunities,
  atlasCommunityLinks,
  atlasParticipantScores,
  events,
  idempotencyKeys,
  importUploadChunks,
  importUploads,
  interventions,
  jobs,
  orgMemberships,
  orgSettings,
  orgs,
  participantControls,
  participantNotes,
  participants,
  recommendations,
  relationshipControls,
  relationships,
  stageDailyCounts,
  stageTransitions,
  users,
} from '../../src/lib/database/schema';

/**
 * An org with a row in every org-scoped table, each holding `canary` where a text column allows (written
 * as the superuser: the fixtures of tests that check what the app role may see). Into `existingOrgId`
 * when given, else into a new org named "Org <canary>".
 */
export async function orgWithEveryTable(
  db: Database,
  canary: string,
  existingOrgId?: string,
): Promise<{
  orgId: string;
  participantId: string;
  interventionId: string;
  jobId: string;
  streamId: string;
}> {
  const orgId =
    existingOrgId ??
    (
      await db
        .insert(orgs)
        .values({ name: `Org ${canary}` })
        .returning({ id: orgs.id })
    )[0]!.id;
  const [user] = await db
    .insert(users)
    .values({ email: `${canary.toLowerCase()}@example.com`, name: canary })
    .returning({ id: users.id });
  await db.insert(orgMemberships).values({ orgId, userId: user!.id, role: 'owner' });
  // The participants bring the org's segment_counts rows with them (triggers, migration 0018).
  const [p1, p2] = await db
    .insert(participants)
    .values(
      [1, 2].map((n) => ({
        orgId,
        displayName: `${canary} participant ${n}`,
        role: 'member',
        origin: canary,
      })),
    )
    .returning({ id: participants.id });
  const [edge] = await db
    .insert(relationships)
    .values({
      orgId,
      fromParticipantId: p1!.id,
      toParticipantId: p2!.id,
      type: 'knows',
      source: canary,
      confidenceScore: 0.5,
    })
    .returning({ id: relationships.id });
  await db.insert(events).values({
    orgId,
    actorUserId: user!.id,
    actorRole: 'owner',
    eventType: 'audit.viewed',
    metadata: { canary },
  });
  const noteId = crypto.randomUUID();
  await db.insert(auditAnchors).values({
    orgId,
    seq: 1,
    headHash: canary,
    anchoredAt: new Date(),
    keyId: canary,
    signature: canary,
  });
  const [intervention] = await db
    .insert(interventions)
    .values({
      orgId,
      operatorUserId: user!.id,
      operatorRole: 'owner',
      type: 'add_note',
      scope: 'participant',
      targetIds: [p1!.id],
      reason: canary,
      previousState: { targets: { [p1!.id]: { noteId: null } } },
      newState: { targets: { [p1!.id]: { noteId } }, results: { [p1!.id]: 'changed' } },
    })
    .returning({ id: interventions.id });
  await db.insert(recommendations).values({
    orgId,
    targetType: 'participant',
    targetId: p1!.id,
    suggestedAction: 'flag_for_review',
    reason: canary,
    confidence: 0.5,
  });
  await db.insert(orgSettings).values({ orgId });
  const [stream] = await db
    .insert(auditStreams)
    .values({
      orgId,
      url: `https://${canary.toLowerCase()}.example.com/hook`,
      secret: canary,
      lastError: canary,
    })
    .returning({ id: auditStreams.id });
  await db.insert(auditDeliveries).values({
    orgId,
    streamId: stream!.id,
    fromSeq: 1,
    toSeq: 1,
    events: 1,
    status: 'failed',
    error: canary,
    attempt: 1,
    durationMs: 1,
  });
  const [upload] = await db
    .insert(importUploads)
    .values({ orgId, kind: 'participants', dryRun: true, bytes: canary.length, chunks: 1 })
    .returning({ id: importUploads.id });
  await db
    .insert(importUploadChunks)
    .values({ orgId, uploadId: upload!.id, n: 0, data: Buffer.from(canary) });
  await db.insert(apiKeys).values({
    orgId,
    name: canary,
    role: 'viewer',
    prefix: canary,
    secretHash: createHash('sha256').update(canary).digest('hex'),
    createdByUserId: user!.id,
  });
  await db.insert(participantControls).values({ orgId, participantId: p1!.id, flaggedForReview: true });
  await db.insert(participantNotes).values({
    orgId,
    id: noteId,
    participantId: p1!.id,
    interventionId: intervention!.id,
    body: canary,
  });
  await db.insert(relationshipControls).values({ orgId, relationshipId: edge!.id, flaggedForReview: true });
  await db
    .insert(idempotencyKeys)
    .values({ orgId, userId: user!.id, key: canary, requestHash: canary, responseBody: canary });
  const [job] = await db
    .insert(jobs)
    .values({ orgId, kind: 'atlas_run', status: 'succeeded', timeLimitSeconds: 60, error: canary })
    .returning({ id: jobs.id });
  await db.insert(stageDailyCounts).values({ orgId, day: '2026-01-01', stage: 'new', count: 2 });
  await db
    .insert(stageTransitions)
    .values({ orgId, day: '2026-01-01', fromStage: 'new', toStage: 'active', cause: 'engine', count: 1 });
  const stageCounts = { new: 2, active: 0, at_risk: 0, dormant: 0 };
  await db.insert(atlasCommunities).values(
    [0, 1].map((community) => ({
      orgId,
      jobId: job!.id,
      community,
      size: 1,
      stageCounts,
      label: `${canary} community`,
      centralParticipantIds: [p1!.id],
      x: 0,
      y: 0,
      activity: {},
    })),
  );
  await db
    .insert(atlasCommunityLinks)
    .values({ orgId, jobId: job!.id, fromCommunity: 0, toCommunity: 1, count: 1 });
  await db.insert(atlasParticipantScores).values({
    orgId,
    jobId: job!.id,
    participantId: p1!.id,
    community: 0,
    pagerank: 0.5,
    pagerankTop: 0.5,
    bridging: 0,
    x: 0,
    y: 0,
  });
  return {
    orgId,
    participantId: p1!.id,
    interventionId: intervention!.id,
    jobId: job!.id,
    streamId: stream!.id,
  };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * What must never reach another org's users: `canary`, the org's id and name, and every id in any of its
 * rows (the users it names included).
 */
export async function canariesOf(db: Database, orgId: string, canary: string): Promise<string[]> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`SELECT c.relname AS name FROM pg_class c
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'`,
  );
  const found = new Set<string>([canary, orgId]);
  for (const { name } of tables) {
    const rows = await queryRows<{ row: string }>(
      db,
      sql`SELECT to_jsonb(t.*)::text AS row FROM ${sql.identifier(name)} t WHERE org_id = ${orgId}`,
    );
    for (const { row } of rows) for (const id of row.match(UUID) ?? []) found.add(id);
  }
  const [org] = await queryRows<{ name: string }>(db, sql`SELECT name FROM orgs WHERE id = ${orgId}`);
  found.add(org!.name);
  return [...found];
}
