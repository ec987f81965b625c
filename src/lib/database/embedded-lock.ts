import fs from 'node:fs';
import path from 'node:path';

// PGlite serves one process. Whoever opens the data directory first writes this lock; everyone else
// reads it to learn who holds the database and, when that is the console server, where its socket is.

export interface EmbeddedLockInfo {
  pid: number;
  holder: 'server' | 'command';
  command: string;
  startedAt: string;
  /** Directory holding `.s.PGSQL.5432`, set once a server shares the database over its socket. */
  socketDir?: string;
}

export class EmbeddedDatabaseBusyError extends Error {
  override name = 'EmbeddedDatabaseBusyError';
  constructor(
    readonly dataDir: string,
    readonly holderInfo: EmbeddedLockInfo,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another ${holderInfo.holder === 'server' ? 'console server' : 'command'} ` +
        `(pid ${holderInfo.pid}: ${holderInfo.command}, since ${holderInfo.startedAt}).\n` +
        (holderInfo.holder === 'server'
          ? 'Stop that server first, or give this one another DATA_DIR.'
          : 'Wait for it to finish and run this again.'),
    );
  }
}

export function lockPath(dataDir: string): string {
  return path.join(dataDir, 'console.lock');
}

/** Whether process `pid` is running on this machine. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The current holder, or undefined when the lock is free or was left behind by a dead process. */
export function readLiveLock(dataDir: string): EmbeddedLockInfo | undefined {
  let raw: string;
  try {
    raw = fs.readFileSync(lockPath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let info: EmbeddedLockInfo;
  try {
    info = JSON.parse(raw) as EmbeddedLockInfo;
  } catch {
    // A lock being written this instant is empty; treat it as held by an unknown live process.
    return { pid: -1, holder: 'command', command: 'unknown', startedAt: 'just now' };
  }
  return isAlive(info.pid) ? info : undefined;
}

export interface EmbeddedLock {
  info: EmbeddedLockInfo;
  update(patch: Partial<EmbeddedLockInfo>): void;
  release(): void;
}

/** Takes the lock atomically (O_EXCL) or throws EmbeddedDatabaseBusyError naming the live holder. */
export function acquireLock(dataDir: string, holder: EmbeddedLockInfo['holder']): EmbeddedLock {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = lockPath(dataDir);
  const info: EmbeddedLockInfo = {
    pid: process.pid,
    holder,
    command: process.argv.slice(1).join(' ').slice(0, 200),
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(info), { flag: 'wx', mode: 0o600 });
      return makeLock(file, info);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const live = readLiveLock(dataDir);
      if (live) throw new EmbeddedDatabaseBusyError(dataDir, live);
      fs.rmSync(file, { force: true });
    }
  }
  const live = readLiveLock(dataDir);
  throw new EmbeddedDatabaseBusyError(dataDir, live ?? info);
}

function makeLock(file: string, info: EmbeddedLockInfo): EmbeddedLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    try {
      const current = JSON.parse(fs.readFileSync(file, 'utf8')) as EmbeddedLockInfo;
      if (current.pid === process.pid) fs.rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  };
  process.on('exit', release);
  return {
    info,
    update(patch) {
      Object.assign(info, patch);
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
      fs.renameSync(tmp, file);
    },
    release,
  };
}
