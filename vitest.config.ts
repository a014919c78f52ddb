import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The live demo runs on wall-clock time (~2.5 min): `npm run test:live`, vitest.live.config.ts.
    exclude: [...configDefaults.exclude, 'test/e2e/demo-live.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real servers and processes: keep them from fighting for the 2 cores.
    fileParallelism: false,
    pool: 'forks',
  },
});
