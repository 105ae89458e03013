import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The reliability tests that take several minutes each, run by
 * `npm run test:reliability`. The main configuration excludes this folder,
 * so that `npm test` stays fast.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    include: ['tests/reliability/long/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    // Each file starts a whole platform; one at a time keeps a 2-core machine responsive.
    maxWorkers: 1,
    fileParallelism: false,
  },
});
