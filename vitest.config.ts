import { defineConfig } from 'vitest/config';

// Engine and browser tests share one Docker engine and one built server, so test files
// run one after another; unit tests are fast enough that this costs little.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    globalSetup: ['test/support/build-site.ts'],
  },
});
