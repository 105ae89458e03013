import { defineConfig } from 'vitest/config';

// The benchmark's own unit tests, which need no database: npx vitest run --config bench/vitest.config.ts
export default defineConfig({
  test: {
    root: 'bench',
    include: ['src/**/*.test.ts'],
  },
});
