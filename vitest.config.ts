import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real servers and processes: keep them from fighting for the 2 cores.
    fileParallelism: false,
    pool: 'forks',
  },
});
