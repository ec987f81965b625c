import { describe, expect, it } from 'vitest';
import { LightFirst } from '../../src/lib/light-first';

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true));
  // A few turns of the loop: enough for anything already due.
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('LightFirst', () => {
  it('holds heavy work while a light request is in flight, and lets it go when the last one ends', async () => {
    const light = new LightFirst({ maxPauseMs: 60_000, sliceMs: 60_000 });
    const endA = light.begin();
    const endB = light.begin();
    expect(light.inFlight).toBe(2);
    const waiting = light.giveWay();
    endA();
    endA(); // ending twice counts once
    expect(light.inFlight).toBe(1);
    expect(await settled(waiting)).toBe(false);
    endB();
    expect(light.inFlight).toBe(0);
    expect(await settled(waiting)).toBe(true);
  });

  it('never holds heavy work longer than maxPauseMs', async () => {
    const light = new LightFirst({ maxPauseMs: 20, sliceMs: 60_000 });
    const end = light.begin();
    const started = performance.now();
    await light.giveWay();
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    expect(light.inFlight).toBe(1);
    end();
  });

  it('with no light work, goes on at once until its slice has run out, then gives the loop a turn', async () => {
    const light = new LightFirst({ maxPauseMs: 20, sliceMs: 60_000 });
    let immediate = false;
    setImmediate(() => (immediate = true));
    await light.giveWay();
    expect(immediate).toBe(false);
    const sliced = new LightFirst({ maxPauseMs: 20, sliceMs: 0 });
    await sliced.giveWay();
    expect(immediate).toBe(true);
  });
});
