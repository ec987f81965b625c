import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillRoute, pageRoutes } from '../tests/setup/page-routes';
import { ROOT } from '../tests/setup/server';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { DEMO_SIGN_IN, useE2eServer } from './server';

// The console under its Content-Security-Policy in Chromium: every page of src/app loads, runs its
// scripts (the theme's inline one, Next.js's chunks, the graph's layout worker) and draws its styles
// without one violation; signing in through the form and switching the theme still work. Screenshots
// of the overview in both themes land in e2e/screenshots/ (git-ignored).

// Not a React hook: the fixture registers this file's beforeAll/afterAll (its name trips the hooks rule).
// eslint-disable-next-line react-hooks/rules-of-hooks
const server = useE2eServer();
const SHOTS = path.join(ROOT, 'e2e', 'screenshots');

/**
 * Every violation the context's pages report, from their first script on (the event's details), and
 * Chromium's console errors about the policy; across navigations and reloads.
 */
async function watchViolations(context: BrowserContext): Promise<string[]> {
  const found: string[] = [];
  await context.exposeFunction('reportCspViolation', (violation: string) => found.push(violation));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { reportCspViolation: (v: string) => void }).reportCspViolation;
      report(
        `${e.effectiveDirective} blocked ${e.blockedURI} on ${location.pathname} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  context.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
      found.push(`console: ${message.text()}`);
  });
  return found;
}

describe('the console under its Content-Security-Policy', () => {
  let browser: Browser;
  const params: Record<string, string> = {};

  beforeAll(async () => {
    browser = await launchBrowser();
    fs.mkdirSync(SHOTS, { recursive: true });
    const { context, page } = await signedInPage(browser, { server: server(), role: 'owner' });
    params.orgId = server().orgId;
    const api = (p: string, init?: Parameters<typeof page.request.fetch>[1]) =>
      page.request.fetch(`${server().url}/api/orgs/${server().orgId}${p}`, init);
    const list = (await (await api('/participants?limit=1')).json()) as { items: { id: string }[] };
    params.participantId = list.items[0]!.id;
    const created = await api('/interventions', {
      method: 'POST',
      headers: { origin: server().url, 'content-type': 'application/json' },
      data: {
        type: 'flag_for_review',
        scope: 'participant',
        targetIds: [params.participantId],
        reason: 'A page to load under the policy',
      },
    });
    expect(created.status()).toBe(201);
    params.interventionId = ((await created.json()) as { id: string }).id;
    await context.close();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('every page of src/app loads without a violation', async () => {
    const { context, page } = await signedInPage(browser, { server: server(), role: 'owner' });
    const violations = await watchViolations(context);
    try {
      for (const route of pageRoutes()) {
        const url = fillRoute(route, params);
        const response = await page.goto(`${server().url}${url}`);
        expect(response?.status(), url).toBe(200);
        await page.waitForLoadState('load');
        // The graph draws on WebGL and lays out in a Worker made from a blob: URL; wait for both.
        if (route.endsWith('/graph'))
          await page.getByText(/relationships drawn/).waitFor({ timeout: 60_000 });
        // Hydrated: React answers the theme control, which needs its scripts.
        if (route.startsWith('/console/')) await page.getByRole('button', { name: 'Theme' }).waitFor();
      }
      expect(violations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 300_000);

  it('signs in through the form and switches the theme, light and dark, without a violation', async () => {
    const context = await browser.newContext();
    const violations = await watchViolations(context);
    const page = await context.newPage();
    try {
      await page.goto(`${server().url}/sign-in`);
      await page.fill('input[name=email]', DEMO_SIGN_IN.email);
      await page.fill('input[name=password]', DEMO_SIGN_IN.password);
      await page.click('button[type=submit]');
      await page.waitForURL(/\/console\/[0-9a-f-]{36}$/, { timeout: 30_000 });

      const html = page.locator('html');
      const isDark = async () => ((await html.getAttribute('class')) ?? '').split(/\s+/).includes('dark');
      for (const theme of ['Dark', 'Light'] as const) {
        await page.getByRole('button', { name: 'Theme' }).click();
        await page.getByRole('menuitemradio', { name: theme }).click();
        await expect.poll(isDark).toBe(theme === 'Dark');
        // After a reload the theme's inline script (allowed by its nonce) sets it before React runs.
        await page.reload();
        await page.getByRole('button', { name: 'Theme' }).waitFor();
        expect(await isDark()).toBe(theme === 'Dark');
        await page.screenshot({
          path: path.join(SHOTS, `csp-overview-${theme.toLowerCase()}.png`),
          fullPage: true,
        });
      }
      expect(violations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses markup smuggled into a page without the nonce: an inline script, an event handler', async () => {
    const { context, page } = await signedInPage(browser, { server: server(), role: 'owner' });
    const violations = await watchViolations(context);
    try {
      const url = `${server().url}/console/${params.orgId}/members`;
      // What a stored cross-site script would be: markup in the server's HTML, under the server's headers.
      await page.route(url, async (route) => {
        const response = await route.fetch();
        const body = (await response.text()).replace(
          '</body>',
          '<script>window.injected = true</script><img src="data:," onerror="window.injected = true"></body>',
        );
        await route.fulfill({ response, body });
      });
      await page.goto(url);
      await page.getByRole('button', { name: 'Theme' }).waitFor();
      const blockedInline = () =>
        violations
          .filter((v) => /^script-src-(elem|attr) blocked inline /.test(v))
          .map((v) => v.split(' ')[0]);
      await expect.poll(() => blockedInline().sort()).toEqual(['script-src-attr', 'script-src-elem']);
      expect(
        await page.evaluate(() => (window as unknown as { injected?: boolean }).injected),
      ).toBeUndefined();
    } finally {
      await context.close();
    }
  });
});
