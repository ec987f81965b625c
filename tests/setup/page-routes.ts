import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './server';

const PAGE_FILE = /^page\.(tsx|ts|jsx|js)$/;

/**
 * Every page of the App Router as its route pattern ("/console/[orgId]/participants/[participantId]"),
 * read from src/app the way Next.js does: route groups "(name)" add no segment, private folders "_name"
 * and parallel slots "@name" hold no page of their own. A page added there is walked without a word.
 */
export function pageRoutes(appDir = path.join(ROOT, 'src', 'app')): string[] {
  const routes: string[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isFile() && PAGE_FILE.test(entry.name)) routes.push(`/${segments.join('/')}`);
      if (!entry.isDirectory() || entry.name.startsWith('_') || entry.name.startsWith('@')) continue;
      const group = /^\(.*\)$/.test(entry.name);
      walk(path.join(dir, entry.name), group ? segments : [...segments, entry.name]);
    }
  };
  walk(appDir, []);
  return routes.sort();
}

/** The route with its dynamic segments filled in; a segment without a value is an error that names it. */
export function fillRoute(route: string, params: Record<string, string>): string {
  return route.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for [${name}] of ${route}: add one to the test`);
    return encodeURIComponent(value);
  });
}
