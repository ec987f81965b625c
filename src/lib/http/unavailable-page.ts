import type http from 'node:http';
import { databaseErrorToAppError } from './database-errors';
import { NON_PAGE_CSP } from './security-headers';

// A console page when the database is down (docs/decisions/026): answered here, before Next.js
// renders, as a 503 with Retry-After, instead of a render that fails halfway into a 500. The page has
// no script and reloads itself after the wait.

const page = (retryAfter: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${retryAfter}">
<title>Operator Console is unavailable</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;color:#1f2937}@media (prefers-color-scheme:dark){body{background:#111827;color:#e5e7eb}}</style>
</head>
<body>
<h1>The console cannot reach its database</h1>
<p>Nothing you did caused this, and nothing was lost. This page tries again in ${retryAfter} seconds.</p>
</body>
</html>
`;

/**
 * Answers 503 when `error` means the database is unreachable or saturated; returns whether it did.
 * Any other error is left to the page, which shows its own.
 */
export function answerUnavailablePage(res: http.ServerResponse, error: unknown): boolean {
  const mapped = databaseErrorToAppError(error);
  if (mapped?.code !== 'unavailable' || res.headersSent) return false;
  const retryAfter = mapped.headers?.['retry-after'] ?? '5';
  res.writeHead(503, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'retry-after': retryAfter,
    // The page's one inline <style>; src/server.ts has set the other security headers already.
    'content-security-policy': `${NON_PAGE_CSP}; style-src 'unsafe-inline'`,
  });
  res.end(page(retryAfter));
  return true;
}
