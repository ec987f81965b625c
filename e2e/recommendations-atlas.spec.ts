import type { Browser, Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs } from '../src/lib/database/schema';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { useE2eServer } from './server';

// Atlas on the Recommendations page, with the server's own job runner: an admin runs it and watches
// its progress, then its summary and the recommendations it made; a run in progress is followed by a
// viewer who opens the page (without Run or Cancel) and by an admin whose Run is answered 409.

// Not a React hook: the fixture registers this file's beforeAll/afterAll (its name trips the hooks rule).
// eslint-disable-next-line react-hooks/rules-of-hooks
const server = useE2eServer();

const atlasCard = (page: Page) =>
  page.locator('section', { has: page.getByRole('heading', { name: 'Atlas', exact: true }) });

const pendingCount = async (page: Page) =>
  Number((await page.getByRole('tab', { name: /^Pending/ }).textContent())!.replace('Pending', ''));

describe('Atlas on the Recommendations page', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('an admin runs Atlas: progress while it runs, then its summary and the recommendations it made', async () => {
    const { url, orgId } = server();
    const { page, context } = await signedInPage(browser, { server: server(), role: 'admin' });
    try {
      await page.goto(`${url}/console/${orgId}/recommendations`);
      const card = atlasCard(page);
      await card.getByText('Atlas has not run yet').waitFor();
      const before = await pendingCount(page);

      await card.getByRole('button', { name: 'Run Atlas' }).click();
      // The 202's job is shown at once, before the first poll.
      const progress = card.getByRole('progressbar', { name: 'Atlas run' });
      await progress.waitFor();
      expect(await card.locator('[aria-live="polite"]').textContent()).toMatch(/^Atlas run/);
      expect(await card.getByRole('button', { name: 'Cancel run' }).count()).toBe(1);

      const lastRun = card.locator('[data-atlas-last-run]');
      await lastRun.waitFor({ timeout: 60_000 });
      await progress.waitFor({ state: 'detached' });
      const summary = (await lastRun.textContent())!;
      expect(summary).toMatch(/Last run\s+just now · took [\d.]+ (ms|s)/);
      expect(summary).toContain('12 participants');
      expect(await lastRun.getByRole('row').count()).toBe(1 + 5); // a header and one row per detector
      await page.locator('[data-sonner-toast]').filter({ hasText: 'Atlas run finished' }).waitFor();

      // The page read its data again: the inbox holds what the run made (and no longer what it superseded).
      const caption = (await lastRun.locator('caption').textContent())!;
      const [created, , superseded] = [...caption.matchAll(/(\d+)/g)].map((m) => Number(m[1]));
      const expected = before + created! - superseded!;
      await expect.poll(() => pendingCount(page), { timeout: 10_000 }).toBe(expected);
      expect(await page.locator('article[data-rec-id]').count()).toBe(expected);
      expect(await card.getByRole('button', { name: 'Run Atlas' }).isEnabled()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('follows a run in progress: a viewer who opens the page, an admin whose Run is answered 409', async () => {
    const { url, orgId, database } = server();
    const admin = await signedInPage(browser, { server: server(), role: 'admin' });
    const viewer = await signedInPage(browser, { server: server(), role: 'viewer' });
    try {
      await admin.page.goto(`${url}/console/${orgId}/recommendations`);
      const adminCard = atlasCard(admin.page);
      await adminCard.locator('[data-atlas-last-run]').waitFor();

      // A run another process holds (its heartbeat is fresh for an hour, so this server's runner leaves
      // it alone), started after the admin's page was read.
      const [running] = await database.db
        .insert(jobs)
        .values({
          orgId,
          kind: 'atlas_run',
          status: 'running',
          phase: 'PageRank',
          progress: 0.4,
          attempts: 1,
          workerId: 'e2e:elsewhere',
          timeLimitSeconds: 1800,
          startedAt: new Date(),
          heartbeatAt: new Date(Date.now() + 3_600_000),
        })
        .returning({ id: jobs.id });

      await viewer.page.goto(`${url}/console/${orgId}/recommendations`);
      const viewerCard = atlasCard(viewer.page);
      await viewerCard.getByRole('progressbar', { name: 'Atlas run' }).waitFor();
      expect(await viewerCard.locator('[data-atlas-progress]').textContent()).toContain('PageRank40%');
      expect(await viewerCard.locator('[aria-live="polite"]').textContent()).toBe('Atlas run: PageRank');
      expect(await viewerCard.getByRole('button').count()).toBe(0);

      await adminCard.getByRole('button', { name: 'Run Atlas' }).click();
      await adminCard.getByRole('progressbar', { name: 'Atlas run' }).waitFor();
      await adminCard.locator('[data-atlas-progress]').getByText('PageRank').waitFor();
      expect(await adminCard.getByRole('button', { name: 'Cancel run' }).count()).toBe(1);

      await database.db
        .update(jobs)
        .set({
          status: 'succeeded',
          phase: 'done',
          progress: 1,
          finishedAt: new Date(),
          result: {
            durationMs: 1234,
            graph: { participants: 12, relationships: 16, communities: 4, modularity: 0.35 },
            detectors: { reengage: { created: 0, refreshed: 2, superseded: 0 } },
          },
        })
        .where(eq(jobs.id, running!.id));
      for (const card of [viewerCard, adminCard]) {
        await card.locator('[data-atlas-last-run]').getByText('took 1.2 s').waitFor({ timeout: 10_000 });
        expect(await card.getByRole('progressbar').count()).toBe(0);
      }
    } finally {
      await admin.context.close();
      await viewer.context.close();
    }
  });
});
