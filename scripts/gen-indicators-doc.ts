/**
 * Writes docs/indicators.md from the indicator catalog (functions/domain/indicators.ts).
 *   npx tsx scripts/gen-indicators-doc.ts          write it
 *   npx tsx scripts/gen-indicators-doc.ts --check  exit 1 when the file is not current
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderIndicatorsDoc } from '../functions/domain/indicators.ts';

export const INDICATORS_DOC = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'indicators.md');

const text = renderIndicatorsDoc();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(INDICATORS_DOC, 'utf8');
  } catch {
    /* missing */
  }
  if (current !== text) {
    console.error('docs/indicators.md is not current: run npx tsx scripts/gen-indicators-doc.ts');
    process.exit(1);
  }
  console.log('docs/indicators.md is current');
} else {
  writeFileSync(INDICATORS_DOC, text);
  console.log(`wrote ${INDICATORS_DOC}`);
}
