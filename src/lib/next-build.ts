import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isAlive } from './database/embedded-lock';

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
  const release = acquireBuildLock(lock, log);
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

/**
 * A lock file made with O_EXCL, holding its builder's pid. A lock whose builder is no longer running
 * (killed mid-build) is taken over at once; one without a pid, after 15 minutes. While it waits, it
 * says so once: a start that waits in silence looks hung.
 */
export function acquireBuildLock(file: string, log: (line: string) => void): () => void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let told = false;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: number;
      let age: number;
      try {
        holder = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
        age = Date.now() - fs.statSync(file).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      const gone = Number.isInteger(holder) && holder > 0 && !isAlive(holder);
      if (gone || age > LOCK_STALE_MS) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (!told) {
        log(
          `Waiting for the build of another process (${Number.isInteger(holder) ? `pid ${holder}` : 'unknown'}, lock ${file})…`,
        );
        told = true;
      }
      Atomics.wait(pause, 0, 0, 500);
    }
  }
}
