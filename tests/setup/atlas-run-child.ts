// A process that runs one Atlas job on a PostgreSQL database and is killed by the test half-way
// (tests/integration/atlas-run.integration.test.ts): a process exit mid-run, as a crash would leave it.
import { openPostgres } from '../../src/lib/db';
import { JOB_HANDLERS } from '../../src/lib/jobs/handlers';
import { JobRunner } from '../../src/lib/jobs/runner';
import { unsafeFindOrg } from '../../src/lib/repositories/unsafe';

const [url, orgId] = process.argv.slice(2);
const handle = openPostgres(url!, { poolSize: 2 });
const org = await unsafeFindOrg(handle.db, orgId!);
if (!org) throw new Error(`no org ${orgId}`);
const runner = new JobRunner(handle.db, JOB_HANDLERS, { log: () => undefined, heartbeatMs: 200 });
await runner.runNow(org, 'atlas_run');
await handle.close();
