import { defineConfig } from 'vitest/config';

/** `npm run test:faults`: kill -9 of every agent kind, of the supervisor and of nats-server mid-scenario (slow). */
export default defineConfig({
  test: {
    include: ['test/faults/*.faults.ts'],
    testTimeout: 900_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
