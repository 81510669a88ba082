import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites each start their own local stack on their own ports; keep the
    // 2-core machine from running too many JVMs at once.
    maxWorkers: 2,
  },
});
