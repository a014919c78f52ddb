import { defineConfig } from 'vitest/config';

/**
 * `npm run test:live`: the live demo as a user runs it (real billable-API processes behind the
 * demo's balancer, about two and a half minutes of wall clock). Outside `npm test` to keep CI
 * under its 15 minutes; the pieces it strings together have their own tests there.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/demo-live.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
