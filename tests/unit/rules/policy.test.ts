import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compilePolicy,
  PARAMETER_NAMES,
  PolicyIncompleteError,
  policyPrefixes,
  policyRegionSchema,
  resolvePolicy,
  valueProblem,
  type PolicyValue,
} from '../../../functions/domain/policy.ts';
import { POLICY_SEED, seedValues } from '../../../functions/domain/policy-seed.ts';

const v = (regionCode: string, value: number, effectiveFrom: string, setAt = '2025-01-01T00:00:00Z'): PolicyValue => ({
  regionCode,
  parameter: 'dibao.standard.rural',
  value,
  effectiveFrom,
  setAt,
});
const rural = (values: PolicyValue[], region: string, date: string) => resolvePolicy(values, region, date).parameters['dibao.standard.rural'];

describe('policy resolution', () => {
  it('lists the prefixes longest first, ending with CN', () => {
    expect(policyPrefixes('610124121200')).toEqual(['610124121200', '610124121', '610124', '6101', '61', 'CN']);
    expect(policyPrefixes('6101')).toEqual(['6101', '61', 'CN']);
    expect(policyPrefixes('CN')).toEqual(['CN']);
  });

  it.each([
    ['village', '610124121200', 5],
    ['town', '610124121', 4],
    ['county', '610124', 3],
    ['city', '6101', 2],
    ['province', '61', 1],
  ])('the longest matching prefix wins: %s', (_, code, expected) => {
    // Prepare: a value at every level (value = level rank)
    const values = [v('CN', 0, '2020-01-01'), v('61', 1, '2020-01-01'), v('6101', 2, '2020-01-01'), v('610124', 3, '2020-01-01'), v('610124121', 4, '2020-01-01'), v('610124121200', 5, '2020-01-01')];
    // Act / Assess
    expect(rural(values, code, '2024-01-01')?.value).toBe(expected);
    expect(rural(values, '610124121200'.replace(code, code.slice(0, -1) + (code.endsWith('9') ? '8' : '9')), '2024-01-01')?.value).not.toBe(expected);
  });

  it('ignores other regions’ values', () => {
    const values = [v('CN', 600, '2020-01-01'), v('6201', 999, '2020-01-01')];
    expect(rural(values, '610124121200', '2024-01-01')?.value).toBe(600);
  });

  it.each([
    ['the day before', '2024-07-31', 24],
    ['the first day', '2024-08-01', 36],
    ['later', '2026-01-01', 36],
  ])('takes the latest effectiveFrom on or before the date: %s', (_, date, expected) => {
    const values = [v('620825', 24, '2020-01-01'), v('620825', 36, '2024-08-01')];
    expect(rural(values, '620825100200', date)?.value).toBe(expected);
  });

  it('a prefix whose values all start later does not shadow a shorter one', () => {
    const values = [v('CN', 600, '2020-01-01'), v('620825', 700, '2024-08-01')];
    expect(rural(values, '620825100200', '2024-07-31')).toMatchObject({ value: 600, regionCode: 'CN' });
    expect(rural(values, '620825100200', '2024-08-01')).toMatchObject({ value: 700, regionCode: '620825' });
  });

  it('before any value: unresolved, and compiling says which parameters are missing', () => {
    const resolved = resolvePolicy([v('CN', 600, '2020-01-01')], '61', '2019-12-31');
    expect(resolved.parameters['dibao.standard.rural']).toBeUndefined();
    expect(() => compilePolicy(resolved)).toThrow(PolicyIncompleteError);
  });

  it('same date twice: the later write wins', () => {
    const values = [v('CN', 600, '2020-01-01', '2025-01-01T00:00:00Z'), v('CN', 650, '2020-01-01', '2025-02-01T00:00:00Z')];
    expect(rural(values, 'CN', '2024-01-01')?.value).toBe(650);
  });

  it('property: the result does not depend on the order of the values', () => {
    const arbValue = fc.record({
      regionCode: fc.constantFrom('CN', '62', '6208', '620825', '620825100', '620825100200'),
      value: fc.integer({ min: 0, max: 2000 }),
      effectiveFrom: fc.constantFrom('2020-01-01', '2023-05-01', '2024-08-01', '2025-01-01'),
      setAt: fc.constantFrom('2025-01-01T00:00:00Z', '2025-06-01T00:00:00Z'),
    });
    fc.assert(
      fc.property(fc.array(arbValue, { maxLength: 12 }), fc.constantFrom('2022-01-01', '2024-07-31', '2024-08-01', '2026-01-01'), (raw, date) => {
        // distinct keys (region, parameter, effectiveFrom) as the table stores them
        const seen = new Set<string>();
        const values = raw.filter((x) => !seen.has(`${x.regionCode}${x.effectiveFrom}`) && seen.add(`${x.regionCode}${x.effectiveFrom}`)).map((x) => ({ ...x, parameter: 'dibao.standard.rural' as const }));
        const a = rural(values, '620825100200', date);
        const b = rural([...values].reverse(), '620825100200', date);
        expect(a).toEqual(b);
      }),
    );
  });
});

describe('parameter values', () => {
  it.each([
    ['dibao.standard.rural', 650.5, undefined],
    ['dibao.standard.rural', 650.555, 'money has at most 2 decimals'],
    ['dibao.standard.rural', -1, 'value must be a finite number ≥ 0'],
    ['dibao.depositCapMonths', 24.5, 'value must be a whole number ≤ 1200'],
    ['dibao.livingConditionsCheck', 2, undefined],
    ['dibao.livingConditionsCheck', 3, 'value must be 0, 1 or 2'],
    ['disability.livingSubsidy.widenToEdge', 2, 'value must be 0 or 1'],
    ['dibao.homesCap', 1.5, 'value must be a whole number ≤ 1000'],
    ['rigid.expenditureShare', 0.4, undefined],
  ] as const)('%s = %d → %s', (name, value, problem) => {
    expect(valueProblem(name, value)).toBe(problem);
  });

  it.each([
    ['income.nonCountableTypes', ['PENSION', 'LOCAL_HARVEST_SUBSIDY'], undefined],
    ['income.nonCountableTypes', [], undefined],
    ['income.nonCountableTypes', 1, 'value must be a list of codes'],
    ['income.nonCountableTypes', ['pension'], 'not a code (A–Z, 0–9, _): pension'],
    ['dibao.standard.rural', ['WAGES'], 'value must be a number'],
  ] as const)('list parameter %s = %j → %s', (name, value, problem) => {
    expect(valueProblem(name, value as never)).toBe(problem);
  });

  it.each([
    ['CN', true],
    ['61', true],
    ['6101', true],
    ['610124', true],
    ['610124121', true],
    ['610124121200', true],
    ['610', false],
    ['cn', false],
    ['0012', false],
    ['6101241212001', false],
  ])('policy region %s valid: %s', (code, ok) => {
    expect(policyRegionSchema.safeParse(code).success).toBe(ok);
  });
});

describe('seed', () => {
  it('has a national default for every parameter, so every region resolves completely', () => {
    const nationally = new Set(POLICY_SEED.filter((s) => s.regionCode === 'CN').map((s) => s.parameter));
    expect(PARAMETER_NAMES.filter((n) => !nationally.has(n))).toEqual([]);
    expect(() => compilePolicy(resolvePolicy(seedValues(), '610124121200', '2020-01-01'))).not.toThrow();
  });

  it('says for every figure whether it is sourced or assumed, and every value is valid', () => {
    for (const s of POLICY_SEED) {
      expect(['sourced', 'assumed']).toContain(s.source);
      expect(s.note.length).toBeGreaterThan(5);
      expect(valueProblem(s.parameter, s.value)).toBeUndefined();
    }
  });

  it('holds the article’s changes: 庄浪 from 2024-08-01 and 西安’s thresholds', () => {
    const zl = (p: string, d: string) => resolvePolicy(seedValues(), '620825', d).parameters[p as 'dibao.standard.rural']?.value;
    expect([zl('dibaoEdge.depositCapMonths', '2024-07-31'), zl('dibaoEdge.depositCapMonths', '2024-08-01')]).toEqual([24, 36]);
    expect([zl('dibaoEdge.vehicleValueCap', '2024-07-31'), zl('dibaoEdge.vehicleValueCap', '2024-08-01')]).toEqual([50000, 80000]);
    expect([zl('rigid.depositCapMonths', '2024-07-31'), zl('rigid.depositCapMonths', '2024-08-01')]).toEqual([36, 42]);
    const xa = resolvePolicy(seedValues(), '610124121200', '2025-01-01').parameters;
    expect(xa['medical.rapidHelp.resident']).toMatchObject({ value: 50000, regionCode: '6101' });
    expect(xa['medical.rapidHelp.keyRecipient']).toMatchObject({ value: 10000, regionCode: '6101' });
    expect(xa['supplement.elderly70']?.regionCode).toBe('6101');
    expect(xa['supplement.elderly80']?.regionCode).toBe('6101');
  });
});
