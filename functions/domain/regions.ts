import { z } from 'zod';

/**
 * Statistical region codes (统计用区划代码): 12 digits = province 2 + city 2 + county 2 +
 * town 3 + village 3. Shorter forms name a level; a reviewer's jurisdiction is a prefix.
 */
export type RegionLevel = 'province' | 'city' | 'county' | 'town' | 'village';

const LEVEL_BY_LENGTH: Record<number, RegionLevel> = { 2: 'province', 4: 'city', 6: 'county', 9: 'town', 12: 'village' };
export const LENGTH_BY_LEVEL: Record<RegionLevel, number> = { province: 2, city: 4, county: 6, town: 9, village: 12 };

export function levelOfCode(code: string): RegionLevel | undefined {
  return /^\d+$/.test(code) ? LEVEL_BY_LENGTH[code.length] : undefined;
}

/** The codes of every level above `code`, outermost first (not including `code`). */
export function ancestorCodes(code: string): string[] {
  const lengths = [2, 4, 6, 9].filter((n) => n < code.length);
  return lengths.map((n) => code.slice(0, n));
}

/** Any level's code: 2, 4, 6, 9 or 12 digits. */
export const regionCodeSchema = z
  .string()
  .regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, 'region code must be 2, 4, 6, 9 or 12 digits')
  .refine((c) => !/^0+$/.test(c.slice(0, 2)), 'region code must start with a province code');

/** A village/community code: exactly 12 digits. Existence is checked against the Regions table. */
export const villageCodeSchema = z.string().regex(/^\d{12}$/, 'must be a 12-digit village/community code');

/** A reviewer's jurisdiction: city 4/6, town 9, village 12 digits (API.md). */
export const jurisdictionSchema = z.string().regex(/^(\d{4}|\d{6}|\d{9}|\d{12})$/, 'jurisdiction must be 4, 6, 9 or 12 digits');

export function isWithin(jurisdiction: string | undefined, regionCode: string): boolean {
  return jurisdiction !== undefined && jurisdiction.length > 0 && regionCode.startsWith(jurisdiction);
}

export interface RegionRef {
  code: string;
  name: string;
  level: RegionLevel;
}

/**
 * A county's slice of the region tree as the Regions table stores it: everything needed to
 * name any region inside the county, and its ancestors, in one read.
 */
export interface CountyRecord {
  province: { code: string; name: string };
  city: { code: string; name: string };
  county: { code: string; name: string };
  /** town suffix (3 digits) → name */
  towns: Record<string, string>;
  /** town+village suffix (6 digits) → name */
  villages: Record<string, string>;
}

export interface RegionView extends RegionRef {
  ancestors: RegionRef[];
  /** Full path, outermost first, joined with ' › '. */
  path: string;
}

/** Resolves a county-or-below code against its county record; undefined when it does not exist. */
export function resolveInCounty(code: string, county: CountyRecord): RegionView | undefined {
  const chain: RegionRef[] = [
    { code: county.province.code, name: county.province.name, level: 'province' },
    { code: county.city.code, name: county.city.name, level: 'city' },
    { code: county.county.code, name: county.county.name, level: 'county' },
  ];
  if (code.length >= 9) {
    const townName = county.towns[code.slice(6, 9)];
    if (townName === undefined) return undefined;
    chain.push({ code: code.slice(0, 9), name: townName, level: 'town' });
  }
  if (code.length === 12) {
    const villageName = county.villages[code.slice(6, 12)];
    if (villageName === undefined) return undefined;
    chain.push({ code, name: villageName, level: 'village' });
  }
  return toView(chain);
}

/** Whether a county-or-below code exists in its county record (resolveInCounty without the view). */
export function existsInCounty(code: string, county: CountyRecord): boolean {
  if (code.length >= 9 && county.towns[code.slice(6, 9)] === undefined) return false;
  return code.length !== 12 || county.villages[code.slice(6, 12)] !== undefined;
}

export function toView(chain: RegionRef[]): RegionView {
  const self = chain[chain.length - 1]!;
  return { ...self, ancestors: chain.slice(0, -1), path: chain.map((r) => r.name).join(' › ') };
}
