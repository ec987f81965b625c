import { unsafeWithOrgId } from '../../src/lib/database/with-org';
import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { writeOrgAuditEvent } from '../../src/lib/audit';
import { events, orgs } from '../../src/lib/database/schema';
import { describeEachDatabase } from '../setup/databases';
import { sqlState } from '../setup/sql-state';

describeEachDatabase('the audit log in the database', ({ db }) => {
  it('refuses UPDATE, DELETE and TRUNCATE on events, keeping every row as written', async () => {
    const [org] = await db().db.insert(orgs).values({ name: 'Org' }).returning({ id: orgs.id });
    await unsafeWithOrgId(db().db, org!.id, (tx) =>
      writeOrgAuditEvent(
        tx,
        org!.id,
        { userId: null, role: null },
        { type: 'graph.viewed', metadata: { n: 1 } },
      ),
    );
    expect(
      await sqlState(() =>
        db().db.update(events).set({ eventType: 'audit.viewed' }).where(eq(events.orgId, org!.id)),
      ),
    ).toBe('23001');
    expect(await sqlState(() => db().db.delete(events).where(eq(events.orgId, org!.id)))).toBe('23001');
    expect(await sqlState(() => db().db.execute(sql`TRUNCATE events`))).toBe('23001');
    // Deleting the org would cascade to its events: refused as well.
    expect(await sqlState(() => db().db.delete(orgs).where(eq(orgs.id, org!.id)))).toBe('23001');
    const rows = await db().db.select().from(events);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ eventType: 'graph.viewed', metadata: { n: 1 } });
  });

  it('writes nothing when the action it records fails in the same transaction', async () => {
    const [org] = await db().db.insert(orgs).values({ name: 'Org' }).returning({ id: orgs.id });
    await expect(
      unsafeWithOrgId(db().db, org!.id, async (tx) => {
        await writeOrgAuditEvent(tx, org!.id, { userId: null, role: null }, { type: 'member.added' });
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await db().db.select().from(events)).toHaveLength(0);
  });
});
