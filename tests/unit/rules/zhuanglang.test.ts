import { describe, expect, it } from 'vitest';
import { PolicyCache } from '../../../functions/domain/policy.ts';
import { seedValues } from '../../../functions/domain/policy-seed.ts';
import { category, evaluate, household, reason } from './fixtures.ts';

/**
 * 庄浪县 (620825) raised the dibao-edge deposit cap from 24 to 36 months and the vehicle cap
 * from 50,000 to 80,000 yuan, and the rigid-expenditure deposit cap from 36 to 42 months, from
 * 2024-08-01: the same household on 2024-07-31 and 2024-08-01 gets different results, from
 * data alone.
 */
const ZHUANGLANG_VILLAGE = '620825100200';
const policies = new PolicyCache(seedValues());

// Two rural members, per capita 700 (above the seeded rural standard 600, below 1.5 × 600).
const base = { regionCode: ZHUANGLANG_VILLAGE, members: [{ income: 700 }, { income: 700, relation: 'spouse' }] };

describe('庄浪县 2024-08-01 policy change', () => {
  it('deposits of 30 months × standard × members: refused as DIBAO_EDGE on 2024-07-31, accepted on 2024-08-01', () => {
    // Prepare: 600 × 30 × 2 = 36,000 lies between the old cap (28,800) and the new (43,200).
    const h = household({ ...base, deposits: 36000 });

    // Act
    const before = evaluate(h, policies.get(ZHUANGLANG_VILLAGE, '2024-07-31'), '2024-07-31');
    const after = evaluate(h, policies.get(ZHUANGLANG_VILLAGE, '2024-08-01'), '2024-08-01');

    // Assess
    expect(category(before, 'DIBAO_EDGE').eligible).toBe(false);
    expect(reason(before, 'DIBAO_EDGE', 'dibaoEdge.assets.deposits')).toMatchObject({ passed: false, actual: 36000, limit: 28800 });
    expect(category(after, 'DIBAO_EDGE').eligible).toBe(true);
    expect(reason(after, 'DIBAO_EDGE', 'dibaoEdge.assets.deposits')).toMatchObject({ passed: true, actual: 36000, limit: 43200 });
    expect(after.policy.parameters['dibaoEdge.depositCapMonths']).toMatchObject({ value: 36, regionCode: '620825', effectiveFrom: '2024-08-01' });
    expect(before.policy.parameters['dibaoEdge.depositCapMonths']).toMatchObject({ value: 24, regionCode: '620825' });
  });

  it('a 60,000-yuan car: refused on 2024-07-31, accepted on 2024-08-01', () => {
    const h = household({ ...base, vehicles: [{ value: 60000 }] });
    const before = evaluate(h, policies.get(ZHUANGLANG_VILLAGE, '2024-07-31'), '2024-07-31');
    const after = evaluate(h, policies.get(ZHUANGLANG_VILLAGE, '2024-08-01'), '2024-08-01');
    expect(reason(before, 'DIBAO_EDGE', 'dibaoEdge.assets.vehicle')).toMatchObject({ passed: false, limit: 50000 });
    expect(reason(after, 'DIBAO_EDGE', 'dibaoEdge.assets.vehicle')).toMatchObject({ passed: true, limit: 80000 });
    expect(category(before, 'DIBAO_EDGE').eligible).not.toBe(category(after, 'DIBAO_EDGE').eligible);
  });

  it('rigid expenditure: 40 months of deposits pass only from 2024-08-01', () => {
    const h = household({ regionCode: ZHUANGLANG_VILLAGE, members: [{ income: 1000 }, { income: 1000 }], deposits: 48000, rigid: { medical: 20000 } });
    const before = evaluate(h, policies.get(ZHUANGLANG_VILLAGE, '2024-07-31'), '2024-07-31');
    const after = evaluate(h, policies.get(ZHUANGLANG_VILLAGE, '2024-08-01'), '2024-08-01');
    expect(reason(before, 'RIGID_EXPENDITURE', 'rigid.assets.deposits')).toMatchObject({ passed: false, limit: 43200 });
    expect(reason(after, 'RIGID_EXPENDITURE', 'rigid.assets.deposits')).toMatchObject({ passed: true, limit: 50400 });
    expect(category(after, 'RIGID_EXPENDITURE').eligible).toBe(true);
  });

  it('leaves a neighbouring county on the national values', () => {
    const h = household({ ...base, regionCode: '610124121200', deposits: 36000 });
    const r = evaluate(h, policies.get('610124121200', '2024-08-01'), '2024-08-01');
    expect(category(r, 'DIBAO_EDGE').eligible).toBe(false);
    expect(r.policy.parameters['dibaoEdge.depositCapMonths']).toMatchObject({ value: 24, regionCode: 'CN' });
  });
});
