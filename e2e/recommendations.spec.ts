import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { useE2eServer } from './server';

// The recommendations inbox in the browser: an operator accepts one recommendation with its
// intervention and dismisses another with a reason (by keyboard), and both move tabs; a viewer sees no
// control to decide and, forcing a decision through the API from the page, is refused with 403.

// Not a React hook: the fixture registers this file's beforeAll/afterAll (its name trips the hooks rule).
// eslint-disable-next-line react-hooks/rules-of-hooks
const server = useE2eServer();

describe('recommendations inbox', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('accepts one with its intervention and dismisses one with a reason; both move tabs', async () => {
    const { url, orgId } = server();
    const { page, context } = await signedInPage(browser, { server: server(), role: 'operator' });
    try {
      await page.goto(`${url}/console/${orgId}/recommendations`);
      const cards = page.locator('article[data-rec-id]');
      await cards.first().waitFor();
      const pendingBefore = await cards.count();

      // Hiro is marked active but quiet for 75 days: accept, applying the stage change it suggests.
      const hiro = cards.filter({ hasText: 'Hiro Sato' });
      expect(await hiro.getByRole('heading').first().textContent()).toContain('Move to Dormant');
      await hiro.getByRole('button', { name: /Accept/ }).click();
      const dialog = page.getByRole('dialog');
      const apply = dialog.getByRole('checkbox', { name: 'Also move Hiro Sato to Dormant' });
      expect(await apply.getAttribute('aria-checked')).toBe('true');
      await dialog.getByRole('button', { name: /^Accept/ }).click();
      await hiro.waitFor({ state: 'detached' });
      // The card left at once; the toast says the API agreed (a refusal would bring the card back).
      const toasts = page.locator('[data-sonner-toast]');
      await toasts.filter({ hasText: 'Applied: move Hiro Sato to Dormant.' }).waitFor();

      // The stale link: focus its card, d, a reason code, a note, Ctrl+Enter — the keyboard path.
      const link = cards.filter({ hasText: 'Verify relationship' });
      await link.focus();
      await page.keyboard.press('d');
      await dialog.getByLabel('Why dismiss it?').selectOption('already_handled');
      await dialog.getByLabel('Note (optional)').fill('They still meet every month');
      await page.keyboard.press('Control+Enter');
      await link.waitFor({ state: 'detached' });
      await toasts.filter({ hasText: /^Dismissed/ }).waitFor();
      expect(await cards.count()).toBe(pendingBefore - 2);
      expect(await page.getByRole('tab', { name: /^Pending/ }).textContent()).toBe(
        `Pending${pendingBefore - 2}`,
      );

      // Accepted, as the server now lists it: Hiro is dormant and the card leads to the intervention.
      await page.getByRole('tab', { name: /^Accepted/ }).click();
      await page.waitForURL(/tab=accepted/);
      const accepted = cards.filter({ hasText: 'Hiro Sato' });
      await accepted.waitFor();
      expect(await accepted.locator('[data-stage]').first().textContent()).toBe('Dormant');
      expect(await accepted.getByRole('link', { name: 'See the intervention it applied' }).count()).toBe(1);

      // Dismissed, with the reason; the tab is in the URL, so a reload shows the same list.
      await page.getByRole('tab', { name: /^Dismissed/ }).click();
      await page.waitForURL(/tab=dismissed/);
      await page.getByText('They still meet every month').waitFor();
      await page.getByText('Already handled').first().waitFor();
      await page.reload();
      await page.getByText('They still meet every month').waitFor();
      expect(await page.getByRole('tab', { name: /^Dismissed/ }).getAttribute('aria-selected')).toBe('true');
      await page.screenshot({
        path: path.join(os.tmpdir(), 'operator-console-recommendations.png'),
        fullPage: true,
      });
    } finally {
      await context.close();
    }
  });

  it('shows a viewer no control to decide, and refuses a forced decision with 403', async () => {
    const { url, orgId } = server();
    const { page, context } = await signedInPage(browser, { server: server(), role: 'viewer' });
    try {
      await page.goto(`${url}/console/${orgId}/recommendations`);
      const card = page.locator('article[data-rec-id]').first();
      await card.waitFor();
      expect(await page.getByRole('button', { name: /Accept|Dismiss/ }).count()).toBe(0);
      expect(await page.getByRole('checkbox').count()).toBe(0);
      await card.focus();
      await page.keyboard.press('a');
      expect(await page.getByRole('dialog').count()).toBe(0);

      const id = (await card.getAttribute('data-rec-id'))!;
      const forced = await page.evaluate(async (target) => {
        const response = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ reason: 'forced', intervene: true }),
        });
        return { status: response.status, body: (await response.json()) as { detail?: string } };
      }, `/api/orgs/${orgId}/recommendations/${id}/accept`);
      expect(forced.status).toBe(403);
      expect(forced.body.detail).toBe('Your role in this org does not allow this.');

      await page.reload();
      await page.locator(`article[data-rec-id="${id}"]`).waitFor();
    } finally {
      await context.close();
    }
  });
});
