import { describe, expect, it } from 'vitest';
import { textStream } from '../../src/lib/export-format';

describe('the export stream', () => {
  it('streams every text in order, as UTF-8', async () => {
    async function* texts() {
      yield 'n\n';
      for (let i = 0; i < 1200; i++) yield `${i} é\n`;
    }
    const text = await new Response(textStream(texts())).text();
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('n');
    expect(lines).toHaveLength(1201);
    expect(lines[1200]).toBe('1199 é');
  });

  it('asks for the next text only when the reader takes one, and stops the source when cancelled', async () => {
    let produced = 0;
    let stopped = false;
    async function* texts() {
      try {
        for (;;) {
          produced++;
          yield 'x';
        }
      } finally {
        stopped = true;
      }
    }
    const reader = textStream(texts()).getReader();
    await reader.read();
    await reader.read();
    expect(produced).toBeLessThanOrEqual(3);
    await reader.cancel();
    expect(stopped).toBe(true);
  });
});
