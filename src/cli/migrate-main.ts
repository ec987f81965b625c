import { runMigrations, pendingMigrations } from '../lib/database/migrate';
import type { DatabaseHandle } from '../lib/db';
import { describeFailure, openCommandDatabase, processIo } from './command';

let handle: DatabaseHandle | undefined;
try {
  handle = await openCommandDatabase('owner');
  const pending = await pendingMigrations(handle);
  await runMigrations(handle);
  processIo.out(
    pending.length
      ? `Applied ${pending.length} migration(s) to ${handle.location}: ${pending.join(', ')}`
      : `${handle.location} is up to date.`,
  );
} catch (error) {
  process.exitCode = describeFailure(error, processIo, 'Usage: npm run db:migrate');
} finally {
  await handle?.close();
}
