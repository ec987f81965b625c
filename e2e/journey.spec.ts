import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { DEMO_SIGN_IN, useE2eServer } from './server';

// A first-time operator's journey through the console, in order, on one server and one browser tab:
// sign in, find the at-risk participants from the overview, see who one of them is connected to, act
// on her and take it back, find both in the audit log; then the theme, the command palette, and what a
// viewer and an operator are (not) allowed. The feature specs test each page in depth; this one tests
// that the pages lead into each other the way a newcomer would walk through them.

// Not a React hook: the fixture registers this file's beforeAll/afterAll (its name trips the hooks rule).
// eslint-disable-next-line react-hooks/rules-of-hooks
const server = useE2eServer();

const UUID = '[0-9a-f-]{36}';
const REASON = 'Quiet for six weeks; someone should call her';
const REVERSE_REASON = 'She answered the call and is back';

describe("a first-time operator's journey", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  // Learnt along the way, used by later steps (the tests run in order on the same tab).
  let elenaId: string;
  let interventionId: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    context = await browser.newContext();
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  const console_ = () => `${server().url}/console/${server().orgId}`;
  const rowNames = () => page.locator('table tbody tr td a[href*="/participants/"]').allTextContents();
  const nav = (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true }).first();

  it('signs in through the sign-in page and lands on the overview', async () => {
    await page.goto(`${server().url}/console`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Email').fill(DEMO_SIGN_IN.email);
    await page.getByLabel('Password').fill(DEMO_SIGN_IN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The demo operator belongs to one org: /console opens it. Full-cost scrypt can take seconds here.
    await page.waitForURL(new RegExp(`/console/${server().orgId}$`), { timeout: 30_000 });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Iron Front Digital');
    const segments = page.locator('section[aria-labelledby="segments-heading"]').getByRole('link');
    expect(await segments.count()).toBeGreaterThanOrEqual(4);
  });

  it('opens the at-risk participants from their segment card, and a reload keeps the filter', async () => {
    const card = page
      .locator('section[aria-labelledby="segments-heading"]')
      .getByRole('link', { name: /^At risk/ });
    // The card's count (its second line: label, count, share) is the list's length.
    expect((await card.innerText()).split('\n').map((line) => line.trim())[1]).toBe('2');
    await card.click();
    await page.waitForURL(/\/participants\?(.*&)?segment=at_risk/);
    await page.getByRole('link', { name: 'Elena Petrova' }).waitFor();
    expect(await rowNames()).toEqual(['Elena Petrova', 'Farid Haddad']);
    expect(await page.getByRole('combobox', { name: 'Segment' }).inputValue()).toBe('at_risk');

    await page.reload();
    await page.getByRole('link', { name: 'Elena Petrova' }).waitFor();
    expect(await rowNames()).toEqual(['Elena Petrova', 'Farid Haddad']);
    expect(await page.getByRole('combobox', { name: 'Segment' }).inputValue()).toBe('at_risk');
  });

  it('finds her in the graph and focuses two hops around her, in the URL', async () => {
    await nav('Graph').click();
    await page.waitForURL(/\/graph/);
    await page.getByText('12 participants and 16 relationships drawn').waitFor({ timeout: 60_000 });

    await page.getByRole('combobox', { name: 'Find a participant in the graph' }).fill('elena');
    await page.getByRole('option', { name: /Elena Petrova/ }).click();
    const panel = page.getByRole('complementary', { name: 'Participant' });
    await panel.getByTestId('panel-name').getByText('Elena Petrova').waitFor();

    await panel.getByRole('button', { name: 'Focus here' }).click();
    await page.getByText('Neighbourhood of').waitFor();
    await page.getByRole('radio', { name: '2 hops' }).click();
    await page.waitForURL(/depth=2/);
    const url = new URL(page.url());
    elenaId = url.searchParams.get('focus')!;
    expect(elenaId).toMatch(new RegExp(`^${UUID}$`));
    expect(url.searchParams.get('depth')).toBe('2');
    await page.getByText(/participants and [\d,]+ relationships drawn/).waitFor();
  });

  it('opens her page, previews and applies an intervention, then reverses it', async () => {
    const panel = page.getByRole('complementary', { name: 'Participant' });
    await panel.getByRole('link', { name: 'Open page' }).click();
    await page.waitForURL(new RegExp(`/participants/${elenaId}$`));
    await page.getByRole('heading', { name: /Elena Petrova/ }).waitFor();
    const interventions = page.locator('main').getByRole('listitem').filter({ hasText: REASON });
    expect(await interventions.count()).toBe(0);

    await page.getByRole('button', { name: 'Intervene' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Intervention', { exact: true }).selectOption('flag_for_review');
    await dialog.getByLabel('Reason').fill(REASON);
    await dialog.getByRole('button', { name: 'Preview' }).click();
    // The dry run says what would change, before anything does.
    const preview = dialog.getByRole('region', { name: 'Preview' });
    await preview.waitFor();
    expect(await preview.locator('p').first().textContent()).toContain('1 participant · 1 will change');
    const sample = await preview.textContent();
    expect(sample).toContain('Elena Petrova');
    expect(sample).toContain('Not flagged');
    expect(sample).toContain('Flagged for review');
    await dialog.getByRole('button', { name: 'Apply to 1 participant' }).click();
    await dialog.waitFor({ state: 'detached' });

    // The page follows: the flag is in force and the intervention is listed with a way back.
    await page.getByRole('list', { name: 'Controls in force' }).getByText('Flagged for review').waitFor();
    await interventions.waitFor();
    const link = interventions.getByRole('link', { name: 'Flag for review' });
    interventionId = (await link.getAttribute('href'))!.split('/').pop()!;
    expect(interventionId).toMatch(new RegExp(`^${UUID}$`));

    await interventions.getByRole('button', { name: 'Reverse' }).click();
    const reverse = page.getByRole('dialog');
    await reverse.getByLabel('Reason').fill(REVERSE_REASON);
    await reverse.getByRole('button', { name: 'Reverse' }).click();
    await reverse.waitFor({ state: 'detached' });
    await interventions.getByText(/^reversed /).waitFor();
    expect(await interventions.getByRole('button', { name: 'Reverse' }).count()).toBe(0);
    expect(await page.getByRole('list', { name: 'Controls in force' }).count()).toBe(0);
  });

  it('finds the intervention and its reversal in the audit log', async () => {
    await page
      .locator('main')
      .getByRole('listitem')
      .filter({ hasText: REASON })
      .getByRole('link', { name: 'Flag for review' })
      .click();
    await page.waitForURL(new RegExp(`/interventions/${interventionId}$`));
    await page.getByText(REVERSE_REASON).waitFor();
    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.waitForURL(new RegExp(`/audit\\?targetId=${interventionId}`));
    await expect
      .poll(
        () =>
          page.$$eval('tr[data-event-type]', (rows) =>
            [...new Set(rows.map((r) => r.getAttribute('data-event-type')))].sort(),
          ),
        { timeout: 30_000 },
      )
      .toEqual(expect.arrayContaining(['intervention.created', 'intervention.reversed']));
  });

  it('switches to the dark theme, keeps it across a reload, and back to light', async () => {
    const html = page.locator('html');
    const isDark = async () => ((await html.getAttribute('class')) ?? '').split(/\s+/).includes('dark');
    await page.getByRole('button', { name: 'Theme' }).click();
    await page.getByRole('menuitemradio', { name: 'Dark' }).click();
    await expect.poll(isDark).toBe(true);
    await page.reload();
    await page.getByRole('button', { name: 'Theme' }).waitFor();
    expect(await isDark()).toBe(true);

    await page.getByRole('button', { name: 'Theme' }).click();
    await page.getByRole('menuitemradio', { name: 'Light' }).click();
    await expect.poll(isDark).toBe(false);
    await page.reload();
    await page.getByRole('button', { name: 'Theme' }).waitFor();
    expect(await isDark()).toBe(false);
  });

  it('jumps to a participant from the command palette (Ctrl+K, a name, Enter)', async () => {
    await page.keyboard.press('Control+K');
    const palette = page.getByRole('dialog');
    await palette.getByRole('combobox').fill('farid');
    const farid = palette.getByRole('option', { name: /Farid Haddad/ });
    await farid.waitFor();
    expect(await farid.getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/participants/${UUID}$`));
    await page.getByRole('heading', { name: /Farid Haddad/ }).waitFor();
    expect(await palette.count()).toBe(0);
  });

  it('shows a viewer no write control, and refuses one forced through the API', async () => {
    const viewer = await signedInPage(browser, { server: server(), role: 'viewer' });
    try {
      const { page: view } = viewer;
      await view.goto(`${console_()}/participants/${elenaId}`);
      await view.getByRole('heading', { name: /Elena Petrova/ }).waitFor();
      // She has the reversed intervention: listed, with nothing to press.
      await view.locator('main').getByText(REASON).waitFor();
      expect(await view.getByRole('button', { name: /Intervene|Reverse/ }).count()).toBe(0);

      await view.goto(`${console_()}/recommendations`);
      await view.locator('article[data-rec-id]').first().waitFor();
      expect(await view.getByRole('button', { name: /Accept|Dismiss|Intervene|Reverse/ }).count()).toBe(0);

      const forced = await view.evaluate(
        async ({ path, participantId }) => {
          const response = await fetch(path, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
            body: JSON.stringify({
              scope: 'participant',
              targetIds: [participantId],
              type: 'flag_for_review',
              reason: 'forced by a viewer',
            }),
          });
          return { status: response.status, body: (await response.json()) as { detail?: string } };
        },
        { path: `/api/orgs/${server().orgId}/interventions`, participantId: elenaId },
      );
      expect(forced.status).toBe(403);
      expect(forced.body.detail).toBe('Your role in this org does not allow this.');

      // Nothing happened: her page lists still only the one intervention.
      await view.goto(`${console_()}/participants/${elenaId}`);
      await view.getByRole('heading', { name: /Elena Petrova/ }).waitFor();
      expect(await view.locator('main').getByText('forced by a viewer').count()).toBe(0);
    } finally {
      await viewer.context.close();
    }
  });

  it('offers an operator no audit log, and refuses it the page', async () => {
    const operator = await signedInPage(browser, { server: server(), role: 'operator' });
    try {
      const { page: op } = operator;
      await op.goto(console_());
      await op.getByRole('heading', { level: 1 }).waitFor();
      expect(await op.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
      const response = await op.goto(`${console_()}/audit`);
      expect(response?.status()).toBe(403);
      expect(await op.textContent('main')).toContain('Your role does not open this page');
    } finally {
      await operator.context.close();
    }
  });
});
