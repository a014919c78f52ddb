import { defineConfig } from 'vitest/config';

/** `npm run test:cluster`: the three-node NATS cluster failover test (slow, timing-sensitive on a loaded machine). */
export default defineConfig({
  test: {
    include: ['test/cluster/*.cluster.ts'],
    testTimeout: 300_000,
    hookTimeout: 150_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
