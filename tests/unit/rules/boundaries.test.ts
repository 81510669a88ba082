import { describe, expect, it } from 'vitest';
import { AS_OF, birthDateForAge, category, evaluate, household, reason, reasons, testPolicy, type HouseholdOpts } from './fixtures.ts';

/**
 * One row per rule boundary: below / at / above each limit, for every category. The test
 * policy (fixtures.ts TEST_PARAMS) has round figures: rural standard 600, dibao deposits 24
 * months, dibao vehicle cap 50,000, edge ×1.5 / 36 months / 80,000, rigid 36,000 a year, share
 * 0.5, 42 months, tekun 1,000, orphan 1,500, care 150/100, living 100.
 */
const two = (income: number, extra: HouseholdOpts = {}): HouseholdOpts => ({ members: [{ income }, { income, relation: 'spouse' }], ...extra });

describe('DIBAO', () => {
  it.each([
    ['below', 599.99, true],
    ['at', 600, false],
    ['above', 600.01, false],
  ])('income.belowStandard %s the standard (per capita %d)', (_, income, eligible) => {
    const r = evaluate(household(two(income)));
    const why = reason(r, 'DIBAO', 'dibao.income.belowStandard');
    expect(why).toMatchObject({ passed: eligible, actual: income, limit: 600, parameter: 'dibao.standard.rural' });
    expect(category(r, 'DIBAO').eligible).toBe(eligible);
  });

  it('uses the urban standard for urban households', () => {
    const r = evaluate(household(two(700, { hukouType: 'urban' })));
    expect(reason(r, 'DIBAO', 'dibao.income.belowStandard')).toMatchObject({ passed: true, limit: 800, parameter: 'dibao.standard.urban' });
  });

  it.each([
    ['below', 28799.99, true],
    ['at', 28800, true],
    ['above', 28800.01, false],
  ])('assets.deposits %s 600 × 24 × 2 members', (_, deposits, ok) => {
    const r = evaluate(household(two(100, { deposits })));
    expect(reason(r, 'DIBAO', 'dibao.assets.deposits')).toMatchObject({ passed: ok, actual: deposits, limit: 28800, parameter: 'dibao.depositCapMonths' });
    expect(category(r, 'DIBAO').eligible).toBe(ok);
  });

  it.each([
    ['below', 49999.99, false, true],
    ['at', 50000, false, true],
    ['above', 50000.01, false, false],
    ['above, mobility vehicle of a disabled member', 120000, true, true],
  ])('assets.vehicle %s the cap', (_, value, mobility, ok) => {
    const members = [{ income: 100 }, { income: 100, disability: mobility ? { category: 'physical', grade: 3 } : null }];
    const r = evaluate(household({ members, vehicles: [{ value, forDisabilityMobility: mobility }] }));
    expect(reason(r, 'DIBAO', 'dibao.assets.vehicle')).toMatchObject({ passed: ok, limit: 50000 });
    expect(category(r, 'DIBAO').eligible).toBe(ok);
  });

  it('a "mobility" vehicle without any disabled member is not exempt', () => {
    const r = evaluate(household(two(100, { vehicles: [{ value: 60000, forDisabilityMobility: true }] })));
    expect(reason(r, 'DIBAO', 'dibao.assets.vehicle')).toMatchObject({ passed: false, actual: 60000 });
  });

  it('pays the gap on household totals: standard × members − countable income', () => {
    const r = evaluate(household(two(450)));
    expect(category(r, 'DIBAO').monthlyAmount).toBe((600 - 450) * 2);
    expect(reason(r, 'DIBAO', 'dibao.amount.gap')).toMatchObject({ amount: 300, actual: 900, limit: 1200 });
  });

  it.each([
    ['below 70', 69, null, 0],
    ['at 70', 70, 'dibao.supplement.elderly70', 60],
    ['79', 79, 'dibao.supplement.elderly70', 60],
    ['at 80', 80, 'dibao.supplement.elderly80', 120],
  ])('elderly supplement %s', (_, age, rule, supplement) => {
    const r = evaluate(household({ members: [{ income: 500 }, { age, income: 500, relation: 'parent' }] }));
    expect(category(r, 'DIBAO').monthlyAmount).toBe(200 + supplement);
    const found = category(r, 'DIBAO').reasons.filter((x) => x.rule.startsWith('dibao.supplement.elderly'));
    expect(found.map((x) => x.rule)).toEqual(rule ? [rule] : []);
  });

  it.each([
    ['17 (below 18)', 17, 60],
    ['18 (at)', 18, 0],
  ])('minor supplement at age %s', (_, age, supplement) => {
    const r = evaluate(household({ members: [{ income: 500 }, { age, income: 500, relation: 'child' }] }));
    expect(category(r, 'DIBAO').monthlyAmount).toBe(200 + supplement);
    expect(reasons(r, 'DIBAO', 'dibao.supplement.minor').length).toBe(supplement ? 1 : 0);
  });

  it.each([
    [1, 120],
    [2, 120],
    [3, 0],
  ])('severe-disability supplement at grade %d', (grade, supplement) => {
    const r = evaluate(household({ members: [{ income: 500 }, { income: 500, relation: 'spouse', disability: { category: 'physical', grade } }] }));
    expect(category(r, 'DIBAO').monthlyAmount).toBe(200 + supplement);
  });

  it('serious-illness supplement: 0.15 × 600 = 90 per ill member, stacking with others', () => {
    const r = evaluate(household({ members: [{ income: 500, seriousIllness: true }, { age: 82, income: 500, seriousIllness: true, relation: 'parent' }] }));
    expect(category(r, 'DIBAO').monthlyAmount).toBe(200 + 90 + 90 + 120);
  });

  it('reports housing and drinking water only where the region turns the check on, without deciding', () => {
    const off = evaluate(household(two(100, { housingSafe: false })));
    expect(reasons(off, 'DIBAO', 'dibao.living.housingAndWaterSafe')).toEqual([]);
    const on = evaluate(household(two(100, { housingSafe: false })), testPolicy({ 'dibao.livingConditionsCheck': 1 }));
    expect(reason(on, 'DIBAO', 'dibao.living.housingAndWaterSafe')).toMatchObject({ passed: false, informational: true });
    expect(category(on, 'DIBAO').eligible).toBe(true);
  });
});

describe('TEKUN', () => {
  const single = (m: HouseholdOpts['members'] extends (infer M)[] | undefined ? M : never, extra: HouseholdOpts = {}) => household({ members: [m], ...extra });

  it.each([
    ['59 (below 60)', 59, false],
    ['60 (at)', 60, true],
    ['61 (above)', 61, true],
  ])('noWorkingCapacity by age %s', (_, age, ok) => {
    const r = evaluate(single({ age, income: 100 }));
    expect(reason(r, 'TEKUN', 'tekun.noWorkingCapacity')).toMatchObject({ passed: ok, actual: age });
    expect(category(r, 'TEKUN').eligible).toBe(ok);
    expect(category(r, 'DIBAO').eligible).toBe(!ok);
  });

  it('turns 60 on the birthday, not the day before', () => {
    const dayBefore = evaluate(single({ birth: birthDateForAge(60, AS_OF, 1), income: 100 }));
    const onTheDay = evaluate(single({ birth: birthDateForAge(60), income: 100 }));
    expect(category(dayBefore, 'TEKUN').eligible).toBe(false);
    expect(category(onTheDay, 'TEKUN').eligible).toBe(true);
  });

  it.each([
    [15, false, undefined, true, 'age < 16'],
    [16, false, undefined, true, 'minor 16–17 (support kept to 18)'],
    [17, false, undefined, true, 'minor 16–17 (support kept to 18)'],
    [17, true, 'HIGHER', true, 'minor 16–17 (support kept to 18)'],
    [18, false, undefined, false, 'has working capacity'],
    [18, true, undefined, false, 'in school, level not given (the extension covers 义务教育/普通高中/中职 only)'],
    [18, true, 'COMPULSORY', true, 'in 义务教育/普通高中/中职 past 18'],
    [19, true, 'SENIOR_HIGH', true, 'in 义务教育/普通高中/中职 past 18'],
    [20, true, 'SECONDARY_VOCATIONAL', true, 'in 义务教育/普通高中/中职 past 18'],
    [18, true, 'HIGHER', false, 'in school at another level (the extension covers 义务教育/普通高中/中职 only)'],
    [18, true, 'OTHER', false, 'in school at another level (the extension covers 义务教育/普通高中/中职 only)'],
  ])('aged %d (in school: %s, level %s): no working capacity = %s', (age, inSchool, schoolLevel, ok, basis) => {
    const r = evaluate(single({ age, inSchool, income: 0, ...(schoolLevel ? { schoolLevel } : {}) }));
    expect(reason(r, 'TEKUN', 'tekun.noWorkingCapacity')).toMatchObject({ passed: ok, basis });
    expect(category(r, 'TEKUN').eligible).toBe(ok);
  });

  it.each([
    ['intellectual', 3, true],
    ['intellectual', 4, false],
    ['mental', 3, true],
    ['mental', 4, false],
    ['physical', 2, true],
    ['physical', 3, false],
    ['visual', 1, true],
    ['visual', 2, false],
    ['hearing', 1, false],
  ])('disability %s grade %d: no working capacity = %s', (cat, grade, ok) => {
    const r = evaluate(single({ age: 40, income: 0, disability: { category: cat, grade } }));
    expect(reason(r, 'TEKUN', 'tekun.noWorkingCapacity').passed).toBe(ok);
    expect(category(r, 'TEKUN').eligible).toBe(ok);
  });

  it.each([
    ['below', 599.99, true],
    ['at', 600, false],
    ['above', 600.01, false],
  ])('noLivelihood.income %s the dibao standard', (_, income, ok) => {
    const r = evaluate(single({ age: 70, income }));
    expect(reason(r, 'TEKUN', 'tekun.noLivelihood.income')).toMatchObject({ passed: ok, limit: 600 });
    expect(category(r, 'TEKUN').eligible).toBe(ok);
  });

  it.each([
    ['below', 14399.99, true],
    ['at', 14400, true],
    ['above', 14400.01, false],
  ])('noLivelihood.deposits %s 600 × 24', (_, deposits, ok) => {
    const r = evaluate(single({ age: 70 }, { deposits }));
    expect(reason(r, 'TEKUN', 'tekun.noLivelihood.deposits')).toMatchObject({ passed: ok, limit: 14400 });
  });

  it.each([
    ['at', 50000, true],
    ['above', 50000.01, false],
  ])('noLivelihood.vehicle %s the dibao cap', (_, value, ok) => {
    const r = evaluate(single({ age: 70 }, { vehicles: [{ value }] }));
    expect(reason(r, 'TEKUN', 'tekun.noLivelihood.vehicle').passed).toBe(ok);
  });

  it.each([
    [[], true],
    [[false, false], true],
    [[false, true], false],
  ])('noAbleSupporter with supporters %j', (supporters, ok) => {
    const r = evaluate(single({ age: 70 }, { supporters }));
    expect(reason(r, 'TEKUN', 'tekun.noAbleSupporter')).toMatchObject({ passed: ok, actual: supporters.filter(Boolean).length, limit: 0 });
    expect(category(r, 'TEKUN').eligible).toBe(ok);
  });

  it('a household with a member able to work is not TEKUN', () => {
    const r = evaluate(household({ members: [{ age: 70 }, { age: 45, relation: 'child' }] }));
    expect(category(r, 'TEKUN').eligible).toBe(false);
    expect(category(r, 'DIBAO').eligible).toBe(true);
  });

  it('pays basic living + care (not assessed: 全自理) per person; orphans are left to ORPHAN', () => {
    const both = evaluate(household({ members: [{ age: 70 }, { age: 10, orphaned: true, relation: 'grandchild' }] }));
    expect(category(both, 'TEKUN')).toMatchObject({ eligible: true, monthlyAmount: 1000 + 100 });
    expect(category(both, 'TEKUN').members).toHaveLength(1);
    expect(category(both, 'ORPHAN')).toMatchObject({ eligible: true, monthlyAmount: 1500 });
    const orphansOnly = evaluate(household({ members: [{ age: 10, orphaned: true }] }));
    expect(reason(orphansOnly, 'TEKUN', 'tekun.exclusion.orphanSupport')).toMatchObject({ passed: false, actual: 0 });
    expect(category(orphansOnly, 'TEKUN').eligible).toBe(false);
  });
});

describe('DIBAO_EDGE', () => {
  it.each([
    ['below ×1.5', 899.99, true],
    ['at ×1.5', 900, false],
    ['above ×1.5', 900.01, false],
  ])('income.belowMultiple %s', (_, income, ok) => {
    const r = evaluate(household(two(income)));
    expect(reason(r, 'DIBAO_EDGE', 'dibaoEdge.income.belowMultiple')).toMatchObject({ passed: ok, actual: income, limit: 900, parameter: 'dibaoEdge.incomeMultiplier' });
    expect(category(r, 'DIBAO_EDGE').eligible).toBe(ok);
  });

  it.each([
    ['below', 43199.99, true],
    ['at', 43200, true],
    ['above', 43200.01, false],
  ])('assets.deposits %s 600 × 36 × 2', (_, deposits, ok) => {
    const r = evaluate(household(two(700, { deposits })));
    expect(reason(r, 'DIBAO_EDGE', 'dibaoEdge.assets.deposits')).toMatchObject({ passed: ok, limit: 43200 });
    expect(category(r, 'DIBAO_EDGE').eligible).toBe(ok);
  });

  it.each([
    ['below', 79999.99, true],
    ['at', 80000, true],
    ['above', 80000.01, false],
  ])('assets.vehicle %s 80,000', (_, value, ok) => {
    const r = evaluate(household(two(700, { vehicles: [{ value }] })));
    expect(reason(r, 'DIBAO_EDGE', 'dibaoEdge.assets.vehicle')).toMatchObject({ passed: ok, limit: 80000 });
    expect(category(r, 'DIBAO_EDGE').eligible).toBe(ok);
  });

  it('excludes DIBAO households, and takes those DIBAO refuses for assets only', () => {
    const dibao = evaluate(household(two(500)));
    expect(reason(dibao, 'DIBAO_EDGE', 'dibaoEdge.exclusion.notDibaoOrTekun').passed).toBe(false);
    expect(category(dibao, 'DIBAO_EDGE').eligible).toBe(false);
    const depositsTooHighForDibao = evaluate(household(two(500, { deposits: 30000 })));
    expect(category(depositsTooHighForDibao, 'DIBAO').eligible).toBe(false);
    expect(category(depositsTooHighForDibao, 'DIBAO_EDGE').eligible).toBe(true);
    expect(depositsTooHighForDibao.primary).toBe('DIBAO_EDGE');
  });
});

describe('RIGID_EXPENDITURE', () => {
  // Per capita 2,000 a month → 24,000 a year < 36,000; household income 4,000 a month → share
  // limit 0.5 × 48,000 = 24,000.
  const base = (o: HouseholdOpts = {}) => household(two(2000, { rigid: { medical: 30000 }, ...o }));

  it.each([
    ['below', 2999.99, true],
    ['at', 3000, false],
    ['above', 3000.01, false],
  ])('income.belowAnnualLimit: per capita × 12 %s 36,000', (_, income, ok) => {
    const r = evaluate(household(two(income, { rigid: { medical: 80000 } })));
    expect(reason(r, 'RIGID_EXPENDITURE', 'rigid.income.belowAnnualLimit')).toMatchObject({ passed: ok, limit: 36000, actual: Math.round(income * 12 * 100) / 100 });
    expect(category(r, 'RIGID_EXPENDITURE').eligible).toBe(ok);
  });

  it.each([
    ['below', { medical: 23999.99 }, false],
    ['at', { medical: 20000, education: 4000 }, false],
    ['above', { medical: 20000, education: 3000, rehabilitation: 1000.01 }, true],
  ])('expenditure.aboveShare: spending %s 0.5 × annual income', (_, rigid, ok) => {
    const r = evaluate(base({ rigid }));
    expect(reason(r, 'RIGID_EXPENDITURE', 'rigid.expenditure.aboveShare')).toMatchObject({ passed: ok, limit: 24000 });
    expect(category(r, 'RIGID_EXPENDITURE').eligible).toBe(ok);
  });

  it.each([
    ['below', 50399.99, true],
    ['at', 50400, true],
    ['above', 50400.01, false],
  ])('assets.deposits %s 600 × 42 × 2', (_, deposits, ok) => {
    const r = evaluate(base({ deposits }));
    expect(reason(r, 'RIGID_EXPENDITURE', 'rigid.assets.deposits')).toMatchObject({ passed: ok, limit: 50400 });
    expect(category(r, 'RIGID_EXPENDITURE').eligible).toBe(ok);
  });

  it('excludes households already in DIBAO_EDGE', () => {
    const r = evaluate(household(two(800, { rigid: { medical: 80000 } })));
    expect(category(r, 'DIBAO_EDGE').eligible).toBe(true);
    expect(reason(r, 'RIGID_EXPENDITURE', 'rigid.exclusion.notInOtherLayers').passed).toBe(false);
    expect(category(r, 'RIGID_EXPENDITURE').eligible).toBe(false);
  });
});

describe('ORPHAN', () => {
  it.each([
    ['17 (below 18)', birthDateForAge(18, AS_OF, 1), true],
    ['18 on the day (at)', birthDateForAge(18), false],
    ['19 (above)', birthDateForAge(19), false],
  ])('orphaned member aged %s', (_, birth, ok) => {
    const r = evaluate(household({ members: [{ birth, orphaned: true }] }));
    expect(reason(r, 'ORPHAN', 'orphan.under18')).toMatchObject({ passed: ok, limit: 18 });
    expect(category(r, 'ORPHAN')).toMatchObject({ eligible: ok, monthlyAmount: ok ? 1500 : 0 });
  });

  it.each([
    [0, false],
    [1, true],
    [2, true],
  ])('with %d orphaned members', (count, ok) => {
    const members = [{ age: 70 }, ...Array.from({ length: count }, () => ({ age: 9, orphaned: true, relation: 'grandchild' }))];
    const r = evaluate(household({ members }));
    expect(reason(r, 'ORPHAN', 'orphan.parentsLost')).toMatchObject({ passed: ok, actual: count, limit: 1 });
    expect(category(r, 'ORPHAN').monthlyAmount).toBe(1500 * count);
  });
});

describe('DISABILITY_LIVING_SUBSIDY', () => {
  it.each([
    ['DIBAO household, one disabled member', 500, 1, true, 100],
    ['DIBAO household, two disabled members', 500, 2, true, 200],
    ['DIBAO household, no disabled member', 500, 0, false, 0],
    ['not DIBAO (per capita at the standard)', 600, 1, false, 0],
  ])('%s', (_, income, disabled, ok, amount) => {
    const members = [0, 1].map((i) => ({ income, disability: i < disabled ? { category: 'hearing', grade: 3 } : null }));
    const r = evaluate(household({ members }));
    expect(category(r, 'DISABILITY_LIVING_SUBSIDY')).toMatchObject({ eligible: ok, monthlyAmount: amount });
  });

  it('reaches DIBAO_EDGE households where the region widens it', () => {
    const h = household({ members: [{ income: 800, disability: { category: 'hearing', grade: 3 } }, { income: 800 }] });
    expect(category(evaluate(h), 'DISABILITY_LIVING_SUBSIDY').eligible).toBe(false);
    const widened = evaluate(h, testPolicy({ 'disability.livingSubsidy.widenToEdge': 1 }));
    expect(category(widened, 'DISABILITY_LIVING_SUBSIDY')).toMatchObject({ eligible: true, monthlyAmount: 100 });
    expect(reason(widened, 'DISABILITY_LIVING_SUBSIDY', 'disabilityLiving.dibaoHousehold').parameter).toBe('disability.livingSubsidy.widenToEdge');
  });
});

describe('DISABILITY_CARE_SUBSIDY', () => {
  it.each([
    [1, true, 150],
    [2, true, 100],
    [3, false, 0],
  ])('grade %d (limit 2)', (grade, ok, amount) => {
    const r = evaluate(household({ members: [{ income: 5000, disability: { category: 'physical', grade } }] }));
    expect(reason(r, 'DISABILITY_CARE_SUBSIDY', 'disabilityCare.severeGrade')).toMatchObject({ passed: ok, actual: grade, limit: 2 });
    expect(category(r, 'DISABILITY_CARE_SUBSIDY')).toMatchObject({ eligible: ok, monthlyAmount: amount });
  });

  it('needs no means test and stacks with the living subsidy', () => {
    const rich = evaluate(household({ members: [{ income: 9000, disability: { category: 'visual', grade: 1 } }] }));
    expect(category(rich, 'DISABILITY_CARE_SUBSIDY').eligible).toBe(true);
    const poor = evaluate(household({ members: [{ income: 100, disability: { category: 'hearing', grade: 2 } }, { income: 100 }] }));
    expect(category(poor, 'DISABILITY_CARE_SUBSIDY').monthlyAmount).toBe(100);
    expect(category(poor, 'DISABILITY_LIVING_SUBSIDY').monthlyAmount).toBe(100);
  });
});

describe('TEMPORARY', () => {
  it('is listed, not evaluated automatically, and says why', () => {
    const r = evaluate(household(two(100)));
    expect(category(r, 'TEMPORARY')).toMatchObject({ eligible: false, evaluated: false, monthlyAmount: 0 });
    expect(category(r, 'TEMPORARY').note).toMatch(/caseworker/);
    expect(category(r, 'DIBAO').note).toBeUndefined();
    expect(reason(r, 'TEMPORARY', 'temporary.caseworkerAssessment')).toMatchObject({ passed: false, informational: true });
  });
});

describe('explanations', () => {
  it('every reason names its rule, outcome, reference and, where a parameter decides, the parameter', () => {
    const r = evaluate(household({ members: [{ age: 72, income: 200, disability: { category: 'physical', grade: 1 } }, { age: 12, orphaned: true }] }));
    expect(r.categories.map((c) => c.code)).toEqual(['DIBAO', 'TEKUN', 'DIBAO_EDGE', 'RIGID_EXPENDITURE', 'ORPHAN', 'DISABILITY_LIVING_SUBSIDY', 'DISABILITY_CARE_SUBSIDY', 'TEMPORARY']);
    for (const c of r.categories) {
      expect(c.reasons.length).toBeGreaterThan(0);
      for (const x of c.reasons) {
        expect(typeof x.rule).toBe('string');
        expect(typeof x.passed).toBe('boolean');
        expect(x.reference.length).toBeGreaterThan(3);
        if (x.parameter) expect(r.policy.parameters[x.parameter]).toBeDefined();
      }
    }
    expect(r.policy.date).toBe(AS_OF);
    expect(r.policy.parameters['dibao.standard.rural']).toMatchObject({ value: 600, regionCode: 'CN', effectiveFrom: '2000-01-01' });
  });

  it('masks every resident ID (digits 7–14 never shown)', () => {
    const h = household({ members: [{ age: 72, income: 200, disability: { category: 'physical', grade: 1 } }] });
    const text = JSON.stringify(evaluate(h));
    const id = h.members[0]!.idNumber;
    expect(text).not.toContain(id.slice(6, 14));
    expect(text).toContain(`${id.slice(0, 6)}********${id.slice(14)}`);
  });
});

describe('large households', () => {
  it('30 members (the maximum): every per-member row names the right member and the gap counts all', () => {
    // Prepare: 30 members aged 60..89, distinct IDs; member i is i+60 years old.
    const members = Array.from({ length: 30 }, (_, i) => ({ age: 60 + i, income: 100, relation: 'other' }));
    const h = household({ members });
    // Act
    const r = evaluate(h);
    // Assess
    const rows = reasons(r, 'TEKUN', 'tekun.noWorkingCapacity');
    expect(rows).toHaveLength(30);
    rows.forEach((row, i) => {
      const id = h.members[i]!.idNumber;
      expect(row.member).toBe(`${id.slice(0, 6)}********${id.slice(14)}`);
      expect(row.actual).toBe(60 + i);
    });
    expect(category(r, 'TEKUN')).toMatchObject({ eligible: true, monthlyAmount: 30 * (1000 + 100) });
    expect(category(r, 'TEKUN').members).toHaveLength(30);
    expect(r.people.map((p) => p.age)).toEqual(members.map((m) => m.age));
  });
});
