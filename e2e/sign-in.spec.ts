import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { DEMO_SIGN_IN, useE2eServer } from './server';

// Not a React hook: it registers this file's beforeAll/afterAll (its name trips the hooks rule).
// eslint-disable-next-line react-hooks/rules-of-hooks
const server = useE2eServer();
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const accountButton = (page: Page) => page.getByRole('button', { name: /^Account: / });

describe('signing in and out in the browser', () => {
  let page: Page;

  beforeAll(async () => {
    page = await browser.newPage();
  });

  afterAll(async () => {
    await page?.close();
  });

  it('sends a visitor of /console to the sign-in page', async () => {
    await page.goto(`${server().url}/console`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/console');
  });

  it('says "Invalid email or password." for a wrong password', async () => {
    await page.fill('input[name=email]', DEMO_SIGN_IN.email);
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    // Filtered by text: Next.js keeps a role=alert route announcer of its own on every page. Hashing the
    // password (scrypt, deliberately slow) can take seconds on a busy machine.
    await page
      .getByRole('alert')
      .filter({ hasText: 'Invalid email or password.' })
      .waitFor({ timeout: 20_000 });
  });

  it('signs in and lands on the org', async () => {
    await page.fill('input[name=password]', DEMO_SIGN_IN.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/console\/[0-9a-f-]{36}$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Iron Front Digital');
    expect(await page.locator('main').textContent()).toContain('12 participants');
    await accountButton(page).click();
    const menu = page.getByRole('menu');
    expect(await menu.textContent()).toContain(DEMO_SIGN_IN.email);
    expect(await menu.textContent()).toContain('Owner in this org');
    await page.keyboard.press('Escape');
    await page.screenshot({ path: path.join(os.tmpdir(), 'operator-console-overview.png') });
  });

  it('shows the members page to the owner', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Members' }).first().click();
    await page.waitForURL(/\/members$/);
    expect(await page.locator('main').textContent()).toContain(DEMO_SIGN_IN.email);
  });

  it('signs out, and /console asks for a sign-in again', async () => {
    await accountButton(page).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto(`${server().url}/console`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });
});

describe('the login fixture', () => {
  it.each(['viewer', 'operator', 'admin', 'owner'] as const)(
    'starts signed in as %s, whatever ran before',
    async (role) => {
      const { context, page, user } = await signedInPage(browser, { server: server(), role });
      try {
        await page.goto(`${server().url}/console/${server().orgId}`);
        expect(new URL(page.url()).pathname).toBe(`/console/${server().orgId}`);
        await accountButton(page).click();
        const menu = await page.getByRole('menu').textContent();
        expect(menu).toContain(user.email);
        expect(menu).toContain(`${role[0]!.toUpperCase()}${role.slice(1)} in this org`);
      } finally {
        await context.close();
      }
    },
  );
});
