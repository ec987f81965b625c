import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireBuildLock } from '../../src/lib/next-build';

// The production build's lock (src/lib/next-build.ts): one process builds, the others wait; a lock
// left by a build that was killed must not hold the next start for minutes.

const dirs: string[] = [];
const lockFile = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-build-lock-'));
  dirs.push(dir);
  return path.join(dir, '.next.build-lock');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the build lock', () => {
  it('holds its pid while taken and is gone once released', () => {
    const file = lockFile();
    const release = acquireBuildLock(file, () => undefined);
    expect(fs.readFileSync(file, 'utf8')).toBe(String(process.pid));
    release();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('takes over at once a lock whose process is no longer running', () => {
    const file = lockFile();
    const ended = spawnSync(process.execPath, ['-e', '']);
    fs.writeFileSync(file, String(ended.pid));
    const lines: string[] = [];
    const started = Date.now();
    const release = acquireBuildLock(file, (line) => lines.push(line));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(fs.readFileSync(file, 'utf8')).toBe(String(process.pid));
    expect(lines).toEqual([]);
    release();
  });

  it('takes over a lock without a pid only once it is old', () => {
    const file = lockFile();
    fs.writeFileSync(file, '');
    const old = new Date(Date.now() - 16 * 60_000);
    fs.utimesSync(file, old, old);
    const release = acquireBuildLock(file, () => undefined);
    expect(fs.readFileSync(file, 'utf8')).toBe(String(process.pid));
    release();
  });

  it('waits, saying so once, while a running process holds it', async () => {
    const file = lockFile();
    const release = acquireBuildLock(file, () => undefined);
    // Another process asks for the lock while this one holds it.
    const waiter = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import { acquireBuildLock } from ${JSON.stringify(path.resolve('src/lib/next-build.ts'))};
         const release = acquireBuildLock(${JSON.stringify(file)}, (line) => console.log(line));
         console.log('taken');
         release();`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    waiter.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => waiter.on('exit', resolve));
    await expect
      .poll(() => output, { timeout: 20_000 })
      .toContain('Waiting for the build of another process');
    expect(output).not.toContain('taken');
    release();
    expect(await exited).toBe(0);
    expect(output.match(/Waiting for the build/g)).toHaveLength(1);
    expect(output).toContain(`pid ${process.pid}`);
    expect(output).toContain('taken');
  });
});
