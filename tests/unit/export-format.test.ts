import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, linesStream } from '../../src/lib/export-format';

describe('CSV export', () => {
  it.each([
    ['plain', 'plain'],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['a,b', '"a,b"'],
    ['line\nbreak', '"line\nbreak"'],
    ['say "hi"', '"say ""hi"""'],
    [' padded ', '" padded "'],
  ])('writes %j as %s', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('writes null as empty and objects as JSON', () => {
    expect(csvLine([null, undefined, { a: 1 }, 3])).toBe(',,"{""a"":1}",3\r\n');
  });

  it('streams a header and then every row', async () => {
    async function* rows() {
      for (let i = 0; i < 1200; i++) yield i;
    }
    const text = await new Response(linesStream(rows(), 'n\n', (i) => `${i}\n`)).text();
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('n');
    expect(lines).toHaveLength(1201);
    expect(lines[1200]).toBe('1199');
  });
});
