import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests run thousands of cases; give them room without hiding real hangs.
    testTimeout: 60_000,
  },
});
