import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fullIdsIn, ID_LEAKS_FILE } from './id-scan.ts';

/**
 * The run-wide ID check (issue #11): every response the test clients saw was scanned as it came
 * (leaks go to .local/test-logs/id-leaks.log, masked), and here every log file the run wrote is
 * scanned too. Any full 18-digit ID number fails the run, naming where it appeared.
 */
const LOG_DIR = '.local/test-logs';
let startedAt = 0;

export function setup(): void {
  startedAt = Date.now();
  rmSync(ID_LEAKS_FILE, { force: true });
}

export function teardown(): void {
  const problems: string[] = [];
  let lines = 0;
  if (existsSync(LOG_DIR)) {
    for (const name of readdirSync(LOG_DIR)) {
      const file = join(LOG_DIR, name);
      if (name === 'id-leaks.log' || statSync(file).mtimeMs < startedAt) continue;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        lines++;
        for (const id of fullIdsIn(line)) problems.push(`${name}: ${id.slice(0, 6)}********${id.slice(14)}`);
      }
    }
  }
  if (existsSync(ID_LEAKS_FILE)) problems.push(...readFileSync(ID_LEAKS_FILE, 'utf8').trim().split('\n').filter(Boolean).map((l) => `response: ${l}`));
  if (problems.length) {
    throw new Error(`${problems.length} full ID number(s) in responses or logs of this run (${lines} log lines scanned):\n${problems.slice(0, 20).join('\n')}`);
  }
}
