import { describe, expect, it } from 'vitest';
import { ancestorCodes, isWithin, levelOfCode, regionCodeSchema, resolveInCounty, type CountyRecord } from '../../functions/domain/regions.ts';

const county: CountyRecord = {
  province: { code: '61', name: '陕西省' },
  city: { code: '6101', name: '西安市' },
  county: { code: '610124', name: '周至县' },
  towns: { '121': '王家河镇' },
  villages: { '121200': '白杨林村委会' },
};

describe('region codes', () => {
  it('knows levels by length', () => {
    expect(levelOfCode('61')).toBe('province');
    expect(levelOfCode('610124121200')).toBe('village');
    expect(levelOfCode('6101241')).toBeUndefined();
  });
  it('lists ancestors outermost first', () => {
    expect(ancestorCodes('610124121200')).toEqual(['61', '6101', '610124', '610124121']);
  });
  it('resolves within a county record and refuses what is not there', () => {
    expect(resolveInCounty('610124121200', county)?.path).toBe('陕西省 › 西安市 › 周至县 › 王家河镇 › 白杨林村委会');
    expect(resolveInCounty('610124121201', county)).toBeUndefined();
    expect(resolveInCounty('610124122', county)).toBeUndefined();
  });
  it('checks jurisdiction by prefix', () => {
    expect(isWithin('610124', '610124121200')).toBe(true);
    expect(isWithin('610125', '610124121200')).toBe(false);
    expect(isWithin(undefined, '610124121200')).toBe(false);
  });
  it('schema refuses wrong lengths', () => {
    expect(regionCodeSchema.safeParse('6101241').success).toBe(false);
    expect(regionCodeSchema.safeParse('610124').success).toBe(true);
  });
});
