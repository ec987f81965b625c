import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { useE2eServer } from './server';

// The import page as an admin meets it: a file with a bad row is checked and cannot be imported, the
// fixed file is checked and imported, and the participants are then in the org.

// Not a React hook: the fixture registers this file's beforeAll/afterAll (its name trips the hooks rule).
// eslint-disable-next-line react-hooks/rules-of-hooks
const server = useE2eServer();

const csv = (text: string) => ({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });

describe('import', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('checks a file, refuses one with a bad row, then imports the fixed one', async () => {
    const { context, page } = await signedInPage(browser, { server: server(), role: 'admin' });
    try {
      await page.goto(`${server().url}/console/${server().orgId}/import`);
      const importButton = page.getByRole('button', { name: /^Import/ });
      expect(await importButton.isDisabled()).toBe(true);

      await page
        .getByLabel('CSV file')
        .setInputFiles(
          csv('email,display_name,role\nquinn@example.com,Quinn Imported,member\nnot-an-email,X,member\n'),
        );
      await page.getByRole('button', { name: 'Check file' }).click();
      await page.getByText('Fix the rejected rows, then check again').waitFor();
      expect(await page.getByRole('row', { name: /not-an-email/ }).textContent()).toContain(
        'email must be an email address',
      );
      expect(await importButton.isDisabled()).toBe(true);

      await page
        .getByLabel('CSV file')
        .setInputFiles(csv('email,display_name,role\nquinn@example.com,Quinn Imported,member\n'));
      await page.getByRole('button', { name: 'Check file' }).press('Enter');
      await page.getByRole('button', { name: 'Import 1 row' }).click();
      await page.getByText('What the import did').waitFor();

      await page.goto(`${server().url}/console/${server().orgId}/participants?q=Quinn`);
      await page.getByRole('link', { name: 'Quinn Imported' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
