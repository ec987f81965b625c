import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { useE2eServer } from './server';

// The audit log in the browser: an admin narrows it, opens an event and takes a CSV copy of what the
// filter shows; an operator is refused the page and never offered it.

// Not a React hook: the fixture registers this file's beforeAll/afterAll (its name trips the hooks rule).
// eslint-disable-next-line react-hooks/rules-of-hooks
const server = useE2eServer();

describe('the audit log', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lets an admin filter by type, expand an event and export the filter as CSV', async () => {
    const { context, page } = await signedInPage(browser, { server: server(), role: 'admin' });
    try {
      const audit = `${server().url}/console/${server().orgId}/audit`;
      const response = await page.goto(audit);
      expect(response?.status()).toBe(200);
      await page.waitForSelector('tr[data-event-type]');

      // The fixture's sign-in wrote an auth.signed_in event for this admin.
      await page.selectOption('#audit-type', 'auth.signed_in');
      await page.waitForURL(/[?&]type=auth\.signed_in/);
      await expect
        .poll(
          () =>
            page.$$eval('tr[data-event-type]', (rows) => [
              ...new Set(rows.map((r) => r.getAttribute('data-event-type'))),
            ]),
          { timeout: 30_000 },
        )
        .toEqual(['auth.signed_in']);

      const toggle = page.getByRole('button', { name: 'Show the details of auth.signed_in' }).first();
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      await toggle.focus();
      await page.keyboard.press('Enter');
      const open = page.getByRole('button', { name: 'Hide the details of auth.signed_in' }).first();
      expect(await open.getAttribute('aria-expanded')).toBe('true');
      expect(await page.getByLabel('Metadata').first().textContent()).toContain('"method": "email"');

      await page.getByRole('button', { name: 'Export' }).click();
      const downloading = page.waitForEvent('download');
      await page.getByRole('menuitem', { name: /CSV/ }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toMatch(/^audit-.+\.csv$/);
      const lines = fs
        .readFileSync((await download.path())!, 'utf8')
        .trim()
        .split('\r\n');
      expect(lines[0]).toBe(
        'id,createdAt,eventType,actorUserId,actorEmail,actorRole,targetType,targetId,metadata,personal,personalSalt,personalDigest,seq,prevHash,hash,contentHash,orgId',
      );
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.slice(1).every((line) => line.split(',')[2] === '"auth.signed_in"')).toBe(true);
      expect(
        await page
          .getByRole('status')
          .filter({ hasText: /events? ·/ })
          .count(),
      ).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });

  it('refuses the page to an operator, who is not offered it in the navigation', async () => {
    const { context, page } = await signedInPage(browser, { server: server(), role: 'operator' });
    try {
      const response = await page.goto(`${server().url}/console/${server().orgId}/audit`);
      expect(response?.status()).toBe(403);
      expect(await page.textContent('main')).toContain('Your role does not open this page');
      await page.goto(`${server().url}/console/${server().orgId}`);
      await page.waitForSelector('main h1');
      expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
