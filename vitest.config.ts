import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'tests/**/*.test.ts'],
    // The long reliability tests run with `npm run test:reliability`.
    exclude: ['**/node_modules/**', '**/dist/**', 'tests/reliability/long/**'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Integration tests start real PostgreSQL databases and processes; two
    // workers keep a 2-core machine responsive.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
