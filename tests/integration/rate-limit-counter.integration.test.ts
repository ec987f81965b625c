import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { queryRows } from '../../src/lib/db';
import { createRateLimiters, saveCounts } from '../../src/lib/rate-limit';
import { SharedWindowCounter } from '../../src/lib/rate-limit-counter';
import { describeEachDatabase } from '../setup/databases';

// The API's request limits (docs/decisions/038): counted in memory far from the limit, added to the
// shared row once a second, and decided by the database from half of the limit on — exactly, however
// many instances count the same key.

describeEachDatabase('shared request counters', ({ db }) => {
  const counters: SharedWindowCounter[] = [];
  const counter = (points: number, duration = 60) => {
    const made = new SharedWindowCounter(db().db, 'test', points, duration);
    counters.push(made);
    return made;
  };
  afterEach(() => {
    for (const made of counters.splice(0)) made.stop();
  });
  const stored = async (key: string) =>
    (
      await queryRows<{ points: number }>(
        db().db,
        sql`SELECT points FROM rate_limits WHERE key = ${`test:${key}`}`,
      )
    )[0]?.points;

  it('allows exactly the limit, counting down what remains', async () => {
    const c = counter(6);
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await c.consume('k'));
    expect(answers.map((a) => a.remaining)).toEqual([5, 4, 3, 2, 1, 0, 0, 0]);
    expect(answers.map((a) => a.blocked)).toEqual([false, false, false, false, false, false, true, true]);
    expect(answers.every((a) => a.limit === 6 && a.resetSeconds > 0 && a.resetSeconds <= 60)).toBe(true);
    expect(await stored('k')).toBe(8);
  });

  it('writes nothing per hit far from the limit, and all of it at the next flush', async () => {
    const c = counter(1000);
    for (let i = 0; i < 40; i++) expect((await c.consume('far')).blocked).toBe(false);
    expect(await stored('far')).toBeUndefined();
    await c.flush();
    expect(await stored('far')).toBe(40);
    await c.consume('far');
    await c.flush();
    expect(await stored('far')).toBe(41);
  });

  it('shares one limit between instances, decided exactly near it', async () => {
    const [a, b] = [counter(20), counter(20)];
    const blocked: boolean[] = [];
    for (let i = 0; i < 24; i++) blocked.push((await (i % 2 ? b : a).consume('shared')).blocked);
    expect(blocked.indexOf(true)).toBe(20);
    expect(blocked.slice(20)).toEqual([true, true, true, true]);
  });

  it('counts a burst of concurrent hits once each', async () => {
    const [a, b] = [counter(10), counter(10)];
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? b : a).consume('burst')));
    expect(answers.filter((x) => !x.blocked)).toHaveLength(10);
    await Promise.all([a.flush(), b.flush()]);
    expect(await stored('burst')).toBe(30);
  });

  it('starts a new window when the last one is over', async () => {
    const c = counter(2, 1);
    await c.consume('w');
    await c.consume('w');
    expect((await c.consume('w')).blocked).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const next = await c.consume('w');
    expect(next).toMatchObject({ blocked: false, remaining: 1 });
  });

  it('saves what is still counted in memory when the server stops', async () => {
    const limiters = createRateLimiters(db().db, {
      signInWindowMinutes: 15,
      signInMaxFailuresPerAccount: 5,
      signInMaxFailuresPerIp: 50,
      apiPerUserPerMinute: 1000,
      apiPerOrgPerMinute: 5000,
    });
    for (let i = 0; i < 7; i++) {
      await limiters.apiByUser.consume('user-1');
      await limiters.apiByOrg.consume('org-1');
    }
    await saveCounts(limiters);
    const rows = await queryRows<{ key: string; points: number }>(
      db().db,
      sql`SELECT key, points FROM rate_limits WHERE key LIKE 'api-%' ORDER BY key`,
    );
    expect(rows).toEqual([
      { key: 'api-org:org-1', points: 7 },
      { key: 'api-user:user-1', points: 7 },
    ]);
  });
});
