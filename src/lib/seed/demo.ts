import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db';
import { unsafeWithOrgId } from '../database/with-org';
import {
  events,
  orgMemberships,
  orgs,
  participants,
  recommendations,
  relationships,
} from '../database/schema';
import { generatePassword, hashPassword } from '../password';
import { unsafeCreateUserWithPassword, unsafeFindOrg, unsafeFindUserByEmail } from '../repositories/unsafe';
import {
  DEMO_EVENTS,
  DEMO_OPERATOR,
  DEMO_ORG,
  DEMO_PARTICIPANTS,
  DEMO_RECOMMENDATIONS,
  DEMO_RELATIONSHIPS,
  type DemoRelationship,
} from './demo-data';
import { stableId } from './stable-id';

export interface DemoSeedResult {
  orgId: string;
  orgName: string;
  operatorEmail: string;
  /** Set only when this run created the operator with a generated password: it is shown once. */
  generatedPassword?: string;
  /** Rows this run inserted, per table; all zero when the demo was already there. */
  inserted: Record<
    'orgs' | 'users' | 'memberships' | 'participants' | 'relationships' | 'events' | 'recommendations',
    number
  >;
}

const DAY = 86_400_000;
const ago = (now: number, days: number) => new Date(now - days * DAY);
const participantId = (key: string) => stableId(`participant:${key}`);
const relationshipId = (r: Pick<DemoRelationship, 'from' | 'to' | 'type'>) =>
  stableId(`relationship:${r.from}>${r.to}:${r.type}`);

/**
 * Inserts what is missing of the demo org and nothing else: every row has a stable id and conflicts
 * are skipped, so a second run — or a run after operators changed the data — alters nothing.
 */
export async function seedDemo(
  db: Database,
  options: { operatorPassword?: string } = {},
): Promise<DemoSeedResult> {
  const now = Date.now();
  const existingUser = await unsafeFindUserByEmail(db, DEMO_OPERATOR.email);
  const generatedPassword = existingUser || options.operatorPassword ? undefined : generatePassword();
  const passwordHash = existingUser
    ? undefined
    : await hashPassword(options.operatorPassword ?? generatedPassword!);

  return db.transaction(async (tx) => {
    const inserted: DemoSeedResult['inserted'] = {
      orgs: 0,
      users: 0,
      memberships: 0,
      participants: 0,
      relationships: 0,
      events: 0,
      recommendations: 0,
    };
    let org = await unsafeFindOrg(tx, DEMO_ORG.name);
    if (!org) {
      [org] = await tx
        .insert(orgs)
        .values({ id: stableId('org:demo'), ...DEMO_ORG })
        .returning({ id: orgs.id, name: orgs.name, timezone: orgs.timezone });
      inserted.orgs = 1;
    }
    const orgId = org!.id;

    let user = existingUser ?? (await unsafeFindUserByEmail(tx, DEMO_OPERATOR.email));
    if (!user) {
      user = await unsafeCreateUserWithPassword(tx, { ...DEMO_OPERATOR, passwordHash: passwordHash! });
      inserted.users = 1;
    }

    // The org's own rows are written bound to it (row-level security, decision 029).
    await unsafeWithOrgId(tx, orgId, async (orgTx) => {
      inserted.memberships = await countInserted(
        orgTx.insert(orgMemberships).values({ orgId, userId: user.id, role: 'owner' }).onConflictDoNothing(),
      );

      inserted.participants = await countInserted(
        orgTx
          .insert(participants)
          .values(
            DEMO_PARTICIPANTS.map((p) => ({
              orgId,
              id: participantId(p.key),
              email: p.email,
              displayName: p.displayName,
              role: p.role,
              origin: p.origin,
              lifecycleStage: p.lifecycleStage,
              lastActivityAt: p.lastActiveDaysAgo === null ? null : ago(now, p.lastActiveDaysAgo),
              createdAt: ago(now, p.createdDaysAgo),
            })),
          )
          .onConflictDoNothing(),
      );

      inserted.relationships = await countInserted(
        orgTx
          .insert(relationships)
          .values(
            DEMO_RELATIONSHIPS.map((r) => ({
              orgId,
              id: relationshipId(r),
              fromParticipantId: participantId(r.from),
              toParticipantId: participantId(r.to),
              type: r.type,
              source: r.source,
              confidenceScore: r.confidence,
              createdAt: ago(now, r.createdDaysAgo),
            })),
          )
          .onConflictDoNothing(),
      );

      inserted.events = await countInserted(
        orgTx
          .insert(events)
          .values(
            DEMO_EVENTS.map((e) => ({
              orgId,
              id: stableId(`event:${e.key}`),
              actorUserId: user.id,
              actorRole: 'owner',
              eventType: e.eventType,
              targetType: e.targetType,
              targetId:
                e.targetType === 'user' ? user.id : e.targetType === 'org' ? orgId : participantId(e.target!),
              metadata: e.metadata,
              createdAt: new Date(now - e.hoursAgo * 3_600_000),
            })),
          )
          .onConflictDoNothing(),
      );

      inserted.recommendations = await countInserted(
        orgTx
          .insert(recommendations)
          .values(
            DEMO_RECOMMENDATIONS.map((r) => ({
              orgId,
              id: stableId(`recommendation:${r.key}`),
              targetType: r.targetType,
              targetId:
                r.targetType === 'participant' ? participantId(r.target) : relationshipIdFromRef(r.target),
              suggestedAction: r.suggestedAction,
              reason: r.reason,
              confidence: r.confidence,
              status: 'pending',
            })),
          )
          .onConflictDoNothing(),
      );
    });

    return { orgId, orgName: org!.name, operatorEmail: DEMO_OPERATOR.email, generatedPassword, inserted };
  });
}

/** `from>to:type`, the demo's way of naming a relationship. */
function relationshipIdFromRef(ref: string): string {
  const match = /^(.+)>(.+):(.+)$/.exec(ref);
  if (!match) throw new Error(`bad relationship reference in demo data: ${ref}`);
  return relationshipId({ from: match[1]!, to: match[2]!, type: match[3]! });
}

async function countInserted(query: PromiseLike<unknown>): Promise<number> {
  const result = (await query) as { rowCount?: number | null; affectedRows?: number };
  return result.rowCount ?? result.affectedRows ?? 0;
}

export async function countDemoRows(db: Database, orgId: string) {
  const [counts] = await queryRows<Record<string, number>>(
    db,
    sql`
    SELECT
      (SELECT count(*)::int FROM participants WHERE org_id = ${orgId}) AS participants,
      (SELECT count(*)::int FROM participants WHERE org_id = ${orgId} AND role = 'system_participant') AS system_participants,
      (SELECT count(*)::int FROM relationships WHERE org_id = ${orgId}) AS relationships,
      (SELECT count(*)::int FROM events WHERE org_id = ${orgId}) AS events,
      (SELECT count(*)::int FROM recommendations WHERE org_id = ${orgId}) AS recommendations,
      (SELECT count(*)::int FROM org_memberships WHERE org_id = ${orgId}) AS memberships`,
  );
  return counts!;
}
