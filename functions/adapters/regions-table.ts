import { gunzipSync } from 'node:zlib';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { existsInCounty, type CountyRecord, type RegionRef } from '../domain/regions.ts';
import { documentClient, tableNameFrom } from './dynamo.ts';

/**
 * The Regions table: `pk = COUNTY#<6 digits>` holds a CountyRecord; `pk = PROVINCE#<2>` and
 * `pk = CITY#<4>` hold a name and the children's names. `pk = META#import` records the
 * data version loaded.
 */
const table = () => tableNameFrom('REGIONS_TABLE');

export interface AreaItem {
  code: string;
  name: string;
  children: Record<string, string>;
}

export async function getCounty(countyCode: string): Promise<CountyRecord | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `COUNTY#${countyCode}` } }));
  if (!res.Item) return undefined;
  // County records are stored gzipped (a few KB each instead of up to 30): the import is 2× faster.
  const gz = res.Item.recordGz as Uint8Array | undefined;
  return gz ? (JSON.parse(gunzipSync(gz).toString('utf8')) as CountyRecord) : (res.Item.record as CountyRecord);
}

export async function getArea(level: 'province' | 'city', code: string): Promise<AreaItem | undefined> {
  const res = await documentClient().send(
    new GetCommand({ TableName: table(), Key: { pk: `${level === 'province' ? 'PROVINCE' : 'CITY'}#${code}` } }),
  );
  return res.Item ? (res.Item.area as AreaItem) : undefined;
}

/** Every level's name for a province or city code, outermost first. */
export async function areaChain(code: string): Promise<RegionRef[] | undefined> {
  const province = await getArea('province', code.slice(0, 2));
  if (!province) return undefined;
  const chain: RegionRef[] = [{ code: province.code, name: province.name, level: 'province' }];
  if (code.length === 4) {
    const city = await getArea('city', code);
    if (!city) return undefined;
    chain.push({ code: city.code, name: city.name, level: 'city' });
  }
  return chain;
}

/**
 * Whether a region code of any level (2/4/6/9/12 digits) exists. County records are immutable
 * between imports, so they are cached per process (bounded); unknown counties are not cached.
 */
const countyCache = new Map<string, CountyRecord>();
export async function cachedCounty(countyCode: string): Promise<CountyRecord | undefined> {
  const hit = countyCache.get(countyCode);
  if (hit) return hit;
  const county = await getCounty(countyCode);
  if (county) {
    if (countyCache.size >= 500) countyCache.clear();
    countyCache.set(countyCode, county);
  }
  return county;
}

export async function regionExists(code: string): Promise<boolean> {
  if (code.length >= 6) {
    const county = await cachedCounty(code.slice(0, 6));
    return county !== undefined && existsInCounty(code, county);
  }
  return (await areaChain(code)) !== undefined;
}
