import { appendFileSync, mkdirSync } from 'node:fs';
import { idProblem } from '../../functions/domain/resident-id.ts';

/**
 * Full 18-digit resident ID numbers in text: 17 digits and a check character that a real ID
 * would have (GB 11643 checksum and a real birth date), so long numbers of other kinds do not
 * count. Every response the test clients receive is scanned (tests/support/local-stack.ts) and
 * so is every log line of the run (tests/fuzz/global-setup.ts).
 */
export function fullIdsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g)) if (!idProblem(m[0].toUpperCase())) out.push(m[0]);
  return out;
}

export const ID_LEAKS_FILE = '.local/test-logs/id-leaks.log';

/** Records a leak (masked, never the ID itself) for the run's final check. */
export function recordIdLeaks(where: string, text: string): number {
  const found = fullIdsIn(text);
  if (found.length) {
    mkdirSync('.local/test-logs', { recursive: true });
    for (const id of found) appendFileSync(ID_LEAKS_FILE, `${new Date().toISOString()} ${where}: ${id.slice(0, 6)}********${id.slice(14)}\n`);
  }
  return found.length;
}
