import { describe, expect, it } from 'vitest';
import { ConcurrencyGate } from '../../src/lib/concurrency-gate';

describe('ConcurrencyGate', () => {
  it('admits up to the user’s and the org’s limits, and refuses at once without a wait', async () => {
    const gate = new ConcurrencyGate({ perUser: 2, perOrg: 3, maxWaitMs: 0, perProcess: 100 });
    const a1 = await gate.acquire('org', 'a');
    const a2 = await gate.acquire('org', 'a');
    expect([a1, a2].every(Boolean)).toBe(true);
    expect(await gate.acquire('org', 'a')).toBeNull();
    expect(await gate.acquire('org', 'b')).not.toBeNull();
    expect(await gate.acquire('org', 'c')).toBeNull();
    expect(await gate.acquire('other org', 'c')).not.toBeNull();
    a1!();
    a1!(); // a second release gives nothing back twice
    expect(await gate.acquire('org', 'c')).not.toBeNull();
    expect(await gate.acquire('org', 'c')).toBeNull();
  });

  it('hands a freed slot to the earliest waiter that fits, without one user holding up another', async () => {
    const gate = new ConcurrencyGate({ perUser: 1, perOrg: 2, maxWaitMs: 60_000, perProcess: 100 });
    const a = (await gate.acquire('org', 'a'))!;
    const b = (await gate.acquire('org', 'b'))!;
    const order: string[] = [];
    const aWaits = gate.acquire('org', 'a').then((r) => (order.push('a'), r));
    const cWaits = gate.acquire('org', 'c').then((r) => (order.push('c'), r));
    expect(gate.waiting).toBe(2);
    b(); // frees an org slot and b's user slot: a is still at its own limit, c fits
    const c = (await cWaits)!;
    expect(order).toEqual(['c']);
    a();
    expect(await aWaits).not.toBeNull();
    expect(gate.waiting).toBe(0);
    c();
  });

  it('admits no more than the process’s limit, whichever orgs and users ask', async () => {
    const gate = new ConcurrencyGate({ perUser: 5, perOrg: 5, maxWaitMs: 60_000, perProcess: 2 });
    const a = (await gate.acquire('org 1', 'a'))!;
    (await gate.acquire('org 2', 'b'))!;
    const waiting = gate.acquire('org 3', 'c');
    expect(gate.waiting).toBe(1);
    a();
    expect(await waiting).not.toBeNull();
    expect(gate.waiting).toBe(0);
  });

  it('gives up when the wait runs out or the caller goes away', async () => {
    const gate = new ConcurrencyGate({ perUser: 1, perOrg: 1, maxWaitMs: 10, perProcess: 100 });
    const held = (await gate.acquire('org', 'a'))!;
    expect(await gate.acquire('org', 'a')).toBeNull();
    const patient = new ConcurrencyGate({ perUser: 1, perOrg: 1, maxWaitMs: 60_000, perProcess: 100 });
    const first = (await patient.acquire('org', 'a'))!;
    const controller = new AbortController();
    const waiting = patient.acquire('org', 'a', controller.signal);
    controller.abort();
    expect(await waiting).toBeNull();
    expect(patient.waiting).toBe(0);
    held();
    first();
  });
});
