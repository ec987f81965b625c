import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/lib/db';
import { unsafeAddMembership } from '../src/lib/repositories/unsafe';
import { createOrgScope } from '../src/lib/scope';
import { loadSyntheticOrg } from '../src/lib/seed/load-synthetic';
import { insertAtlasJob, writeRun } from '../tests/setup/atlas-runs';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { useE2eServer } from './server';

// The graph explorer in the browser (software WebGL): find a participant, open the panel, focus on
// them two hops deep — and the URL carries that view, so a reload draws the same. An org too large to
// draw whole opens on its most connected participants until Atlas has run, then on its communities.

// Not a React hook: the fixture registers this file's beforeAll/afterAll (its name trips the hooks rule).
// eslint-disable-next-line react-hooks/rules-of-hooks
const server = useE2eServer();

describe('graph explorer', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('finds a participant, opens the panel and focuses two hops deep, and a reload keeps the view', async () => {
    const { context, page } = await signedInPage(browser, { server: server(), role: 'operator' });
    try {
      await page.goto(`${server().url}/console/${server().orgId}/graph`);
      await page.getByText('12 participants and 16 relationships drawn').waitFor({ timeout: 60_000 });

      const search = page.getByRole('combobox', { name: 'Find a participant in the graph' });
      await search.fill('elena');
      await page.getByRole('option', { name: /Elena Petrova/ }).click();
      const panel = page.getByRole('complementary', { name: 'Participant' });
      await panel.getByTestId('panel-name').getByText('Elena Petrova').waitFor();
      expect(await panel.textContent()).toContain('Open recommendations');

      await panel.getByRole('button', { name: 'Focus here' }).click();
      await page.getByText('Neighbourhood of').waitFor();
      await page.getByRole('radio', { name: '2 hops' }).click();
      await page.waitForURL(/depth=2/);
      const url = new URL(page.url());
      const elena = url.searchParams.get('focus');
      expect(elena).toMatch(/^[0-9a-f-]{36}$/);
      expect(url.searchParams.get('depth')).toBe('2');
      await page.getByText(/participants and [\d,]+ relationships drawn/).waitFor();
      await page.screenshot({ path: path.join(os.tmpdir(), 'operator-console-graph-focus.png') });

      await page.reload();
      await page.getByText('Neighbourhood of').waitFor({ timeout: 60_000 });
      expect(await page.getByRole('radio', { name: '2 hops' }).getAttribute('aria-checked')).toBe('true');
      expect(new URL(page.url()).searchParams.get('focus')).toBe(elena);
      await page.getByText(/participants and [\d,]+ relationships drawn/).waitFor({ timeout: 60_000 });
      expect(await page.textContent('main')).toContain('Elena Petrova');
    } finally {
      await context.close();
    }
  });

  it('opens a large org on its communities once Atlas has run, drills into one by keyboard and comes back', async () => {
    const database = server().database;
    const large = await loadSyntheticOrg(
      database,
      { name: 'Large network', timezone: 'UTC' },
      { participants: 10_200, edges: 30_000, seed: 9, now: new Date() },
    );
    const { context, page, user } = await signedInPage(browser, { server: server(), role: 'admin' });
    await unsafeAddMembership(database.db, {
      orgId: large.orgId,
      userId: user.id,
      role: 'admin',
      via: 'e2e',
    });
    // The communities, a large org's first view once Atlas has run, are read by the page as it
    // renders; before that, and for the views that follow, the explorer asks the API.
    const asked: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === `/api/orgs/${large.orgId}/graph`) asked.push(request.url());
    });
    const graphViews = async () =>
      (
        await queryRows<{ view: string | null }>(
          database.db,
          sql`SELECT metadata->>'view' AS view FROM events
              WHERE org_id = ${large.orgId} AND event_type = 'graph.viewed' ORDER BY created_at, id`,
        )
      ).map((row) => row.view);
    try {
      await page.goto(`${server().url}/console/${large.orgId}/graph`);
      await page.getByText('Atlas has not run for this org yet').waitFor({ timeout: 60_000 });
      expect(asked.map((url) => new URL(url).searchParams.get('view'))).toEqual(['overview']);
      expect(await graphViews()).toEqual(['overview']);
      asked.length = 0;
      expect(
        await page.getByRole('link', { name: 'Run Atlas on the Recommendations page' }).getAttribute('href'),
      ).toBe(`/console/${large.orgId}/recommendations`);

      const scope = createOrgScope({
        orgId: large.orgId,
        orgName: 'Large network',
        timezone: 'UTC',
        userId: user.id,
        userEmail: user.email,
        role: 'admin',
      });
      const jobId = await insertAtlasJob(database, large.orgId, 'succeeded', new Date());
      const { overview } = await writeRun(database, scope, jobId);

      await page.reload();
      const list = page.getByRole('list', { name: 'Communities, largest first' });
      await list.waitFor({ timeout: 60_000 });
      await page.getByTestId('community-canvas').locator('canvas').first().waitFor();
      // The overview's first frame is marked, as the whole graph's is: the bench suite measures it.
      await page.waitForFunction(() => performance.getEntriesByName('graph:first-frame').length === 1);
      expect(await list.getByRole('button').count()).toBe(overview.drawnCommunities);
      expect(asked).toEqual([]);
      expect(await graphViews()).toEqual(['overview', 'overview']);
      await page.screenshot({ path: path.join(os.tmpdir(), 'operator-console-graph-communities.png') });

      await list.getByRole('button').nth(1).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/community=1/);
      const trail = page.getByRole('navigation', { name: 'Where you are in the graph' });
      await trail.waitFor();
      await page.getByText(/participants and [\d,]+ relationships drawn/).waitFor({ timeout: 60_000 });
      const drawn = Number(
        (await page.getByText(/participants and/).textContent())!.split(' ')[0]!.replace(/,/g, ''),
      );
      expect(drawn).toBe(overview.communities[1]!.size);

      expect(asked.map((url) => new URL(url).searchParams.get('community'))).toEqual(['1']);

      // Back to the overview: now asked of the API (the page's answer was for its first view only).
      await trail.getByRole('button', { name: 'Communities' }).click();
      await list.waitFor({ timeout: 60_000 });
      expect(new URL(page.url()).searchParams.get('community')).toBeNull();
      expect(asked.map((url) => new URL(url).searchParams.get('view'))).toEqual([null, 'overview']);
    } finally {
      await context.close();
    }
  });
});
