import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureProductionBuild } from '../src/lib/next-build';
import { ROOT, startServer, type StartedServer } from '../tests/setup/server';
import { launchBrowser } from './browser';

const PASSWORD = 'e2e operator password';

describe('signing in and out in the browser', () => {
  let dataDir: string;
  let server: StartedServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureProductionBuild(ROOT, () => undefined);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-e2e-'));
    server = await startServer({ DATA_DIR: dataDir, SEED_OPERATOR_PASSWORD: PASSWORD });
    browser = await launchBrowser();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends a visitor of /console to the sign-in page', async () => {
    await page.goto(`${server.url}/console`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/console');
  });

  it('says "Invalid email or password." for a wrong password', async () => {
    await page.fill('input[name=email]', 'operator@ironfront.example');
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    // `.error`: Next.js keeps a role=alert route announcer of its own on every page. Hashing the password
    // (scrypt, deliberately slow) can take seconds on a busy machine.
    await expect
      .poll(() => page.textContent('p.error[role=alert]'), { timeout: 20_000 })
      .toBe('Invalid email or password.');
  });

  it('signs in and lands on the org', async () => {
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/console\/[0-9a-f-]{36}$/);
    expect(await page.textContent('h1')).toBe('Iron Front Digital');
    expect(await page.textContent('.whoami')).toContain('operator@ironfront.example');
    expect(await page.textContent('.whoami')).toContain('Owner');
    expect(await page.textContent('.stats')).toContain('12Participants');
    await page.screenshot({ path: path.join(os.tmpdir(), 'operator-console-overview.png') });
  });

  it('shows the members page to the owner', async () => {
    await page.click('nav >> text=Members');
    await page.waitForURL(/\/members$/);
    expect(await page.textContent('table')).toContain('operator@ironfront.example');
  });

  it('signs out, and /console asks for a sign-in again', async () => {
    await page.click('text=Sign out');
    await page.waitForURL(/\/sign-in$/);
    await page.goto(`${server.url}/console`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });
});
