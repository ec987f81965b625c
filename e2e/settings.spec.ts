import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { useE2eServer } from './server';

// Settings in the browser: an owner changes a threshold and the segments page states it at once; a
// rule across fields is refused inline; an owner runs a stage update and follows it to its summary,
// which the Overview's stage charts then show; an admin is refused the page and never offered it.

// Not a React hook: the fixture registers this file's beforeAll/afterAll (its name trips the hooks rule).
// eslint-disable-next-line react-hooks/rules-of-hooks
const server = useE2eServer();

describe('org settings', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lets an owner change a threshold that the segments page then states', async () => {
    const { context, page } = await signedInPage(browser, { server: server(), role: 'owner' });
    try {
      const segments = `${server().url}/console/${server().orgId}/segments`;
      await page.goto(segments);
      // The page streams after its loading skeleton: wait for its heading before reading it.
      await page.waitForSelector('main h1');
      expect(await page.textContent('main')).toContain('Activity in the last 30 days');
      await page.getByRole('link', { name: 'Edit thresholds' }).click();
      await page.waitForURL(/\/settings$/);

      // Dormant before active ends breaks the rule between the fields: refused, named inline.
      await page.fill('#dormantDays', '20');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.waitForSelector('#dormantDays-error');
      expect(await page.textContent('#dormantDays-error')).toMatch(/more than the active days/);

      await page.fill('#dormantDays', '60');
      await page.fill('#activeDays', '21');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Settings saved').waitFor();

      await page.goto(segments);
      await page.waitForSelector('main h1');
      const main = await page.textContent('main');
      expect(main).toContain('Activity in the last 21 days');
      expect(main).toContain('No activity for 21 days, but some in the last 60 days');
    } finally {
      await context.close();
    }
  });

  it('runs a stage update from Settings, follows it to its summary, and the Overview charts it', async () => {
    const { context, page } = await signedInPage(browser, { server: server(), role: 'owner' });
    try {
      const base = `${server().url}/console/${server().orgId}`;
      await page.goto(base);
      await page.waitForSelector('main h1');
      expect(await page.textContent('main')).toContain('No stage update has run yet');

      await page.goto(`${base}/settings`);
      await page.waitForSelector('main h1');
      await page.getByRole('button', { name: 'Update stages now' }).click();
      const summary = page.locator('[data-stage-update-last]');
      await summary.waitFor();
      // The demo org's ten regular participants, some of whose stored stages their activity contradicts.
      expect(await summary.textContent()).toMatch(/\d+ participants? changed stage of 10 checked/);

      await page.goto(base);
      await page.waitForSelector('main h1');
      const main = await page.textContent('main');
      expect(main).not.toContain('No stage update has run yet');
      expect(main).toContain('Stages over time');
      await page.getByRole('button', { name: 'Week' }).click();
      await page.waitForURL(/flows=week/);
    } finally {
      await context.close();
    }
  });

  it('refuses the page to an admin, who is not offered it in the navigation', async () => {
    const { context, page } = await signedInPage(browser, { server: server(), role: 'admin' });
    try {
      const response = await page.goto(`${server().url}/console/${server().orgId}/settings`);
      expect(response?.status()).toBe(403);
      expect(await page.textContent('main')).toContain('Your role does not open this page');
      await page.goto(`${server().url}/console/${server().orgId}/segments`);
      await page.waitForSelector('main h1');
      expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Edit thresholds' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
