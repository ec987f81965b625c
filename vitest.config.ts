import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    globalSetup: ['tests/setup/global-setup.ts'],
    // Each worker logs the statements it sends to PostgreSQL; the global setup checks them at the end.
    setupFiles: ['tests/setup/statement-log.ts'],
    // scrypt at a test cost (src/lib/password.ts reads it only in a Vitest run; production keeps 2^17).
    env: {
      TEST_PASSWORD_LOG2N: process.env.TEST_PASSWORD_LOG2N || '10',
      // The app's JSON lines would drown the report; servers the tests start log at info (tests/setup/server.ts).
      LOG_LEVEL: process.env.LOG_LEVEL || 'silent',
    },
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file makes its own databases, so files run in parallel; keep it to the machine's 2 cores.
    maxWorkers: 2,
  },
});
