import { describe, expect, it } from 'vitest';
import { householdSchema } from '../../../functions/domain/household.ts';
import { compilePolicy, PolicyCache, resolvePolicy } from '../../../functions/domain/policy.ts';
import { seedValues } from '../../../functions/domain/policy-seed.ts';
import { AS_OF, category, evaluate, household, householdInput, reason, reasons, testPolicy, testValues, VILLAGE, type HouseholdOpts, type MemberOpts } from './fixtures.ts';

/**
 * v2 rules (issue 14), one table per rule: below / at / above each limit. Test policy: rural
 * standard 600 (urban 800), tekun rural 1000 / urban 1200, floor 1.3 ×, care 100/300/600,
 * orphan 1500 at home / 1800 in an institution, rigid limit 36,000 a year, homes ≤ 1,
 * non-residential ≤ 0, business excluded, machinery ≤ 50,000 (dibao) / 80,000 (edge).
 */

const pair = (head: MemberOpts, spouse: MemberOpts, extra: HouseholdOpts = {}): HouseholdOpts => ({ members: [head, { relation: 'spouse', ...spouse }], ...extra });

describe('household members (共同生活家庭成员)', () => {
  it.each(['SERVING_SENTENCE', 'COMPULSORY_REHAB', 'MISSING', 'CONSCRIPT', 'CLERGY_AWAY'])('%s is not counted: per capita, gap and members leave them out', (status) => {
    const without = evaluate(household({ members: [{ income: 300 }, { income: 300, relation: 'spouse' }] }));
    const withIt = evaluate(household({ members: [{ income: 300 }, { income: 300, relation: 'spouse' }, { income: 5000, relation: 'child', status }] }));
    expect(withIt.perCapitaMonthlyIncome).toBe(without.perCapitaMonthlyIncome);
    expect(category(withIt, 'DIBAO').monthlyAmount).toBe(category(without, 'DIBAO').monthlyAmount);
    expect(category(withIt, 'DIBAO').members).toHaveLength(2);
    expect(withIt.counted.count).toBe(2);
    expect(withIt.counted.members[2]).toMatchObject({ status, counted: false });
    expect(withIt.counted.members[2]!.why).toMatch(/not counted/);
    expect(withIt.counted.members[0]).toMatchObject({ status: 'NORMAL', counted: true });
  });

  it('deposits are capped on the counted members', () => {
    // 600 × 24 × 2 counted = 28,800 (a third, excluded member does not raise the cap).
    const r = evaluate(household({ members: [{ income: 100 }, { income: 100, relation: 'spouse' }, { relation: 'child', status: 'CONSCRIPT' }], deposits: 28800.01 }));
    expect(reason(r, 'DIBAO', 'dibao.assets.deposits')).toMatchObject({ passed: false, limit: 28800 });
  });

  it('refuses a household where no member is counted, and a member giving both monthlyIncome and incomes', () => {
    expect(householdSchema.safeParse(householdInput({ members: [{ status: 'MISSING' }] })).success).toBe(false);
    const both = householdInput({ members: [{ income: 100 }] });
    (both.members[0] as Record<string, unknown>).incomes = [{ type: 'WAGES', monthly: 100 }];
    const res = householdSchema.safeParse(both);
    expect(res.success).toBe(false);
    expect(res.error!.issues.map((i) => i.path.join('.'))).toContain('members.0.incomes');
  });
});

describe('income items', () => {
  const one = (incomes: { type: string; monthly: number }[], overrides = {}) => evaluate(household({ members: [{ incomes }, { incomes: [], relation: 'spouse' }] }), testPolicy(overrides));

  it.each([
    ['WAGES', true],
    ['BUSINESS', true],
    ['PROPERTY', true],
    ['TRANSFER', true],
    ['PENSION', true],
    ['SUPPORT', true],
    ['PREFERENTIAL_CARE', false],
    ['FAMILY_PLANNING', false],
    ['SCHOLARSHIP', false],
    ['BRAVERY_AWARD', false],
    ['SOCIAL_ASSISTANCE', false],
    ['LOCAL_HARVEST_BONUS', true],
  ])('%s counted: %s', (type, counted) => {
    const r = one([{ type, monthly: 400 }]);
    expect(r.incomeItems[0]).toMatchObject({ type, monthly: 400, counted });
    expect(r.incomeItems[0]!.why).toMatch(counted ? /^counted/ : /^not counted/);
    expect(r.perCapitaMonthlyIncome).toBe(counted ? 200 : 0);
    expect(category(r, 'DIBAO').income!.counted.length).toBe(counted ? 1 : 0);
    expect(category(r, 'DIBAO').income!.notCounted.length).toBe(counted ? 0 : 1);
  });

  it('a county lists its own items and national ones as not countable (income.nonCountableTypes)', () => {
    const r = one([{ type: 'PENSION', monthly: 400 }, { type: 'LOCAL_HARVEST_BONUS', monthly: 100 }, { type: 'WAGES', monthly: 50 }], { 'income.nonCountableTypes': ['PENSION', 'LOCAL_HARVEST_BONUS'] });
    expect(r.incomeItems.map((i) => [i.type, i.counted, i.parameter])).toEqual([
      ['PENSION', false, 'income.nonCountableTypes'],
      ['LOCAL_HARVEST_BONUS', false, 'income.nonCountableTypes'],
      ['WAGES', true, null],
    ]);
    expect(r.income.countableMonthlyTotal).toBe(50);
    expect(r.policy.parameters['income.nonCountableTypes']).toMatchObject({ list: ['PENSION', 'LOCAL_HARVEST_BONUS'] });
  });

  it('reads v1 monthlyIncome as WAGES', () => {
    const r = evaluate(household({ members: [{ income: 123.45 }] }));
    expect(r.incomeItems).toEqual([expect.objectContaining({ type: 'WAGES', monthly: 123.45, counted: true })]);
  });

  it('refuses an unknown income type', () => {
    const input = householdInput({ members: [{ incomes: [{ type: 'LOTTERY', monthly: 1 }] }] });
    const res = householdSchema.safeParse(input);
    expect(res.success).toBe(false);
    expect(res.error!.issues[0]!.path.join('.')).toBe('members.0.incomes.0.type');
  });

  it.each([
    ['below the deduction', 199.99, 199.99],
    ['at the deduction', 200, 200],
    ['above the deduction', 200.01, 200],
  ])('就业成本扣减 with wages %s (200): deducted = min(wages, 200)', (_, wages, deducted) => {
    const r = one([{ type: 'WAGES', monthly: wages }, { type: 'PENSION', monthly: 100 }], { 'income.employmentCostDeduction': 200 });
    expect(r.incomeDeductions).toEqual([expect.objectContaining({ employmentIncome: wages, deducted, parameter: 'income.employmentCostDeduction' })]);
    expect(r.income.countableMonthlyTotal).toBe(Math.round((wages + 100 - deducted) * 100) / 100);
  });

  it('no deduction without wage or business income', () => {
    expect(one([{ type: 'PENSION', monthly: 500 }], { 'income.employmentCostDeduction': 200 }).incomeDeductions).toEqual([]);
  });
});

describe('exact money', () => {
  it('3 members, 700 yuan income, standard 750: the gap is 1550.00 (not 1550.01 from a rounded per capita)', () => {
    const r = evaluate(household({ members: [{ income: 700 }, { income: 0, relation: 'spouse' }, { income: 0, relation: 'spouse' }].map((m) => ({ ...m, age: 40 })) }), testPolicy({ 'dibao.standard.rural': 750 }));
    expect(category(r, 'DIBAO').monthlyAmount).toBe(1550);
    expect(reason(r, 'DIBAO', 'dibao.amount.gap')).toMatchObject({ actual: 700, limit: 2250, amount: 1550 });
    expect(r.perCapitaMonthlyIncome).toBe(233.33);
  });

  it.each([
    ['below', 1799.99, true],
    ['at', 1800, false],
    ['above', 1800.01, false],
  ])('the income test on totals: 3 members, income %s 600 × 3', (_, total, ok) => {
    const r = evaluate(household({ members: [{ income: total }, { relation: 'spouse' }, { relation: 'child', age: 20 }] }));
    expect(category(r, 'DIBAO').eligible).toBe(ok);
  });
});

describe('assets (v2)', () => {
  const two = (extra: HouseholdOpts) => household(pair({ income: 100 }, { income: 100 }, extra));

  it.each([
    ['below', 0, true],
    ['at', 1, true],
    ['above', 2, false],
  ])('homes %s the cap of 1', (_, properties, ok) => {
    const r = evaluate(two({ properties }));
    expect(reason(r, 'DIBAO', 'dibao.assets.homes')).toMatchObject({ passed: ok, actual: properties, limit: 1, parameter: 'dibao.homesCap' });
    expect(category(r, 'DIBAO').eligible).toBe(ok);
    expect(reason(r, 'DIBAO_EDGE', 'dibaoEdge.assets.realEstateAndBusiness').passed).toBe(ok);
  });

  it.each([
    ['below (cap 1)', 0, 1, true],
    ['at (cap 1)', 1, 1, true],
    ['above (cap 0)', 1, 0, false],
  ])('non-residential property %s', (_, n, cap, ok) => {
    const r = evaluate(two({ nonResidentialProperties: n }), testPolicy({ 'dibao.nonResidentialCap': cap }));
    expect(reason(r, 'DIBAO', 'dibao.assets.nonResidential')).toMatchObject({ passed: ok, actual: n, limit: cap });
  });

  it.each([
    [false, 1, true],
    [true, 1, false],
    [true, 0, true],
  ])('registered business %s where the region excludes it = %d → passes %s', (registered, excludes, ok) => {
    const r = evaluate(two({ businessRegistered: registered }), testPolicy({ 'dibao.businessRegistrationExcludes': excludes }));
    expect(reason(r, 'DIBAO', 'dibao.assets.business').passed).toBe(ok);
    expect(category(r, 'DIBAO').eligible).toBe(ok);
  });

  it.each([
    ['below', 49999.99, true, true],
    ['at', 50000, true, true],
    ['above the dibao cap', 50000.01, false, true],
    ['at the edge cap', 80000, false, true],
    ['above the edge cap', 80000.01, false, false],
  ])('large farm machinery %s', (_, value, dibaoOk, edgeOk) => {
    const r = evaluate(two({ farmMachinery: [value] }));
    expect(reason(r, 'DIBAO', 'dibao.assets.farmMachinery')).toMatchObject({ passed: dibaoOk, limit: 50000 });
    expect(reason(r, 'DIBAO_EDGE', 'dibaoEdge.assets.farmMachinery')).toMatchObject({ passed: edgeOk, limit: 80000 });
  });

  it('庄浪: the edge machinery cap goes from 5万 to 8万 on 2024-08-01 (dated, sourced)', () => {
    const policies = new PolicyCache(seedValues());
    const h = household({ regionCode: '620825100200', ...pair({ income: 700 }, { income: 700 }), farmMachinery: [60000] });
    const before = evaluate(h, policies.get('620825100200', '2024-07-31'), '2024-07-31');
    const after = evaluate(h, policies.get('620825100200', '2024-08-01'), '2024-08-01');
    expect(reason(before, 'DIBAO_EDGE', 'dibaoEdge.assets.farmMachinery')).toMatchObject({ passed: false, limit: 50000 });
    expect(reason(after, 'DIBAO_EDGE', 'dibaoEdge.assets.farmMachinery')).toMatchObject({ passed: true, limit: 80000 });
  });

  it.each([
    [0, true, undefined],
    [1, false, 'flag'],
    [1, true, 'flag'],
    [2, false, 'condition'],
    [2, true, 'condition'],
  ])('housing/water switch %d, safe %s', (mode, safe, kind) => {
    const r = evaluate(two({ housingSafe: safe }), testPolicy({ 'dibao.livingConditionsCheck': mode }));
    const flag = reasons(r, 'DIBAO', 'dibao.living.housingAndWaterSafe');
    const condition = reasons(r, 'DIBAO', 'dibao.living.housingAndWaterSafe.condition');
    expect(flag.length).toBe(kind === 'flag' ? 1 : 0);
    expect(condition.length).toBe(kind === 'condition' ? 1 : 0);
    // A flag never decides; a condition does.
    expect(category(r, 'DIBAO').eligible).toBe(kind === 'condition' ? safe : true);
  });
});

describe('TEKUN per person', () => {
  it('an old relative with no legal supporter in the household is TEKUN alone; the rest are assessed for DIBAO without them', () => {
    const r = evaluate(household({ members: [{ income: 300 }, { income: 300, relation: 'spouse' }, { age: 75, income: 50, relation: 'other' }] }));
    expect(category(r, 'TEKUN')).toMatchObject({ eligible: true, monthlyAmount: 1100 });
    expect(category(r, 'TEKUN').members).toHaveLength(1);
    expect(category(r, 'TEKUN').persons).toEqual([expect.objectContaining({ placement: 'HOME', basicLiving: 1000, care: 100, monthlyAmount: 1100 })]);
    expect(category(r, 'DIBAO')).toMatchObject({ eligible: true, monthlyAmount: 600, basis: 'HOUSEHOLD' });
    expect(category(r, 'DIBAO').members).toHaveLength(2);
    expect(r.primary).toBe('DIBAO');
  });

  it('a capable spouse is a legal supporter able to support', () => {
    const r = evaluate(household(pair({ age: 75, income: 50 }, { age: 40, income: 300 })));
    expect(category(r, 'TEKUN').eligible).toBe(false);
    expect(reasons(r, 'TEKUN', 'tekun.supporter')).toEqual([expect.objectContaining({ passed: false, basis: 'NO_SITUATION (no situation of the 认定办法 applies)' })]);
  });

  it.each([
    ['below', 2999.99, true],
    ['at', 3000, false],
    ['above', 3000.01, false],
  ])('a spouse aged 70+ with own income × 12 %s last year’s disposable income (36,000) cannot support', (_, income, unable) => {
    const r = evaluate(household(pair({ age: 75, income: 50 }, { age: 72, income })));
    const rows = reasons(r, 'TEKUN', 'tekun.supporter').filter((x) => x.member === r.people[0]!.idNumber);
    expect(rows).toEqual([expect.objectContaining({ passed: unable, actual: 72, basis: unable ? 'AGED_70_LOW_INCOME' : 'NO_SITUATION (no situation of the 认定办法 applies)' })]);
  });

  it.each([
    ['SERVING_SENTENCE', true],
    ['MISSING', true],
    ['CONSCRIPT', false],
  ])('a child %s (not counted) is a legal supporter unable: %s', (status, unable) => {
    const r = evaluate(household({ members: [{ age: 80, income: 0 }, { age: 50, income: 0, relation: 'child', status }] }));
    expect(category(r, 'TEKUN').eligible).toBe(unable);
  });

  it.each([
    ['DIBAO_AGED_60 at 59', ['DIBAO_AGED_60'], '1967-06-01', false, 'CLAIM_CONTRADICTED (the ID’s age does not fit the situation claimed)'],
    ['DIBAO_AGED_60 at 60', ['DIBAO_AGED_60'], '1966-11-28', true, 'DIBAO_AGED_60'],
    ['AGED_70_LOW_INCOME at 69', ['AGED_70_LOW_INCOME'], '1957-06-01', false, 'CLAIM_CONTRADICTED (the ID’s age does not fit the situation claimed)'],
    ['AGED_70_LOW_INCOME at 70', ['AGED_70_LOW_INCOME'], '1956-11-28', true, 'AGED_70_LOW_INCOME'],
    ['SERVING_SENTENCE', ['SERVING_SENTENCE'], '1980-01-01', true, 'SERVING_SENTENCE'],
    ['v1 able: false', undefined, '1980-01-01', true, 'DECLARED_UNABLE (v1: no situation named)'],
  ])('an outside supporter: %s', (_, inability, birth, unable, basis) => {
    const supporter = inability ? { inability, birth } : { able: false, birth };
    const r = evaluate(household({ members: [{ age: 80, income: 0 }], supporters: [supporter] }));
    expect(reason(r, 'TEKUN', 'tekun.supporter')).toMatchObject({ passed: unable, basis });
    expect(category(r, 'TEKUN').eligible).toBe(unable);
  });

  it('a situation with a property clause fails when the household’s property is above the dibao rules', () => {
    // Deposits within the cap (TEKUN needs that too) but two homes: the property clause fails — and so does TEKUN's livelihood test.
    const r = evaluate(household({ members: [{ age: 80, income: 0 }], supporters: [{ inability: ['SERVING_SENTENCE'] }], properties: 2 }));
    expect(reason(r, 'TEKUN', 'tekun.supporter')).toMatchObject({ passed: false, basis: 'PROPERTY_ABOVE_DIBAO_RULES' });
  });

  it('an outside supporter counts only for the members they support', () => {
    const r = evaluate(household({ members: [{ age: 80, income: 0 }, { age: 82, income: 0, relation: 'other' }], supporters: [{ able: true, supports: [1] }] }));
    expect(category(r, 'TEKUN').members).toEqual([r.people[0]!.idNumber]);
  });

  it.each([
    ['set above the floor', 1000, 1000, 'the urban/rural standard'],
    ['set at the floor', 780, 780, 'the urban/rural standard'],
    ['set below the floor (1.3 × 600 = 780)', 779.99, 780, 'the floor: multiplier × dibao standard'],
  ])('basic living standard %s', (_, set, paid, basis) => {
    const r = evaluate(household({ members: [{ age: 70 }] }), testPolicy({ 'tekun.standard.rural': set }));
    expect(reason(r, 'TEKUN', 'tekun.amount.basicLiving')).toMatchObject({ actual: set, limit: 780, amount: paid, basis });
  });

  it('urban and rural apart: urban 1200 (floor 1.3 × 800 = 1040)', () => {
    const r = evaluate(household({ members: [{ age: 70 }], hukouType: 'urban' }));
    expect(reason(r, 'TEKUN', 'tekun.amount.basicLiving')).toMatchObject({ amount: 1200, limit: 1040, parameter: 'tekun.standard.urban' });
  });

  it('a v1 tekun.standard set for a longer prefix wins over the national urban/rural values', () => {
    const county = { regionCode: '610124', parameter: 'tekun.standard' as const, value: 1111, effectiveFrom: '2020-01-01', setAt: '2025-01-01T00:00:00.000Z' };
    const national = evaluate(household({ members: [{ age: 70 }] }));
    expect(reason(national, 'TEKUN', 'tekun.amount.basicLiving')).toMatchObject({ parameter: 'tekun.standard.rural', amount: 1000 });
    const local = evaluate(household({ members: [{ age: 70 }] }), compilePolicy(resolvePolicy([...testValues(), county], VILLAGE, AS_OF)));
    expect(reason(local, 'TEKUN', 'tekun.amount.basicLiving')).toMatchObject({ parameter: 'tekun.standard', amount: 1111, basis: 'tekun.standard (set for a longer prefix)' });
  });

  const items = (notAchieved: number) =>
    Object.fromEntries(['eating', 'dressing', 'bed', 'toilet', 'indoorWalking', 'bathing'].map((k, i) => [k, i < notAchieved ? (i % 2 ? 'partly' : 'unable') : 'able']));
  it.each([
    [0, 'FULL', 100],
    [1, 'PARTIAL', 300],
    [3, 'PARTIAL', 300],
    [4, 'NONE', 600],
    [6, 'NONE', 600],
  ])('care standard: %d of the 6 items not achieved → %s', (n, grade, care) => {
    const r = evaluate(household({ members: [{ age: 70, selfCareItems: items(n) }] }));
    expect(reason(r, 'TEKUN', 'tekun.amount.care')).toMatchObject({ basis: grade, amount: care, parameter: `tekun.care.${grade.toLowerCase()}` });
    expect(category(r, 'TEKUN').persons![0]).toMatchObject({ selfCare: grade, selfCareAssessed: true, care });
  });

  it('care standard without an assessment: 全自理 until assessed, said so; a grade given directly is used', () => {
    const none = evaluate(household({ members: [{ age: 70 }] }));
    expect(reason(none, 'TEKUN', 'tekun.amount.care')).toMatchObject({ amount: 100, basis: 'NOT_ASSESSED (全自理, the lowest grade, until assessed)' });
    const given = evaluate(household({ members: [{ age: 70, selfCare: 'NONE', placement: 'INSTITUTION' }] }));
    expect(category(given, 'TEKUN').persons![0]).toMatchObject({ selfCare: 'NONE', placement: 'INSTITUTION', care: 600, monthlyAmount: 1600 });
  });

  it('refuses a self-care grade the 6 items contradict', () => {
    const res = householdSchema.safeParse(householdInput({ members: [{ age: 70, selfCare: 'FULL', selfCareItems: items(4) }] }));
    expect(res.success).toBe(false);
    expect(res.error!.issues[0]!.path.join('.')).toBe('members.0.selfCare');
  });
});

describe('ORPHAN (v2)', () => {
  it.each([
    ['17, not in school', 17, false, true],
    ['18, in school', 18, true, true],
    ['18, not in school', 18, false, false],
    ['21, in school', 21, true, true],
  ])('%s', (_, age, inSchool, ok) => {
    const r = evaluate(household({ members: [{ age, inSchool, orphaned: true }] }));
    expect(reason(r, 'ORPHAN', 'orphan.under18').passed).toBe(ok);
    expect(category(r, 'ORPHAN').eligible).toBe(ok);
  });

  it.each([
    [{ orphaned: true }, 1500, 'ORPHAN at home'],
    [{ orphaned: true, placement: 'INSTITUTION' as const }, 1800, 'ORPHAN in an institution'],
    [{ factuallyUnsupported: true }, 1500, '事实无人抚养儿童 at home'],
    [{ factuallyUnsupported: true, placement: 'INSTITUTION' as const }, 1800, '事实无人抚养儿童 in an institution'],
  ])('standard by kind and placement: %j', (m, amount, basis) => {
    const r = evaluate(household({ members: [{ age: 70 }, { age: 9, relation: 'grandchild', ...m }] }));
    expect(category(r, 'ORPHAN').monthlyAmount).toBe(amount);
    expect(reason(r, 'ORPHAN', 'orphan.amount')).toMatchObject({ basis, amount });
  });
});

describe('RIGID_EXPENDITURE (v2): basic living and accident costs count', () => {
  // Two members at 2,000 a month: share limit 0.5 × 48,000 = 24,000.
  it.each([
    ['below', 3999.99, false],
    ['at', 4000, false],
    ['above', 4000.01, true],
  ])('medical 20,000 + basic living and accident %s 4,000', (_, extra, ok) => {
    const r = evaluate(household(pair({ income: 2000 }, { income: 2000 }, { rigid: { medical: 20000 }, rigidV2: { basicLiving: extra - 1000, accident: 1000 } })));
    expect(reason(r, 'RIGID_EXPENDITURE', 'rigid.expenditure.aboveShare')).toMatchObject({ passed: ok, limit: 24000 });
  });
});

describe('单人保 (individual inclusion)', () => {
  // Two members at 700 a month: above the standard 600, below 1.5 × 600: DIBAO_EDGE.
  const edge = (head: MemberOpts) => household(pair(head, { income: 1400 - (head.income ?? 0) }));

  it.each([
    ['below', 599.99, true],
    ['at', 600, false],
    ['above', 600.01, false],
  ])('a severely disabled member of an edge household who asks, own income %s the standard', (_, income, ok) => {
    const spouseIncome = 1400 - income; // the household stays at 700 per capita
    const r = evaluate(household(pair({ income, disability: { category: 'hearing', grade: 1 }, individualInclusion: true }, { income: spouseIncome })));
    expect(reason(r, 'DIBAO', 'dibao.individual.member')).toMatchObject({ passed: ok, limit: 600 });
    expect(category(r, 'DIBAO').eligible).toBe(ok);
    if (ok) {
      expect(category(r, 'DIBAO')).toMatchObject({ basis: 'INDIVIDUAL', members: [r.people[0]!.idNumber] });
      // gap 0.01 + the severe-disability supplement 120
      expect(category(r, 'DIBAO').monthlyAmount).toBe(120.01);
      expect(category(r, 'DIBAO_EDGE').members).toEqual([r.people[1]!.idNumber]);
      expect(r.primary).toBe('DIBAO_EDGE');
    }
  });

  it('without the member’s request the rules only report that it is possible', () => {
    const r = evaluate(edge({ income: 100, disability: { category: 'hearing', grade: 1 } }));
    expect(reason(r, 'DIBAO', 'dibao.individual.candidate')).toMatchObject({ passed: true, informational: true, amount: 500 });
    expect(category(r, 'DIBAO').eligible).toBe(false);
  });

  it.each([
    ['17', 17, 0, false],
    ['18', 18, 0, true],
    ['18 with wages', 18, 50, false],
  ])('an unemployed severely disabled adult outside an edge household: aged %s', (_, age, wages, ok) => {
    // The household is well above 1.5 × standard (parents' pensions), so not DIBAO_EDGE.
    const r = evaluate(
      household({
        members: [
          { age: 50, incomes: [{ type: 'PENSION', monthly: 3000 }] },
          { age: 50, relation: 'spouse', incomes: [{ type: 'PENSION', monthly: 3000 }] },
          { age, relation: 'child', disability: { category: 'physical', grade: 1 }, incomes: wages ? [{ type: 'WAGES', monthly: wages }] : [], individualInclusion: true },
        ],
      }),
    );
    expect(category(r, 'DIBAO_EDGE').eligible).toBe(false);
    expect(category(r, 'DIBAO').eligible).toBe(ok);
  });
});
