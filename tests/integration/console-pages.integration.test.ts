import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eUser, E2E_PASSWORD } from '../../e2e/fixtures';
import { startE2eServer, type E2eServer } from '../../e2e/server';
import { queryRows } from '../../src/lib/db';
import { MEMBERSHIP_ROLES, type MembershipRole } from '../../src/lib/domain';
import { hashPassword } from '../../src/lib/password';
import { can, type Permission } from '../../src/lib/permissions';
import { unsafeCreateUserWithPassword } from '../../src/lib/repositories/unsafe';
import { canariesOf, orgWithEveryTable } from '../setup/org-fixtures';
import { signInOverHttp } from '../setup/server';

// Every console page, requested as each role, a member of no org and nobody, on the real server (the
// production build): the status the role table promises, the same audit event as the API's matching
// read for a page that shows org data, and exactly one access.denied for a refused page (the layout
// and the page share one guard per request). A second org holds its canary in every org table, and no
// page shown to the first org's members holds anything of it (issue 9, item 9a).

interface ConsolePage {
  name: string;
  path: (w: World) => string;
  permission: Permission;
  /** The event the page writes itself, as its API read does; null when the browser reads through the API. */
  event: string | null;
}

interface World {
  server: E2eServer;
  participantId: string;
  interventionId: string;
  /** Everything of the other org: its canary, name and ids. */
  foreign: string[];
}

const org = (w: World, rest = '') => `/console/${w.server.orgId}${rest}`;

const PAGES: ConsolePage[] = [
  { name: 'overview', path: (w) => org(w), permission: 'org.read', event: 'overview.viewed' },
  { name: 'graph', path: (w) => org(w, '/graph'), permission: 'graph.read', event: null },
  {
    name: 'participants',
    path: (w) => org(w, '/participants?segment=at_risk'),
    permission: 'participants.read',
    event: 'participants.listed',
  },
  {
    name: 'participant',
    path: (w) => org(w, `/participants/${w.participantId}`),
    permission: 'participants.read',
    event: 'participant.viewed',
  },
  {
    name: 'segments',
    path: (w) => org(w, '/segments'),
    permission: 'segments.read',
    event: 'segments.viewed',
  },
  {
    name: 'recommendations',
    path: (w) => org(w, '/recommendations'),
    permission: 'recommendations.read',
    event: 'recommendations.viewed',
  },
  {
    name: 'interventions',
    path: (w) => org(w, '/interventions'),
    permission: 'interventions.read',
    event: null,
  },
  {
    name: 'intervention',
    path: (w) => org(w, `/interventions/${w.interventionId}`),
    permission: 'interventions.read',
    event: 'intervention.viewed',
  },
  { name: 'audit log', path: (w) => org(w, '/audit'), permission: 'audit.read', event: 'audit.viewed' },
  { name: 'members', path: (w) => org(w, '/members'), permission: 'members.manage', event: null },
  { name: 'settings', path: (w) => org(w, '/settings'), permission: 'org.settings', event: null },
];

type Caller = MembershipRole | 'outsider';

describe('console pages on the real server', () => {
  const world = {} as World;
  const cookies = new Map<Caller, string>();
  const userIds = new Map<Caller, string>();

  beforeAll(async () => {
    world.server = await startE2eServer();
    const { server } = world;
    for (const role of MEMBERSHIP_ROLES) {
      const user = await e2eUser(server, role);
      const cookie = await signInOverHttp(server.url, user.email, E2E_PASSWORD);
      cookies.set(role, `${cookie.name}=${cookie.value}`);
      userIds.set(role, user.id);
    }
    const outsider = await unsafeCreateUserWithPassword(server.database.db, {
      email: 'outsider@elsewhere.example',
      name: 'Outsider',
      passwordHash: await hashPassword(E2E_PASSWORD),
    });
    const cookie = await signInOverHttp(server.url, 'outsider@elsewhere.example', E2E_PASSWORD);
    cookies.set('outsider', `${cookie.name}=${cookie.value}`);
    userIds.set('outsider', outsider.id);

    const owner = { origin: server.url, cookie: cookies.get('owner')! };
    const list = await fetch(`${server.url}/api/orgs/${server.orgId}/participants?limit=1`, {
      headers: owner,
    });
    world.participantId = ((await list.json()) as { items: { id: string }[] }).items[0]!.id;
    const created = await fetch(`${server.url}/api/orgs/${server.orgId}/interventions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...owner },
      body: JSON.stringify({
        type: 'add_note',
        scope: 'participant',
        targetIds: [world.participantId],
        reason: 'Page test',
        newState: { note: 'Called on Monday' },
      }),
    });
    expect(created.status).toBe(201);
    world.interventionId = ((await created.json()) as { id: string }).id;
    const other = await orgWithEveryTable(server.database.db, 'CanaryB');
    world.foreign = await canariesOf(server.database.db, other.orgId, 'CanaryB');
  }, 300_000);

  afterAll(async () => {
    await world.server?.stop();
  });

  async function eventsBy(caller: Caller): Promise<Map<string, number>> {
    const rows = await queryRows<{ type: string; n: number }>(
      world.server.database.db,
      sql`SELECT event_type AS type, count(*)::int AS n FROM events
          WHERE org_id = ${world.server.orgId} AND actor_user_id = ${userIds.get(caller)!} GROUP BY 1`,
    );
    return new Map(rows.map((r) => [r.type, r.n]));
  }

  async function visit(caller: Caller, page: ConsolePage) {
    const before = await eventsBy(caller);
    const response = await fetch(`${world.server.url}${page.path(world)}`, {
      headers: { cookie: cookies.get(caller)! },
      redirect: 'manual',
    });
    const html = await response.text();
    const after = await eventsBy(caller);
    const written = Object.fromEntries(
      [...after]
        .filter(([type, n]) => n !== (before.get(type) ?? 0))
        .map(([type, n]) => [type, n - (before.get(type) ?? 0)]),
    );
    return { status: response.status, html, written };
  }

  for (const page of PAGES) {
    for (const role of MEMBERSHIP_ROLES) {
      const allowed = can(role, page.permission);
      it(`${page.name} as ${role}: ${allowed ? `200${page.event ? `, ${page.event}` : ''}` : '403, one access.denied'}`, async () => {
        const { status, written, html } = await visit(role, page);
        for (const value of world.foreign) expect(html, `leaks ${value}`).not.toContain(value);
        if (allowed) {
          expect(status).toBe(200);
          expect(written).toEqual(page.event ? { [page.event]: 1 } : {});
        } else {
          expect(status).toBe(403);
          expect(written).toEqual({ 'access.denied': 1 });
        }
      });
    }

    it(`${page.name} for a member of no org: 403, one access.denied, nothing of the org`, async () => {
      const { status, html, written } = await visit('outsider', page);
      expect(status).toBe(403);
      expect(written).toEqual({ 'access.denied': 1 });
      expect(html).toContain('No access');
      expect(html).not.toContain('Iron Front Digital');
    });

    it(`${page.name} without a session: to the sign-in page and back`, async () => {
      const response = await fetch(`${world.server.url}${page.path(world)}`, { redirect: 'manual' });
      expect([302, 303, 307]).toContain(response.status);
      const location = new URL(response.headers.get('location')!, world.server.url);
      expect(location.pathname).toBe('/sign-in');
      expect(location.searchParams.get('next')).toMatch(/^\/console\//);
    });
  }

  it('answers 404 for a participant or an intervention that is not in the org', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const path of [`/participants/${missing}`, `/interventions/${missing}`]) {
      const response = await fetch(`${world.server.url}${org(world, path)}`, {
        headers: { cookie: cookies.get('viewer')! },
        redirect: 'manual',
      });
      expect(response.status, path).toBe(404);
    }
  });

  it('shows each role only the navigation its permissions open', async () => {
    for (const role of MEMBERSHIP_ROLES) {
      const { html } = await visit(role, PAGES[0]!);
      for (const [label, permission] of [
        ['Audit log', 'audit.read'],
        ['Members', 'members.manage'],
        ['Settings', 'org.settings'],
      ] as const) {
        const link = new RegExp(
          `href="/console/${world.server.orgId}/${label === 'Audit log' ? 'audit' : label.toLowerCase()}"`,
        );
        expect(link.test(html), `${role} and the ${label} link`).toBe(can(role, permission));
      }
    }
  });
});
