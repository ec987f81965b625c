import { Writable } from 'node:stream';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { createLogger, serializeError } from '../../src/lib/observability/logger';

// An error in a log line keeps its story (type, first line, frames, cause) and drops a failed
// statement's parameters, which may be an email or a name (docs/decisions/036).

describe('errors in log lines', () => {
  const failed = () => {
    const cause = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
    });
    return new DrizzleQueryError(
      'insert into participants (email, display_name) values ($1, $2)',
      ['nora@example.com', 'Nora Quist'],
      cause,
    );
  };

  it('keeps the first line, the frames and the cause, and drops the parameters', () => {
    const logged = serializeError(failed());
    const text = JSON.stringify(logged);
    expect(text).not.toContain('nora@example.com');
    expect(text).not.toContain('Nora Quist');
    expect(logged.message).toBe(
      'Failed query: insert into participants (email, display_name) values ($1, $2)',
    );
    expect(logged.stack).toMatch(/^ {4}at /);
    expect(logged.cause).toMatchObject({
      code: '23505',
      message: 'duplicate key value violates unique constraint',
    });
  });

  it('is what the logger writes for `err`', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    createLogger('info', sink).error({ err: failed() }, 'unexpected error');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('nora@example.com');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', err: { type: 'DrizzleQueryError' } });
  });
});
