import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../src/lib/db';
import { orgs, participants, relationships } from '../../src/lib/database/schema';
import { loadSyntheticOrg } from '../../src/lib/seed/load-synthetic';
import { describeEachDatabase, type TestDatabase } from '../setup/databases';

/** Participants whose stored counters differ from their relationships counted now. */
async function wrongCounters(db: TestDatabase, orgId: string) {
  return queryRows<{ id: string }>(
    db.db,
    sql`SELECT p.id FROM participants p
        WHERE p.org_id = ${orgId} AND (
          p.out_degree <> (SELECT count(*) FROM relationships r WHERE r.org_id = p.org_id AND r.from_participant_id = p.id) OR
          p.in_degree <> (SELECT count(*) FROM relationships r WHERE r.org_id = p.org_id AND r.to_participant_id = p.id))`,
  );
}

describeEachDatabase('degree counters', ({ db }) => {
  it('follow inserts, updates, deletes and cascades of relationships', async () => {
    const [org] = await db().db.insert(orgs).values({ name: 'Org' }).returning({ id: orgs.id });
    const orgId = org!.id;
    const people = await db()
      .db.insert(participants)
      .values([1, 2, 3, 4].map((n) => ({ orgId, displayName: `P${n}`, role: 'member', origin: 'manual' })))
      .returning({ id: participants.id });
    const [a, b, c, d] = people.map((p) => p.id) as [string, string, string, string];
    const edge = (from: string, to: string, type = 'knows') => ({
      orgId,
      fromParticipantId: from,
      toParticipantId: to,
      type,
      source: 'manual',
      confidenceScore: 0.5,
    });
    await db()
      .db.insert(relationships)
      .values([edge(a, b), edge(a, c), edge(b, c), edge(c, a), edge(a, b, 'advises')]);
    expect(await wrongCounters(db(), orgId)).toEqual([]);
    const [row] = await db()
      .db.select({ out: participants.outDegree, in: participants.inDegree })
      .from(participants)
      .where(eq(participants.id, a));
    expect(row).toEqual({ out: 3, in: 1 });

    await db()
      .db.update(relationships)
      .set({ toParticipantId: d })
      .where(and(eq(relationships.orgId, orgId), eq(relationships.fromParticipantId, b)));
    expect(await wrongCounters(db(), orgId)).toEqual([]);
    await db()
      .db.delete(relationships)
      .where(and(eq(relationships.orgId, orgId), eq(relationships.type, 'advises')));
    expect(await wrongCounters(db(), orgId)).toEqual([]);
    await db()
      .db.delete(participants)
      .where(and(eq(participants.orgId, orgId), eq(participants.id, c)));
    expect(await wrongCounters(db(), orgId)).toEqual([]);
  });

  it('are right after a bulk synthetic load', async () => {
    const result = await loadSyntheticOrg(
      db(),
      { name: 'Bulk', timezone: 'UTC' },
      { participants: 2000, edges: 9000, seed: 5, now: new Date() },
    );
    expect(await wrongCounters(db(), result.orgId)).toEqual([]);
  });
});
