import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { useE2eServer } from './server';

// An admin on the Members page: creates a key with the keyboard, copies the secret from the dialog
// that shows it once, a script uses it, and once revoked the script's next request is refused.

// Not a React hook: the fixture registers this file's beforeAll/afterAll (its name trips the hooks rule).
// eslint-disable-next-line react-hooks/rules-of-hooks
const server = useE2eServer();

describe('API keys', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('creates a key shown once, which works until it is revoked', async () => {
    const { context, page } = await signedInPage(browser, { server: server(), role: 'admin' });
    try {
      const { url, orgId } = server();
      await page.goto(`${url}/console/${orgId}/members`);
      await page.getByLabel('Name').fill('E2E script');
      await page.getByLabel('Role', { exact: true }).last().selectOption('operator');
      await page.getByLabel('Name').press('Enter');

      const secretField = page.getByLabel('The new API key');
      await secretField.waitFor();
      const secret = await secretField.inputValue();
      expect(secret).toMatch(/^oc_[A-Za-z0-9_-]{43}$/);
      await page.getByRole('button', { name: 'I have stored it' }).click();
      const row = page.getByRole('row', { name: /E2E script/ });
      await row.waitFor();
      expect(await row.textContent()).toContain(secret.slice(0, 11));
      expect(await page.content()).not.toContain(secret);

      const asScript = () =>
        fetch(`${url}/api/orgs/${orgId}/participants?limit=1`, {
          headers: { authorization: `Bearer ${secret}` },
        });
      expect((await asScript()).status).toBe(200);

      await row.getByRole('button', { name: 'Revoke E2E script' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
      await row.getByText('Revoked').waitFor();
      expect((await asScript()).status).toBe(401);
    } finally {
      await context.close();
    }
  });
});
