import { defineConfig } from 'vitest/config';

// Browser tests: the real server (production build) driven by Debian's Chromium through playwright-core.
export default defineConfig({
  test: {
    include: ['e2e/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    // Users made by the login fixture (e2e/fixtures.ts) are hashed at a test cost, so signing them in is
    // quick; the server itself runs in production mode and hashes at full cost.
    env: { TEST_PASSWORD_LOG2N: process.env.TEST_PASSWORD_LOG2N || '10' },
  },
});
