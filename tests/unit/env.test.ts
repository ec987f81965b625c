import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../src/lib/env';

describe('parseEnv', () => {
  it('gives the documented defaults', () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      DATABASE_POOL_SIZE: 10,
      DATA_DIR: './.data',
      PORT: 3000,
      HOST: '127.0.0.1',
      DB_LOG_QUERIES: false,
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL'],
    [{ AUTH_SECRET: 'short' }, 'AUTH_SECRET'],
    [{ DB_LOG_QUERIES: 'maybe' }, 'DB_LOG_QUERIES'],
    [{ SEED_OPERATOR_PASSWORD: 'short' }, 'SEED_OPERATOR_PASSWORD'],
  ])('refuses %j, naming %s', (source, name) => {
    expect(() => parseEnv(source)).toThrow(EnvError);
    expect(() => parseEnv(source)).toThrow(new RegExp(`^  ${name}: `, 'm'));
  });

  it('requires AUTH_SECRET in production with PostgreSQL, not for the embedded demo', () => {
    expect(() => parseEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://h/db' })).toThrow(
      /AUTH_SECRET: required/,
    );
    expect(parseEnv({ NODE_ENV: 'production' }).AUTH_SECRET).toBeUndefined();
  });

  it('treats an empty DATABASE_URL as unset', () => {
    expect(parseEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});
