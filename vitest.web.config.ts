import { defineConfig } from 'vitest/config';

// The web console in a real browser (npm run test:web; .ci/run runs it after npm test): one
// file, one worker, one chromium, against one local stack with the demo's data.
export default defineConfig({
  test: {
    include: ['tests/web/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
