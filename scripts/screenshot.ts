// Screenshots of console pages in Debian's Chromium, light and dark, narrow and wide, for looking at
// what we build: `npx tsx scripts/screenshot.ts --base http://127.0.0.1:3000 --path /console/<org>/graph
// --out /tmp/shots/graph [--email E --password P] [--wait-for <css selector>]`.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser } from '../e2e/browser';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'http://127.0.0.1:3000' },
    path: { type: 'string', multiple: true, default: ['/console'] },
    out: { type: 'string', default: '/tmp/shots/page' },
    email: { type: 'string', default: 'operator@ironfront.example' },
    password: { type: 'string', default: process.env.SEED_OPERATOR_PASSWORD ?? 'operator password 1' },
    'wait-for': { type: 'string' },
    'no-sign-in': { type: 'boolean', default: false },
  },
});

const SIZES = { narrow: { width: 390, height: 844 }, wide: { width: 1440, height: 900 } } as const;

async function sessionCookie(): Promise<{ name: string; value: string } | null> {
  if (values['no-sign-in']) return null;
  const response = await fetch(`${values.base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: values.base! },
    body: JSON.stringify({ email: values.email, password: values.password }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie()[0]!.split(';')[0]!;
  const at = cookie.indexOf('=');
  return { name: cookie.slice(0, at), value: cookie.slice(at + 1) };
}

async function main(): Promise<void> {
  const cookie = await sessionCookie();
  const browser = await launchBrowser();
  fs.mkdirSync(path.dirname(values.out!), { recursive: true });
  try {
    for (const [index, pagePath] of values.path!.entries()) {
      for (const scheme of ['light', 'dark'] as const) {
        for (const [size, viewport] of Object.entries(SIZES)) {
          const context = await browser.newContext({ viewport, colorScheme: scheme });
          if (cookie) await context.addCookies([{ ...cookie, url: values.base! }]);
          const page = await context.newPage();
          await page.goto(`${values.base}${pagePath}`, { waitUntil: 'networkidle' });
          if (values['wait-for']) await page.waitForSelector(values['wait-for'], { timeout: 30_000 });
          await page.waitForTimeout(300);
          const suffix = values.path!.length > 1 ? `-${index}` : '';
          const file = `${values.out}${suffix}-${scheme}-${size}.png`;
          await page.screenshot({ path: file, fullPage: true });
          console.log(file);
          await context.close();
        }
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
