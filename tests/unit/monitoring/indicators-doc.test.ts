import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDICATORS, renderIndicatorsDoc } from '../../../functions/domain/indicators.ts';

describe('docs/indicators.md', () => {
  it('is generated from the catalog and current (npx tsx scripts/gen-indicators-doc.ts)', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/indicators.md'), 'utf8');
    expect(doc).toBe(renderIndicatorsDoc());
    for (const i of INDICATORS) expect(doc).toContain(`| \`${i.code}\` | ${i.class} |`);
  });
});
