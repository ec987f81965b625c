import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { useE2eServer } from './server';

// The participants list in the browser: a segment in the URL filters it and survives a reload, a
// header sorts it (into the URL too), and a row opens the participant with its neighbours.

// Not a React hook: the fixture registers this file's beforeAll/afterAll (its name trips the hooks rule).
// eslint-disable-next-line react-hooks/rules-of-hooks
const server = useE2eServer();

describe('participants', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  const rowNames = (page: Page) =>
    page.locator('table tbody tr td a[href*="/participants/"]').allTextContents();

  it('filters by a segment from the URL, keeps it on reload, sorts by a header and opens a participant', async () => {
    const { context, page } = await signedInPage(browser, { server: server(), role: 'operator' });
    try {
      const list = `${server().url}/console/${server().orgId}/participants`;
      await page.goto(`${list}?segment=at_risk`);
      await page.getByRole('link', { name: 'Elena Petrova' }).waitFor();
      expect(await rowNames(page)).toEqual(['Elena Petrova', 'Farid Haddad']);
      expect(await page.getByRole('combobox', { name: 'Segment' }).inputValue()).toBe('at_risk');

      await page.reload();
      await page.getByRole('link', { name: 'Elena Petrova' }).waitFor();
      expect(await rowNames(page)).toEqual(['Elena Petrova', 'Farid Haddad']);
      expect(await page.getByRole('combobox', { name: 'Segment' }).inputValue()).toBe('at_risk');

      // Most connected first: Elena has four relationships, Farid three.
      await page.getByRole('button', { name: /^Relationships/ }).click();
      await page.waitForURL(/sort=-degree/);
      expect(page.url()).toContain('segment=at_risk');
      expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain('Relationships');

      await page.getByRole('link', { name: 'Elena Petrova' }).click();
      await page.waitForURL(/\/participants\/[0-9a-f-]{36}$/);
      await page.getByRole('heading', { name: /Elena Petrova/ }).waitFor();
      for (const name of ['Ben Okafor', 'Dev Raman', 'Farid Haddad', 'CRM Bridge']) {
        expect(
          await page.locator('main').getByRole('link', { name, exact: true }).count(),
          name,
        ).toBeGreaterThan(0);
      }
      expect(await page.getByRole('group', { name: /Elena Petrova and 4 direct neighbours/ }).count()).toBe(
        1,
      );
      expect(await page.textContent('main')).toContain('Stage history');
      expect(await page.getByRole('button', { name: 'Intervene' }).count()).toBe(1);

      const missing = await page.goto(`${list}/00000000-0000-4000-8000-000000000000`);
      expect(missing?.status()).toBe(404);
      expect(await page.textContent('main')).toContain('No such participant');
    } finally {
      await context.close();
    }
  });

  it('offers a viewer no selection and no Intervene button', async () => {
    const { context, page } = await signedInPage(browser, { server: server(), role: 'viewer' });
    try {
      await page.goto(`${server().url}/console/${server().orgId}/participants?q=elena`);
      await page.getByRole('link', { name: 'Elena Petrova' }).waitFor();
      expect(await page.getByRole('checkbox').count()).toBe(0);
      await page.getByRole('link', { name: 'Elena Petrova' }).click();
      await page.getByRole('heading', { name: /Elena Petrova/ }).waitFor();
      expect(await page.getByRole('button', { name: 'Intervene' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Reverse' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
