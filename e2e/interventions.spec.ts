import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { useE2eServer } from './server';

// Interventions in the browser: an operator previews and applies a bulk intervention on a segment,
// reverses it with a reason, and the audit log (read by an admin through the API) has both events; a
// viewer sees the intervention but no control to change it.

// Not a React hook: the fixture registers this file's beforeAll/afterAll (its name trips the hooks rule).
// eslint-disable-next-line react-hooks/rules-of-hooks
const server = useE2eServer();

describe('interventions', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('previews and applies an intervention on a segment, reverses it, and the audit log has both', async () => {
    const { url, orgId } = server();
    const operator = await signedInPage(browser, { server: server(), role: 'operator' });
    let interventionId: string;
    try {
      const { page } = operator;
      await page.goto(`${url}/console/${orgId}/interventions`);
      await page.getByRole('button', { name: 'New intervention' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();

      // The segment picker says how many are in each segment; the preview must count the same.
      const segment = dialog.getByLabel('Segment');
      const chosen = await segment.evaluate((select: HTMLSelectElement) => select.selectedOptions[0]!.text);
      const members = Number(/\((\d[\d,]*)\)/.exec(chosen)![1]!.replace(/,/g, ''));
      expect(members).toBeGreaterThan(0);
      await dialog.getByLabel('Intervention', { exact: true }).selectOption('pause_outreach');

      // No reason: the form says so at the field and sends nothing.
      await dialog.getByRole('button', { name: 'Preview' }).click();
      expect(await dialog.getByRole('alert').first().textContent()).toContain('Say why');

      await dialog.getByLabel('Reason').fill('Give the quiet ones a month without messages');
      await dialog.getByRole('button', { name: 'Preview' }).click();
      const preview = dialog.getByRole('region', { name: 'Preview' });
      await preview.waitFor();
      const summary = await preview.locator('p').first().textContent();
      expect(summary).toContain(`${members.toLocaleString('en')} participant`);
      expect(summary).toMatch(/\d+ will change/);
      expect(await preview.getByText('Outreach paused').count()).toBeGreaterThan(0);

      await dialog.getByRole('button', { name: /^Apply to/ }).click();
      await dialog.waitFor({ state: 'detached' });

      // The new row leads to the intervention's page, with its targets by name.
      const row = page.getByRole('link', { name: 'Pause outreach' }).first();
      await row.waitFor();
      await row.click();
      await page.waitForURL(/\/interventions\/[0-9a-f-]{36}$/);
      interventionId = page.url().split('/').pop()!;
      expect(await page.getByRole('table').getByRole('row').count()).toBe(members + 1);

      await page.getByRole('button', { name: 'Reverse' }).click();
      const reverse = page.getByRole('dialog');
      await reverse.getByLabel('Reason').fill('Campaign moved to next quarter');
      await reverse.getByRole('button', { name: 'Reverse' }).click();
      await reverse.waitFor({ state: 'detached' });
      await page.getByText('Campaign moved to next quarter').waitFor();
      expect(await page.getByRole('button', { name: 'Reverse' }).count()).toBe(0);
    } finally {
      await operator.context.close();
    }

    // An admin reads the audit log through the API: both events, on this intervention.
    const admin = await signedInPage(browser, { server: server(), role: 'admin' });
    try {
      const response = await admin.page.request.get(
        `${url}/api/orgs/${orgId}/events?targetId=${interventionId}&limit=50`,
      );
      expect(response.status()).toBe(200);
      const { items } = (await response.json()) as {
        items: {
          eventType: string;
          metadata: Record<string, unknown>;
          personal: Record<string, unknown> | null;
        }[];
      };
      const byType = new Map(items.map((e) => [e.eventType, e]));
      expect(byType.get('intervention.created')?.metadata).toMatchObject({
        type: 'pause_outreach',
        scope: 'segment',
      });
      // The reason is the operator's words: the event's personal part (docs/decisions/034).
      expect(byType.get('intervention.reversed')?.personal).toEqual({
        reason: 'Campaign moved to next quarter',
      });
    } finally {
      await admin.context.close();
    }

    // A viewer sees the intervention, and no control to change it.
    const viewer = await signedInPage(browser, { server: server(), role: 'viewer' });
    try {
      await viewer.page.goto(`${url}/console/${orgId}/interventions/${interventionId}`);
      await viewer.page.getByText('Campaign moved to next quarter').waitFor();
      await viewer.page.goto(`${url}/console/${orgId}/interventions`);
      await viewer.page.getByRole('link', { name: 'Pause outreach' }).first().waitFor();
      expect(await viewer.page.getByRole('button', { name: 'New intervention' }).count()).toBe(0);
    } finally {
      await viewer.context.close();
    }
  });
});
