import { appendFileSync, mkdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// What the code under test prints (Powertools JSON logs of in-process stacks, runtime notes)
// goes to this file, not to the terminal: `npm test` prints the test report only.
const LOG_DIR = '.local/test-logs';
const LOG_FILE = `${LOG_DIR}/vitest-${new Date().toISOString().replace(/[:.]/g, '-')}.log`;

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // After the run: no full ID number in any response or log line (tests/support/global-setup.ts).
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites each start their own local stack on their own ports; keep the
    // 2-core machine from running too many JVMs at once.
    maxWorkers: 2,
    env: {
      // The SDK's switch for its Node-version notice, and no CloudWatch metrics in tests.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
      // Powertools loggers write through the global console, which vitest hands to onConsoleLog.
      POWERTOOLS_DEV: 'true',
    },
    onConsoleLog(log, type) {
      mkdirSync(LOG_DIR, { recursive: true });
      appendFileSync(LOG_FILE, `[${type}] ${log.endsWith('\n') ? log : `${log}\n`}`);
      // A report a suite prints on purpose (the infra test's bundle sizes) starts with "[report]".
      return log.startsWith('[report] ');
    },
  },
});
