import { describe, expect, it } from 'vitest';
import { householdSchema, type HouseholdInput } from '../../../functions/domain/household.ts';
import { INDICATORS, type IndicatorCode } from '../../../functions/domain/indicators.ts';
import {
  addDays,
  deathIndicators,
  disabilityIndicators,
  isDue,
  leadDaysOf,
  medicalIndicator,
  nextMemberDue,
  nextReReviewDue,
  reevaluateHousehold,
  rigidValidityDue,
  warningId,
} from '../../../functions/domain/monitoring.ts';
import { REPEATED_FAILURES, recentReturns } from '../../../functions/domain/payments.ts';
import { dateOfAge } from '../../../functions/domain/resident-id.ts';
import { checkLink, firstUnvisited, isExactDue, nextMonth, referralDue, visitCheckDue, type LinkItem } from '../../../functions/domain/services.ts';
import { surveyOverdue } from '../../../functions/domain/merger.ts';
import { localPolicy } from '../../../scripts/seed-population.ts';
import { ruleCases, run as runRules } from './rule-cases.ts';
import { residentId } from '../../support/people.ts';

/**
 * Every indicator of the catalog at its boundary: one case that fires, one just across the
 * boundary that does not. `covered` collects the codes so the last test can demand all of them.
 */
const REGION = '610124121200';
const covered = new Set<IndicatorCode>();
const policy = localPolicy(REGION, '2027-01-15');
const LEAD = leadDaysOf(policy);

describe('age milestones (dueByCounty marks, read lead days ahead)', () => {
  const cases: [IndicatorCode, number, string[], boolean?][] = [
    ['ELDERLY_70', 70, ['DIBAO']],
    ['ELDERLY_80', 80, ['DIBAO']],
    ['DIBAO_MINOR_18', 18, ['DIBAO']],
    ['ORPHAN_TURNING_18', 18, ['ORPHAN']],
    ['ORPHAN_TURNING_18', 18, ['DIBAO_EDGE'], true],
    ['TEKUN_MINOR_16', 16, ['TEKUN']],
    ['TEKUN_MINOR_18', 18, ['TEKUN']],
    ['TURNING_60_TEKUN', 60, ['DIBAO']],
  ];
  for (const [kind, age, categories, orphaned] of cases) {
    it(`${kind}: ${categories.join('+')}${orphaned ? ' (orphaned member)' : ''} turning ${age} fires lead days before, not a day earlier`, () => {
      const birthDate = '1960-06-15'.replace('1960', String(2027 - age));
      const milestone = dateOfAge(birthDate, age);
      const marks = nextMemberDue({ birthDate, orphaned: !!orphaned }, categories, REGION, addDays(milestone, -400))!;
      expect(marks.dueOn).toBe(milestone);
      expect(marks.dueKinds).toContain(kind);
      expect(isDue(marks, addDays(milestone, -LEAD), LEAD)).toBe(true);
      expect(isDue(marks, addDays(milestone, -LEAD - 1), LEAD)).toBe(false);
      covered.add(kind);
    });
  }
  it('no milestone without the category (a DIBAO_EDGE member turning 70), none for the dead, TEKUN members get no "turning 60"', () => {
    expect(nextMemberDue({ birthDate: '1957-06-15' }, ['DIBAO_EDGE'], REGION, '2026-01-01')?.dueKinds ?? []).not.toContain('ELDERLY_70');
    expect(nextMemberDue({ birthDate: '1957-06-15', deceasedOn: '2026-02-01' }, ['DIBAO'], REGION, '2026-01-01')).toBeUndefined();
    expect(nextMemberDue({ birthDate: '1967-06-15' }, ['TEKUN'], REGION, '2026-01-01')).toBeUndefined();
  });
  it('a mark the run of its day missed (written late, or the run skipped) is still read within the look-back, across a month boundary', () => {
    const marks = { dueKey: '610124#2026-11', dueOn: '2026-11-30' };
    expect(isDue(marks, '2026-12-01', LEAD)).toBe(true);
    expect(isDue(marks, '2026-12-10', LEAD)).toBe(true);
    expect(isDue(marks, '2027-01-15', LEAD)).toBe(false);
  });
  it('after a milestone the mark moves to the next one (70 → 80)', () => {
    const next = nextMemberDue({ birthDate: '1957-06-15' }, ['DIBAO'], REGION, '2027-06-15')!;
    expect([next.dueOn, next.dueKinds]).toEqual(['2037-06-15', ['ELDERLY_80']]);
  });
});

describe('dated household checks', () => {
  const able = { idNumber: residentId('610124', '1990-01-01', 11), laborAbility: 'full' };
  const old = { idNumber: residentId('610124', '1950-01-01', 13), laborAbility: 'none' };
  it('REREVIEW_HALF_YEARLY: a working-age member able to work → 6 months after approval', () => {
    const m = nextReReviewDue([old, able], '2026-11-20', REGION, '2026-11-19');
    expect([m.dueOn, m.dueKinds]).toEqual(['2027-05-20', ['REREVIEW_HALF_YEARLY']]);
    expect(isDue(m, addDays(m.dueOn, -LEAD), LEAD)).toBe(true);
    expect(isDue(m, addDays(m.dueOn, -LEAD - 1), LEAD)).toBe(false);
    covered.add('REREVIEW_HALF_YEARLY');
  });
  it('REREVIEW_YEARLY: no one of working age able to work (a 60-year-old does not count) → 12 months', () => {
    const sixty = { idNumber: residentId('610124', '1966-11-20', 15), laborAbility: 'full' };
    const m = nextReReviewDue([old, sixty], '2026-11-20', REGION, '2026-11-19');
    expect([m.dueOn, m.dueKinds]).toEqual(['2027-11-20', ['REREVIEW_YEARLY']]);
    expect(nextReReviewDue([old, sixty], '2026-11-20', REGION, '2027-11-20').dueOn).toBe('2028-11-20');
    expect(isDue(m, addDays(m.dueOn, -LEAD), LEAD)).toBe(true);
    expect(isDue(m, addDays(m.dueOn, -LEAD - 1), LEAD)).toBe(false);
    covered.add('REREVIEW_YEARLY');
  });
  it('RIGID_VALIDITY_ENDING: the last day of validUntilMonth, 30 days ahead', () => {
    const m = rigidValidityDue(REGION, '2027-10');
    expect(m.dueOn).toBe('2027-10-31');
    expect(isDue(m, '2027-10-01', 30)).toBe(true);
    expect(isDue(m, '2027-09-30', 30)).toBe(false);
    covered.add('RIGID_VALIDITY_ENDING');
  });
});

describe('event checks', () => {
  it('MEDICAL_OOP_KEY_RECIPIENT: above 10,000 yuan fires, exactly 10,000 does not', () => {
    expect(medicalIndicator(1_000_000, true, policy)).toBeUndefined();
    expect(medicalIndicator(1_000_001, true, policy)?.indicator).toBe('MEDICAL_OOP_KEY_RECIPIENT');
    covered.add('MEDICAL_OOP_KEY_RECIPIENT');
  });
  it('MEDICAL_OOP_RESIDENT: above 50,000 yuan fires, exactly 50,000 does not (and 10,000.01 does not for a resident)', () => {
    expect(medicalIndicator(5_000_000, false, policy)).toBeUndefined();
    expect(medicalIndicator(1_000_001, false, policy)).toBeUndefined();
    expect(medicalIndicator(5_000_001, false, policy)?.indicator).toBe('MEDICAL_OOP_RESIDENT');
    covered.add('MEDICAL_OOP_RESIDENT');
  });
  it('DECEASED_STOP_PAYMENT / MEMBER_DECEASED_REASSESS / ORPHANED_MINORS_LEFT', () => {
    const dead = { birthDate: '1980-01-01', deceasedOn: '2027-01-10' };
    expect(deathIndicators([dead], '2027-01-10')).toEqual(['DECEASED_STOP_PAYMENT']);
    expect(deathIndicators([dead, { birthDate: '1982-01-01' }], '2027-01-10')).toEqual(['DECEASED_STOP_PAYMENT', 'MEMBER_DECEASED_REASSESS']);
    expect(deathIndicators([dead, { birthDate: '2009-01-11' }], '2027-01-10')).toEqual(['DECEASED_STOP_PAYMENT', 'MEMBER_DECEASED_REASSESS', 'ORPHANED_MINORS_LEFT']);
    expect(deathIndicators([dead, { birthDate: '2009-01-10' }], '2027-01-10')).not.toContain('ORPHANED_MINORS_LEFT');
    covered.add('DECEASED_STOP_PAYMENT').add('MEMBER_DECEASED_REASSESS').add('ORPHANED_MINORS_LEFT');
  });
  it('DisabilityCertified: grade 2 vs 3, DIBAO vs not, subsidies already granted', () => {
    expect(disabilityIndicators(['DIBAO'], 2)).toEqual(['DISABLED_DIBAO_NO_LIVING_SUBSIDY', 'SEVERE_DISABLED_NO_CARE_SUBSIDY', 'DISABILITY_SUPPLEMENT_REASSESS']);
    expect(disabilityIndicators(['DIBAO'], 3)).toEqual(['DISABLED_DIBAO_NO_LIVING_SUBSIDY']);
    expect(disabilityIndicators(['DIBAO_EDGE'], 3)).toEqual([]);
    expect(disabilityIndicators(['DIBAO', 'DISABILITY_LIVING_SUBSIDY', 'DISABILITY_CARE_SUBSIDY'], 1)).toEqual(['DISABILITY_SUPPLEMENT_REASSESS']);
    covered.add('DISABILITY_SUPPLEMENT_REASSESS');
  });
});

describe('full re-evaluation', () => {
  const asOf = '2027-01-15';
  let n = 300;
  const id = (birth: string) => residentId('610124', birth, n++);
  const hh = (members: Partial<HouseholdInput['members'][number]>[], extra: Partial<HouseholdInput> = {}): HouseholdInput => ({
    regionCode: REGION,
    hukouType: 'rural',
    members: members.map((m, i) => ({ name: 'x', idNumber: id('1970-05-05'), relation: i === 0 ? 'self' : 'spouse', disability: null, laborAbility: 'partial', monthlyIncome: 100, ...m })),
    assets: { deposits: 1000, vehicles: [], properties: 1, businessRegistered: false },
    supporters: [{ name: 's', idNumber: residentId('610124', '1975-01-01', 9), able: true }],
    ...extra,
  });
  const find = (h: HouseholdInput, active: string[], dibaoPaidFen = 0, programmes: string[] = []) => {
    const parsed = householdSchema.parse(h);
    return reevaluateHousehold({ householdId: 'hh', regionCode: REGION, household: parsed, people: parsed.members.map((m, i) => ({ idHash: `p${i}`, maskedId: `m${i}` })), active, dibaoPaidFen, programmes }, policy, asOf).map((f) => f.indicator);
  };
  const check = (code: IndicatorCode, fires: IndicatorCode[], doesNot: IndicatorCode[]) => {
    expect(fires).toContain(code);
    expect(doesNot).not.toContain(code);
    covered.add(code);
  };

  it('MISSED_DIBAO: per-capita income 599.99 < 600 fires; 600 does not', () => {
    check('MISSED_DIBAO', find(hh([{ monthlyIncome: 599.99 }]), ['DISABILITY_CARE_SUBSIDY']), find(hh([{ monthlyIncome: 600 }]), ['DISABILITY_CARE_SUBSIDY']));
  });
  it('MISSED_TEKUN: a DIBAO elderly person without able supporters fires; with an able supporter does not', () => {
    const elder = { idNumber: id('1950-01-01'), laborAbility: 'none' as const };
    check('MISSED_TEKUN', find(hh([elder], { supporters: [] }), ['DIBAO']), find(hh([elder]), ['DIBAO']));
  });
  it('MISSED_DIBAO_EDGE: income 899.99 < 1.5 × 600 fires; 900 does not; not suggested to a DIBAO household', () => {
    check('MISSED_DIBAO_EDGE', find(hh([{ monthlyIncome: 899.99 }]), []), find(hh([{ monthlyIncome: 900 }]), []));
    expect(find(hh([{ monthlyIncome: 899.99 }]), ['DIBAO'])).not.toContain('MISSED_DIBAO_EDGE');
  });
  it('MISSED_RIGID_EXPENDITURE: essential spending above half the annual income fires; exactly half does not', () => {
    const base = [{ monthlyIncome: 1000 }];
    check('MISSED_RIGID_EXPENDITURE', find(hh(base, { rigidExpenditure12m: { medical: 6000.01, education: 0, rehabilitation: 0 } }), []), find(hh(base, { rigidExpenditure12m: { medical: 6000, education: 0, rehabilitation: 0 } }), []));
  });
  it('NO_LONGER_ELIGIBLE: a DIBAO household at income 600 fires; 599.99 does not', () => {
    check('NO_LONGER_ELIGIBLE', find(hh([{ monthlyIncome: 600 }]), ['DIBAO']), find(hh([{ monthlyIncome: 599.99 }]), ['DIBAO']));
  });
  it('DIBAO_AMOUNT_BELOW_ENTITLED: paid one fen below the entitled amount fires; paid in full does not', () => {
    const h = hh([{ monthlyIncome: 100 }]);
    const entitled = Math.round((600 - 100) * 100 * 1); // gap-filling for one member, no supplement (aged 56)
    check('DIBAO_AMOUNT_BELOW_ENTITLED', find(h, ['DIBAO'], entitled - 1), find(h, ['DIBAO'], entitled));
  });
  it('ORPHAN_NO_BASIC_LIVING: an orphan aged 17 fires; aged 18 (birthday today) does not; ORPHAN granted does not', () => {
    const guardian = { idNumber: id('1950-03-03'), laborAbility: 'none' as const };
    const at17 = { idNumber: id('2009-01-16'), relation: 'grandchild' as const, orphaned: true, laborAbility: 'none' as const, monthlyIncome: 0 };
    const at18 = { idNumber: id('2009-01-15'), relation: 'grandchild' as const, orphaned: true, laborAbility: 'none' as const, monthlyIncome: 0 };
    check('ORPHAN_NO_BASIC_LIVING', find(hh([guardian, at17]), ['DIBAO']), find(hh([guardian, at18]), ['DIBAO']));
    expect(find(hh([guardian, at17]), ['DIBAO', 'ORPHAN'])).not.toContain('ORPHAN_NO_BASIC_LIVING');
  });
  it('DISABLED_DIBAO_NO_LIVING_SUBSIDY: a disabled DIBAO member without it fires; with it does not', () => {
    const h = hh([{ disability: { category: 'physical', grade: 4 } }]);
    check('DISABLED_DIBAO_NO_LIVING_SUBSIDY', find(h, ['DIBAO']), find(h, ['DIBAO', 'DISABILITY_LIVING_SUBSIDY']));
  });
  it('SEVERE_DISABLED_NO_CARE_SUBSIDY: grade 2 fires, grade 3 does not', () => {
    check('SEVERE_DISABLED_NO_CARE_SUBSIDY', find(hh([{ disability: { category: 'visual', grade: 2 } }]), ['DIBAO']), find(hh([{ disability: { category: 'visual', grade: 3 } }]), ['DIBAO']));
  });
  it('HOUSING_UNSAFE and DRINKING_WATER_UNSAFE', () => {
    check('HOUSING_UNSAFE', find(hh([{}], { livingConditions: { housingSafe: false, drinkingWaterSafe: true } }), ['DIBAO']), find(hh([{}]), ['DIBAO']));
    check('DRINKING_WATER_UNSAFE', find(hh([{}], { livingConditions: { housingSafe: true, drinkingWaterSafe: false } }), ['DIBAO']), find(hh([{}]), ['DIBAO']));
  });
  it('EMPLOYMENT_SUPPORT_NEEDED: aged 59, able, no income fires; aged 60 tomorrow-60 does not; in school, with income, or already referred does not', () => {
    const at59 = { idNumber: id('1967-01-16'), laborAbility: 'full' as const, monthlyIncome: 0 };
    const at60 = { idNumber: id('1967-01-15'), laborAbility: 'full' as const, monthlyIncome: 0 };
    check('EMPLOYMENT_SUPPORT_NEEDED', find(hh([at59]), ['DIBAO']), find(hh([at60]), ['DIBAO']));
    const at16 = { idNumber: id('2011-01-15'), relation: 'child' as const, laborAbility: 'partial' as const, monthlyIncome: 0 };
    const at15 = { idNumber: id('2011-01-16'), relation: 'child' as const, laborAbility: 'partial' as const, monthlyIncome: 0 };
    expect(find(hh([{ monthlyIncome: 100 }, at16]), ['DIBAO'])).toContain('EMPLOYMENT_SUPPORT_NEEDED');
    expect(find(hh([{ monthlyIncome: 100 }, at15]), ['DIBAO'])).not.toContain('EMPLOYMENT_SUPPORT_NEEDED');
    expect(find(hh([{ ...at59, inSchool: true }]), ['DIBAO'])).not.toContain('EMPLOYMENT_SUPPORT_NEEDED');
    expect(find(hh([{ ...at59, monthlyIncome: 0.01 }]), ['DIBAO'])).not.toContain('EMPLOYMENT_SUPPORT_NEEDED');
    expect(find(hh([{ ...at59, laborAbility: 'none' }]), ['DIBAO'])).not.toContain('EMPLOYMENT_SUPPORT_NEEDED');
    expect(find(hh([at59]), ['DIBAO'], 0, ['EMPLOYMENT'])).not.toContain('EMPLOYMENT_SUPPORT_NEEDED');
  });
  it('ELDERLY_ALONE_80: alone and 80 today fires; 80 tomorrow does not; two members of 85 do not', () => {
    const eighty = { idNumber: id('1947-01-15'), laborAbility: 'none' as const };
    const almost = { idNumber: id('1947-01-16'), laborAbility: 'none' as const };
    check('ELDERLY_ALONE_80', find(hh([eighty]), ['DIBAO']), find(hh([almost]), ['DIBAO']));
    expect(find(hh([{ idNumber: id('1941-01-01'), laborAbility: 'none' }, { idNumber: id('1942-01-01'), laborAbility: 'none' }]), ['DIBAO'])).not.toContain('ELDERLY_ALONE_80');
  });
});

describe('payments', () => {
  it('PAYMENT_REPEATEDLY_FAILED: a second return within 12 months fires; one return, or two a year apart, do not', () => {
    const ret = (at: string) => ({ at, rosterId: 'ro_610124_202701', lineId: 'ln_x', reason: '账户已销户' });
    const at = '2027-06-10T08:00:00.000Z';
    expect(recentReturns({ returns: [ret('2027-03-10T08:00:00.000Z'), ret(at)] }, at)).toBeGreaterThanOrEqual(REPEATED_FAILURES);
    expect(recentReturns({ returns: [ret(at)] }, at)).toBeLessThan(REPEATED_FAILURES);
    expect(recentReturns({ returns: [ret('2026-06-09T08:00:00.000Z'), ret(at)] }, at)).toBeLessThan(REPEATED_FAILURES);
    covered.add('PAYMENT_REPEATEDLY_FAILED');
  });
});

describe('services and referrals (same-day marks in dueByCounty)', () => {
  const link = (extra: Partial<LinkItem>): LinkItem => ({ sk: 'LINK#ORDER#so_1', householdId: 'hh', regionCode: REGION, idHash: 'p0', maskedId: 'm0', status: 'ACTIVE', dueOn: '2027-04-01', orderId: 'so_1', organizationId: 'taoxianzi', ...extra });
  it('SERVICE_VISIT_MISSED: the check of March is read on 1 April, not on 31 March; a visit in March moves it to May; without one it raises and moves to May', () => {
    const march = visitCheckDue(REGION, '2027-03');
    expect(march.dueOn).toBe('2027-04-01');
    expect(isExactDue(march, '2027-04-01', 10)).toBe(true);
    expect(isExactDue(march, '2027-03-31', 10)).toBe(false);
    expect(isExactDue(march, '2027-04-10', 10)).toBe(true);
    expect(isExactDue(march, '2027-05-12', 10)).toBe(false);
    // the month after the visit's month is the next to check
    expect(visitCheckDue(REGION, nextMonth('2027-03')).dueOn).toBe('2027-05-01');
    const missed = checkLink(link({}));
    expect(missed.findings.map((f) => [f.indicator, f.period, f.details.month])).toEqual([['SERVICE_VISIT_MISSED', 'so_1#2027-03', '2027-03']]);
    expect(missed.next?.dueOn).toBe('2027-05-01');
    // a March visit (recorded while the run read the mark) counts; a February one does not
    expect(checkLink(link({ visitedMonths: ['2027-03'] })).findings).toEqual([]);
    expect(checkLink(link({ visitedMonths: ['2027-02'] })).findings).toHaveLength(1);
    // visits recorded out of order: March missed, April visited → warn for March, next check May
    const late = checkLink(link({ visitedMonths: ['2027-02', '2027-04'] }));
    expect([late.findings.length, late.next?.dueOn]).toEqual([1, '2027-06-01']);
    expect(firstUnvisited('2027-02', ['2027-02', '2027-03', '2027-05'])).toBe('2027-04');
    expect(checkLink(link({ status: 'CANCELLED' }))).toEqual({ findings: [], next: undefined });
    expect(nextMonth('2027-12')).toBe('2028-01');
    covered.add('SERVICE_VISIT_MISSED');
  });
  it('REFERRAL_OVERDUE: due 30 days after opening; read the day after the due date, not on it; never once granted', () => {
    const due = referralDue(REGION, '2027-01-10', 30);
    expect(due.dueBy).toBe('2027-02-09');
    expect(isExactDue(due, '2027-02-10', 10)).toBe(true);
    expect(isExactDue(due, '2027-02-09', 10)).toBe(false);
    const ref = { sk: 'LINK#REF#ref_1', referralId: 'ref_1', programme: 'MEDICAL_AID', dueBy: due.dueBy, dueOn: due.dueOn };
    expect(checkLink(link({ ...ref, status: 'OPEN' })).findings.map((f) => [f.indicator, f.period])).toEqual([['REFERRAL_OVERDUE', 'ref_1']]);
    expect(checkLink(link({ ...ref, status: 'OPEN' })).next).toBeUndefined();
    expect(checkLink(link({ ...ref, status: 'GRANTED' })).findings).toEqual([]);
    covered.add('REFERRAL_OVERDUE');
  });
});

describe('the merged yearly survey (两项政策 merger)', () => {
  it('SURVEY_OVERDUE: open after 30 September fires; on the day, or submitted, does not', () => {
    expect(surveyOverdue({ status: 'OPEN', dueOn: '2027-09-30' }, '2027-10-01')).toBe(true);
    expect(surveyOverdue({ status: 'OPEN', dueOn: '2027-09-30' }, '2027-09-30')).toBe(false);
    expect(surveyOverdue({ status: 'SUBMITTED', dueOn: '2027-09-30' }, '2027-10-01')).toBe(false);
    covered.add('SURVEY_OVERDUE');
  });
});

describe('the household-rule table (full re-evaluation)', () => {
  for (const [code, boundary, fires, doesNot] of ruleCases(policy)) {
    it(`${code}: ${boundary}`, () => {
      expect(runRules(fires, policy)).toContain(code);
      expect(runRules(doesNot, policy)).not.toContain(code);
      covered.add(code);
    });
  }
});

describe('the catalog', () => {
  it('follows the article: 75 indicators, 7 rapid-help, 29 demand, the rest dynamic; each with its basis, trigger and source', () => {
    expect(INDICATORS).toHaveLength(75);
    expect(INDICATORS.filter((i) => i.class === 'RAPID_HELP')).toHaveLength(7);
    expect(INDICATORS.filter((i) => i.class === 'DEMAND')).toHaveLength(29);
    expect(INDICATORS.filter((i) => i.class === 'DYNAMIC')).toHaveLength(39);
    for (const i of INDICATORS) {
      expect(i.basis.length, i.code).toBeGreaterThan(3);
      expect(i.trigger, i.code).toMatch(/^(schedule|event|payments)/);
      expect(i.condition.length, i.code).toBeGreaterThan(10);
    }
  });
  it('has at least 24 indicators, unique codes, all three classes, and every one is tested at its boundary above', () => {
    const codes = INDICATORS.map((i) => i.code);
    expect(codes.length).toBeGreaterThanOrEqual(24);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(INDICATORS.map((i) => i.class))).toEqual(new Set(['RAPID_HELP', 'DEMAND', 'DYNAMIC']));
    expect(codes.filter((c) => !covered.has(c))).toEqual([]);
  });
  it('warning ids are deterministic per (person, indicator, period) and differ when any part differs', () => {
    const a = warningId('h1', 'ELDERLY_70', '2027-03-31');
    expect(warningId('h1', 'ELDERLY_70', '2027-03-31')).toBe(a);
    expect(new Set([a, warningId('h2', 'ELDERLY_70', '2027-03-31'), warningId('h1', 'ELDERLY_80', '2027-03-31'), warningId('h1', 'ELDERLY_70', '2027-04-01')]).size).toBe(4);
  });
});
