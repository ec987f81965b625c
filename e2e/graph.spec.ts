import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { useE2eServer } from './server';

// The graph explorer in the browser (software WebGL): find a participant, open the panel, focus on
// them two hops deep — and the URL carries that view, so a reload draws the same.

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
      await page.getByText(/participants and \d+ relationships drawn/).waitFor();
      await page.screenshot({ path: path.join(os.tmpdir(), 'operator-console-graph-focus.png') });

      await page.reload();
      await page.getByText('Neighbourhood of').waitFor({ timeout: 60_000 });
      expect(await page.getByRole('radio', { name: '2 hops' }).getAttribute('aria-checked')).toBe('true');
      expect(new URL(page.url()).searchParams.get('focus')).toBe(elena);
      await page.getByText(/participants and \d+ relationships drawn/).waitFor({ timeout: 60_000 });
      expect(await page.textContent('main')).toContain('Elena Petrova');
    } finally {
      await context.close();
    }
  });
});
