import { defineConfig } from 'vitest/config';

/** `npm run test:live`: the live demo end to end (minutes of wall clock; not part of `npm test`). */
export default defineConfig({
  test: {
    include: ['test/live/**/*.live.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
