import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const INPUTS = ['src', 'public', 'next.config.ts', 'package.json', 'tsconfig.json'];

function newestMtime(entry: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

/** Where Next.js builds: next.config.ts reads the same variable (one folder per concurrent user). */
function distDir(root: string): string {
  return path.resolve(root, process.env.NEXT_DIST_DIR || '.next');
}

/** True when there is no production build, or a page's sources changed after it was made. */
export function buildIsStale(root: string): boolean {
  const buildId = path.join(distDir(root), 'BUILD_ID');
  if (!fs.existsSync(buildId)) return true;
  const builtAt = fs.statSync(buildId).mtimeMs;
  return INPUTS.some((input) => newestMtime(path.join(root, input)) > builtAt);
}

/** `npm start` on a fresh clone: make the production build first, once. */
export function ensureProductionBuild(root: string, log: (line: string) => void): void {
  if (!buildIsStale(root)) return;
  // Test files running in parallel may each ask for the build: one builds, the others wait for it.
  const lock = `${distDir(root)}.build-lock`;
  const release = acquireLock(lock);
  try {
    if (!buildIsStale(root)) return;
    log('Building the console pages (first start or changed sources)…');
    const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
    const result = spawnSync(process.execPath, [nextBin, 'build'], {
      cwd: root,
      stdio: 'inherit',
      env: process.env,
    });
    if (result.status !== 0) throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
  } finally {
    release();
  }
}

const LOCK_STALE_MS = 15 * 60_000;

/** A lock file made with O_EXCL; one left behind by a crashed build is taken over after 15 minutes. */
function acquireLock(file: string): () => void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      fs.closeSync(fs.openSync(file, 'wx'));
      return () => fs.rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) fs.rmSync(file, { force: true });
      else Atomics.wait(pause, 0, 0, 500);
    }
  }
}
