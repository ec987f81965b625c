import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { acquireLock, readLiveLock } from '../lib/database/embedded-lock';
import { parseEnv } from '../lib/env';
import { describeFailure, processIo } from './command';

// `db:push` and `db:studio` run drizzle-kit, which opens the database itself. With the embedded
// database that must respect the same rules as every other command (docs/decisions/004): go through
// the running server's socket, or hold the lock while drizzle-kit has the files.

function runDrizzleKit(args: string[], extraEnv: Record<string, string>): number {
  const bin = path.resolve('node_modules', 'drizzle-kit', 'bin.cjs');
  const result = spawnSync(process.execPath, [bin, ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...extraEnv },
  });
  return result.status ?? 1;
}

try {
  const env = parseEnv();
  const args = process.argv.slice(2);
  if (env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL) {
    process.exitCode = runDrizzleKit(args, {});
  } else {
    const dataDir = path.resolve(env.DATA_DIR);
    const holder = readLiveLock(dataDir);
    if (holder?.holder === 'server' && holder.socketDir) {
      const url = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(holder.socketDir)}`;
      process.exitCode = runDrizzleKit(args, { DATABASE_URL: url });
    } else {
      const lock = acquireLock(dataDir, 'command');
      try {
        process.exitCode = runDrizzleKit(args, {});
      } finally {
        lock.release();
      }
    }
  }
} catch (error) {
  process.exitCode = describeFailure(error, processIo, 'Usage: npm run db:push | npm run db:studio');
}
