import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests run thousands of cases; give them room without hiding real hangs.
    testTimeout: 60_000,
    // Opening PGlite and migrating it takes seconds, and far more on a loaded 2-core CI machine
    // (timeouts at 10 s were seen with nothing wrong); a hung hook still fails, only later.
    hookTimeout: 60_000,
  },
});
