import type { DatabaseHandle } from '../lib/db';

/** What every API handler finds in its context. */
export interface ApiEnv {
  Variables: {
    database: DatabaseHandle;
    requestId: string;
  };
}
