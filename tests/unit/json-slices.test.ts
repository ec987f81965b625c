import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSlices, jsonStream } from '../../src/lib/json-slices';

const noPause = async () => undefined;

async function text(value: unknown): Promise<string> {
  let out = '';
  for await (const piece of jsonSlices(value, noPause)) out += piece;
  return out;
}

describe('jsonSlices', () => {
  it('writes what JSON.stringify writes, for any plain data', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        expect(await text(value)).toBe(JSON.stringify(value));
      }),
    );
  });

  it('writes long arrays a slice at a time, pausing between slices, with the same text', async () => {
    const value = {
      format: 'compact',
      nodes: { id: Array.from({ length: 4500 }, (_, i) => `n${i}`), x: undefined },
      edges: { source: Array.from({ length: 2001 }, (_, i) => i), confidence: [0.5, null] },
    };
    let pauses = 0;
    let out = '';
    for await (const piece of jsonSlices(value, async () => void pauses++)) out += piece;
    expect(out).toBe(JSON.stringify(value));
    expect(pauses).toBe(3 + 2);
    const streamed = await new Response(jsonStream(value, noPause)).text();
    expect(JSON.parse(streamed)).toEqual(JSON.parse(JSON.stringify(value)));
  });
});
