import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { events } from '../../src/lib/database/schema';
import { hashPassword } from '../../src/lib/password';
import {
  unsafeAddMembership,
  unsafeCreateOrg,
  unsafeCreateUserWithPassword,
} from '../../src/lib/repositories/unsafe';
import { loadSyntheticOrg } from '../../src/lib/seed/load-synthetic';
import { createTestApi, signIn, TEST_PASSWORD } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

// The relationships and segment exports, and the round trip an operator relies on: what the console
// exports imports back into an empty org unchanged.

describeEachDatabase('exports', ({ db }) => {
  async function setup() {
    const api = createTestApi(db());
    const source = await loadSyntheticOrg(
      db(),
      { name: 'Source', timezone: 'UTC' },
      { participants: 300, edges: 900, seed: 11, now: new Date('2026-11-01T00:00:00Z') },
    );
    const user = await unsafeCreateUserWithPassword(db().db, {
      email: 'exporter@example.com',
      name: 'Exporter',
      passwordHash: await hashPassword(TEST_PASSWORD),
    });
    await unsafeAddMembership(db().db, { orgId: source.orgId, userId: user.id, role: 'owner', via: 'test' });
    const cookie = await signIn(api, 'exporter@example.com');
    const get = async (path: string) => {
      const response = await api.request(path, { cookie });
      return { status: response.status, text: await response.text(), response };
    };
    const upload = async (orgId: string, kind: string, body: string) => {
      const response = await api.request(`/api/orgs/${orgId}/imports?kind=${kind}`, {
        method: 'POST',
        cookie,
        body,
        headers: { 'content-type': 'text/csv' },
      });
      return { status: response.status, body: (await response.json()) as { counts: Record<string, number> } };
    };
    return { api, source, user, cookie, get, upload };
  }

  /** CSV lines with the named columns left out (ids differ between orgs). */
  const without = (csv: string, dropped: string[]) => {
    const lines = csv.trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    const keep = header.map((name, i) => (dropped.includes(name) ? -1 : i)).filter((i) => i >= 0);
    // No exported cell of these orgs holds a comma or a quote (synthetic names and emails).
    return lines.map((line) => keep.map((i) => line.split(',')[i]).join(','));
  };

  it('streams the relationships with both participants’ emails, as CSV and NDJSON, and audits it', async () => {
    const { source, get } = await setup();
    const csv = await get(`/api/orgs/${source.orgId}/relationships/export?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,fromEmail,toEmail,type,source,confidence,fromParticipantId,toParticipantId,createdAt',
    );
    expect(lines).toHaveLength(1 + 900);
    const ndjson = await get(`/api/orgs/${source.orgId}/relationships/export?minConfidence=0.5`);
    const rows = ndjson.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(900);
    expect(rows.every((r) => r.confidence >= 0.5 && /@synthetic\.example$/.test(r.fromEmail))).toBe(true);
    const audited = await db()
      .db.select({ metadata: events.metadata })
      .from(events)
      .where(and(eq(events.orgId, source.orgId), eq(events.eventType, 'relationships.exported')))
      .orderBy(events.seq);
    expect(audited.map((e) => e.metadata)).toEqual([
      { format: 'csv' },
      { format: 'ndjson', minConfidence: 0.5 },
    ]);
    expect((await get(`/api/orgs/${source.orgId}/relationships/export?format=xml`)).status).toBe(400);
  });

  it('exports the members of one segment, the same rows the list shows for it', async () => {
    const { source, get } = await setup();
    const exported = await get(`/api/orgs/${source.orgId}/segments/at_risk/export`);
    expect(exported.status).toBe(200);
    const ids = exported.text
      .trimEnd()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line).id)
      .sort();
    expect(ids.length).toBeGreaterThan(0);
    const listed = JSON.parse(
      (await get(`/api/orgs/${source.orgId}/participants?segment=at_risk&limit=500`)).text,
    );
    expect(ids).toEqual(listed.items.map((p: { id: string }) => p.id).sort());
    const [event] = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, source.orgId), eq(events.eventType, 'segment.exported')));
    expect(event).toMatchObject({
      targetType: 'segment',
      targetId: 'at_risk',
      metadata: { format: 'ndjson' },
    });
    expect((await get(`/api/orgs/${source.orgId}/segments/nobody/export`)).status).toBe(400);
  });

  it('imports an exported participants and relationships pair into an empty org unchanged', async () => {
    const { source, user, get, upload } = await setup();
    const people = (await get(`/api/orgs/${source.orgId}/participants/export?format=csv`)).text;
    const links = (await get(`/api/orgs/${source.orgId}/relationships/export?format=csv`)).text;

    const empty = await unsafeCreateOrg(db().db, { name: 'Empty', timezone: 'UTC' });
    await unsafeAddMembership(db().db, { orgId: empty.id, userId: user.id, role: 'owner', via: 'test' });
    expect((await upload(empty.id, 'participants', people)).body.counts).toMatchObject({
      created: 300,
      rejected: 0,
    });
    expect((await upload(empty.id, 'relationships', links)).body.counts).toMatchObject({
      created: 900,
      rejected: 0,
    });

    const peopleAgain = (await get(`/api/orgs/${empty.id}/participants/export?format=csv`)).text;
    const linksAgain = (await get(`/api/orgs/${empty.id}/relationships/export?format=csv`)).text;
    expect(without(peopleAgain, ['id'])).toEqual(without(people, ['id']));
    const ends = ['id', 'fromParticipantId', 'toParticipantId'];
    expect(without(linksAgain, ends).sort()).toEqual(without(links, ends).sort());
    // And the same files again change nothing.
    expect((await upload(empty.id, 'participants', people)).body.counts).toMatchObject({ unchanged: 300 });
    expect((await upload(empty.id, 'relationships', links)).body.counts).toMatchObject({ unchanged: 900 });
  });
});
