import fs from 'node:fs';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { signedInPage } from './fixtures';
import { useE2eServer } from './server';

// The export buttons a viewer meets: a segment's members from its card on the segments page, and every
// relationship from the graph's header, each streamed through the org API and saved by the browser.

// Not a React hook: the fixture registers this file's beforeAll/afterAll (its name trips the hooks rule).
// eslint-disable-next-line react-hooks/rules-of-hooks
const server = useE2eServer();

const PARTICIPANT_HEADER = 'id,displayName,email,role,origin,lifecycleStage,degree,lastActivityAt,createdAt';
const RELATIONSHIP_HEADER =
  'id,fromEmail,toEmail,type,source,confidence,fromParticipantId,toParticipantId,createdAt';

/** Opens the export menu named `button`, picks `format` and waits for the browser's download. */
async function exportThrough(page: Page, button: string, format: RegExp): Promise<Download> {
  await page.getByRole('button', { name: button }).click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: format }).click();
  return downloading;
}

async function linesOf(download: Download, separator: string): Promise<string[]> {
  return fs
    .readFileSync((await download.path())!, 'utf8')
    .split(separator)
    .filter((line) => line !== '');
}

describe('exports', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('downloads a segment’s members from its card, as CSV and as NDJSON', async () => {
    const { context, page } = await signedInPage(browser, { server: server(), role: 'viewer' });
    try {
      const answer = await page.request.get(`${server().url}/api/orgs/${server().orgId}/segments`);
      const { segments } = (await answer.json()) as {
        segments: { key: string; label: string; count: number }[];
      };
      const segment = segments.find((s) => s.key !== 'system' && s.count > 1)!;
      expect(segment).toBeDefined();

      await page.goto(`${server().url}/console/${server().orgId}/segments`);
      const button = `Export the ${segment.label} segment`;
      const csv = await exportThrough(page, button, /^CSV/);
      expect(csv.suggestedFilename()).toMatch(new RegExp(`^segment-${segment.key}-.+\\.csv$`));
      const lines = await linesOf(csv, '\r\n');
      expect(lines[0]).toBe(PARTICIPANT_HEADER);
      expect(lines.length - 1).toBe(segment.count);
      await page
        .getByRole('status')
        .filter({ hasText: `${segment.count.toLocaleString('en-US')} participants ·` })
        .waitFor();

      const ndjson = await exportThrough(page, button, /^NDJSON/);
      expect(ndjson.suggestedFilename()).toMatch(/\.ndjson$/);
      const rows = (await linesOf(ndjson, '\n')).map((line) => JSON.parse(line) as { email: string });
      expect(rows).toHaveLength(segment.count);
      expect(rows.map((r) => r.email).sort()).toEqual(
        lines
          .slice(1)
          // Every cell is quoted (docs/decisions/040).
          .map((line) => line.split(',')[2]!.replace(/^"|"$/g, ''))
          .sort(),
      );
    } finally {
      await context.close();
    }
  });

  it('downloads every relationship from the graph’s header as CSV', async () => {
    const { context, page } = await signedInPage(browser, { server: server(), role: 'viewer' });
    try {
      await page.goto(`${server().url}/console/${server().orgId}/graph`);
      const csv = await exportThrough(page, 'Export relationships', /^CSV/);
      expect(csv.suggestedFilename()).toMatch(/^relationships-.+\.csv$/);
      const lines = await linesOf(csv, '\r\n');
      expect(lines[0]).toBe(RELATIONSHIP_HEADER);
      expect(lines.length).toBeGreaterThan(1);
      // Each row by id, with both ends (system accounts have no email, so that cell may be empty).
      expect(lines.slice(1).every((line) => /^"[0-9a-f-]{36}",[^,]*,[^,]*,/.test(line))).toBe(true);
      expect(lines.slice(1).some((line) => /^[^,]+,[^,]+@[^,]+,[^,]+@/.test(line))).toBe(true);
      await page
        .getByRole('status')
        .filter({ hasText: `${(lines.length - 1).toLocaleString('en-US')} relationships ·` })
        .waitFor();
    } finally {
      await context.close();
    }
  });
});
