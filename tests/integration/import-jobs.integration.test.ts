import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { importUploads, jobs } from '../../src/lib/database/schema';
import { queryRows } from '../../src/lib/db';
import { JOB_HANDLERS } from '../../src/lib/jobs/handlers';
import { JobRunner } from '../../src/lib/jobs/runner';
import type { JobRow } from '../../src/lib/repositories/jobs';
import { seedDemo } from '../../src/lib/seed/demo';
import { createTestApi, signIn, TEST_PASSWORD } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

const quiet = () => undefined;

/** `n` participants as a CSV file of about 50 bytes a row, the last one `last` when given. */
function people(n: number, last?: string): string {
  const rows = ['email,display_name,role'];
  for (let i = 0; i < n; i++) rows.push(`person${i}@bulk.example,Bulk Person ${i},member`);
  if (last) rows[rows.length - 1] = last;
  return `${rows.join('\n')}\n`;
}

describeEachDatabase('CSV import as a job', ({ db }) => {
  async function setup() {
    const api = createTestApi(db(), { IMPORT_MAX_BYTES: '4000000' });
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const cookie = await signIn(api, 'operator@ironfront.example');
    const start = async (body: string, query = '') =>
      api.request(`/api/orgs/${orgId}/imports?kind=participants&background=true${query}`, {
        method: 'POST',
        cookie,
        body,
        headers: { 'content-type': 'text/csv' },
      });
    const progress: number[] = [];
    const runner = new JobRunner(db().db, JOB_HANDLERS, {
      log: quiet,
      bulk: db(),
      onProgress: (_job, _phase, fraction) => progress.push(fraction),
    });
    const count = async () =>
      (
        await queryRows<{ n: number }>(
          db().db,
          sql`SELECT count(*)::int AS n FROM participants WHERE org_id = ${orgId} AND email LIKE '%@bulk.example'`,
        )
      )[0]!.n;
    const jobOf = async (id: string) =>
      (await (await api.request(`/api/orgs/${orgId}/jobs/${id}`, { cookie })).json()) as JobRow;
    return { orgId, start, runner, progress, count, jobOf };
  }

  it('stores a file of several chunks, imports it in a job with progress, and leaves the report as its result', async () => {
    const { start, runner, progress, count, jobOf } = await setup();
    const file = people(60_000); // about 2.6 MB: three chunks
    const queued = await start(file);
    expect(queued.status, await queued.clone().text()).toBe(202);
    const job = (await queued.json()) as JobRow;
    expect(job).toMatchObject({ kind: 'csv_import', status: 'queued' });
    const [upload] = await db().db.select().from(importUploads);
    expect(upload).toMatchObject({ bytes: Buffer.byteLength(file), chunks: 3, dryRun: false });

    expect(await runner.runNext()).toBe(true);
    const done = await jobOf(job.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(done.result).toMatchObject({
      report: { applied: true, counts: { created: 60_000, rejected: 0 }, file: { rows: 60_000 } },
    });
    expect(await count()).toBe(60_000);
    // Progress rose through the file's chunks to the end.
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(await db().db.select().from(importUploads)).toEqual([]);
  });

  it('completes with the report when rows are rejected, writing nothing; a dry run writes nothing either', async () => {
    const { start, runner, count, jobOf } = await setup();
    const bad = await ((await start(people(5_000, 'not-an-email,X,member'))).json() as Promise<JobRow>);
    await runner.runNext();
    const done = await jobOf(bad.id);
    expect(done.status).toBe('succeeded');
    const { report } = done.result as {
      report: { applied: boolean; counts: { rejected: number }; rows: object[]; rowsLeftOut: number };
    };
    expect(report).toMatchObject({ applied: false, counts: { rejected: 1 }, rowsLeftOut: 4_500 });
    expect(report.rows).toHaveLength(500);
    expect(report.rows[0]).toMatchObject({ outcome: 'rejected', row: 5_001 });
    const dry = await ((await start(people(100), '&dryRun=true')).json() as Promise<JobRow>);
    await runner.runNext();
    expect((await jobOf(dry.id)).result).toMatchObject({
      report: { dryRun: true, counts: { created: 100 } },
    });
    expect(await count()).toBe(0);
  });

  it('refuses a second import while one is queued, an empty file, and a file over the limit, keeping no upload', async () => {
    const { orgId, start, jobOf } = await setup();
    const first = (await (await start(people(10))).json()) as JobRow;
    const second = await start(people(10));
    expect(second.status).toBe(409);
    expect((await second.json()).jobId).toBe(first.id);
    await db().db.update(jobs).set({ status: 'cancelled' }).where(eq(jobs.id, first.id));
    await db().db.delete(importUploads).where(eq(importUploads.orgId, orgId));
    expect((await start('')).status).toBe(400);
    const big = await start(people(100_000)); // about 4.4 MB, over the 4 MB limit
    expect(big.status).toBe(413);
    expect(await db().db.select().from(importUploads)).toEqual([]);
    expect((await jobOf(first.id)).status).toBe('cancelled');
  });
});
