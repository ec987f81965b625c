import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../tests/setup/server';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { useE2eServer } from './server';

// Every page, light and dark, narrow and wide: axe finds no serious or critical violation, and a
// screenshot of each lands in e2e/screenshots/ (git-ignored) for a reviewer to look at.

// Not a React hook: the fixture registers this file's beforeAll/afterAll (its name trips the hooks rule).
// eslint-disable-next-line react-hooks/rules-of-hooks
const server = useE2eServer();
const SHOTS = path.join(ROOT, 'e2e', 'screenshots');
const VIEWPORTS = { wide: { width: 1440, height: 900 }, narrow: { width: 390, height: 844 } } as const;

interface PageCase {
  name: string;
  path: (orgId: string, ids: { participantId: string; interventionId: string }) => string;
  /** Waits until the page shows its content, not its loading state. */
  ready: string;
}

const PAGES: PageCase[] = [
  { name: 'overview', path: (o) => `/console/${o}`, ready: 'main h1' },
  { name: 'graph', path: (o) => `/console/${o}/graph`, ready: 'text=/relationships drawn/' },
  { name: 'participants', path: (o) => `/console/${o}/participants`, ready: 'main table' },
  {
    name: 'participant',
    path: (o, ids) => `/console/${o}/participants/${ids.participantId}`,
    ready: 'main h1',
  },
  { name: 'segments', path: (o) => `/console/${o}/segments`, ready: 'main h1' },
  { name: 'recommendations', path: (o) => `/console/${o}/recommendations`, ready: 'main h1' },
  { name: 'interventions', path: (o) => `/console/${o}/interventions`, ready: 'main h1' },
  {
    name: 'intervention',
    path: (o, ids) => `/console/${o}/interventions/${ids.interventionId}`,
    ready: 'main h1',
  },
  { name: 'audit', path: (o) => `/console/${o}/audit`, ready: 'tr[data-event-type]' },
  { name: 'import', path: (o) => `/console/${o}/import`, ready: 'main form' },
  { name: 'members', path: (o) => `/console/${o}/members`, ready: 'main table' },
  { name: 'settings', path: (o) => `/console/${o}/settings`, ready: 'main form' },
];

describe('every page, light and dark', () => {
  let browser: Browser;
  const ids = { participantId: '', interventionId: '' };

  beforeAll(async () => {
    browser = await launchBrowser();
    fs.mkdirSync(SHOTS, { recursive: true });
    const { context, page } = await signedInPage(browser, { server: server(), role: 'owner' });
    const api = (p: string, init?: Parameters<typeof page.request.fetch>[1]) =>
      page.request.fetch(`${server().url}/api/orgs/${server().orgId}${p}`, {
        headers: { origin: server().url },
        ...init,
      });
    const list = (await (await api('/participants?limit=1')).json()) as { items: { id: string }[] };
    ids.participantId = list.items[0]!.id;
    const created = await api('/interventions', {
      method: 'POST',
      headers: { origin: server().url, 'content-type': 'application/json' },
      data: {
        type: 'flag_for_review',
        scope: 'participant',
        targetIds: [ids.participantId],
        reason: 'Screenshot of an intervention',
      },
    });
    expect(created.status()).toBe(201);
    ids.interventionId = ((await created.json()) as { id: string }).id;
    await context.close();
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    for (const target of PAGES) {
      it(`${target.name} (${scheme}) has no serious or critical axe violation`, async () => {
        const { context, page } = await signedInPage(browser, { server: server(), role: 'owner' });
        try {
          await page.emulateMedia({ colorScheme: scheme });
          for (const [size, viewport] of Object.entries(VIEWPORTS)) {
            await page.setViewportSize(viewport);
            const response = await page.goto(`${server().url}${target.path(server().orgId, ids)}`);
            expect(response?.status()).toBe(200);
            await page.waitForSelector(target.ready, { timeout: 60_000 });
            await page.screenshot({
              path: path.join(SHOTS, `${target.name}-${scheme}-${size}.png`),
              fullPage: true,
            });
            if (size !== 'wide') continue;
            const results = await new AxeBuilder({ page })
              .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
              .analyze();
            const serious = results.violations
              .filter((v) => v.impact === 'serious' || v.impact === 'critical')
              .map(
                (v) =>
                  `${v.id} (${v.impact}): ${v.help} — ${v.nodes
                    .map((n) => n.target.join(' '))
                    .slice(0, 3)
                    .join(' | ')}`,
              );
            expect(serious, `${target.name} in ${scheme}`).toEqual([]);
          }
        } finally {
          await context.close();
        }
      });
    }
  }
});
