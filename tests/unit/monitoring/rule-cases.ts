import { householdSchema, type HouseholdInput } from '../../../functions/domain/household.ts';
import type { IndicatorCode } from '../../../functions/domain/indicators.ts';
import { reevaluateHousehold } from '../../../functions/domain/monitoring.ts';
import { categoryIndex, evaluateInto, Trace } from '../../../functions/domain/eligibility.ts';
import { parameterIndex, type CompiledPolicy } from '../../../functions/domain/policy.ts';
import { supplementFen } from '../../../functions/domain/benefits.ts';
import { residentId } from '../../support/people.ts';

/**
 * Boundary cases of the household-rule table (functions/domain/indicator-rules.ts): for each
 * indicator, one household that fires it and one just across its boundary that does not.
 */
export const REGION = '610124121200';
export const AS_OF = '2027-01-15';

type M = Partial<HouseholdInput['members'][number]>;
export interface Scenario {
  members: M[];
  extra?: Partial<HouseholdInput>;
  active: string[];
  /** DIBAO paid this month, from the entitled amount (fen) and the household's supplements. */
  paid?: (entitledFen: number) => number;
  programmes?: string[];
  monthlyOrders?: number;
  tweak?: (v: Float64Array) => void;
}

let seq = 600;
/** A unique ID born on `birth`; odd sequence = male, even = female. */
export function person(birth: string, female = false): string {
  seq += 2;
  if (seq > 990) seq = 600;
  return residentId('610124', birth, female ? seq : seq + 1);
}

export function run(s: Scenario, policy: CompiledPolicy): IndicatorCode[] {
  const input: HouseholdInput = {
    regionCode: REGION,
    hukouType: 'rural',
    members: s.members.map((m, i) => ({ name: 'x', idNumber: person('1970-05-05'), relation: i === 0 ? 'self' : 'spouse', disability: null, laborAbility: 'partial', monthlyIncome: 100, ...m })),
    assets: { deposits: 1000, vehicles: [], properties: 1, businessRegistered: false },
    supporters: [{ name: 's', idNumber: residentId('610124', '1975-01-01', 9), able: true }],
    ...s.extra,
  };
  const h = householdSchema.parse(input);
  let pol = policy;
  if (s.tweak) {
    const v = new Float64Array(policy.v);
    s.tweak(v);
    pol = { ...policy, v };
  }
  const entitled = Math.round(evaluateInto(new Trace(), h, pol, AS_OF).amountFen[categoryIndex('DIBAO')]!);
  const paid = s.paid ? s.paid(entitled) : s.active.includes('DIBAO') ? entitled : 0;
  return reevaluateHousehold(
    { householdId: 'hh', regionCode: REGION, household: h, people: h.members.map((_m, i) => ({ idHash: `p${i}`, maskedId: `m${i}` })), active: s.active, dibaoPaidFen: paid, programmes: s.programmes ?? [], monthlyOrders: s.monthlyOrders ?? 0 },
    pol,
    AS_OF,
  ).map((f) => f.indicator);
}

export function ruleCases(policy: CompiledPolicy): [IndicatorCode, string, Scenario, Scenario][] {
  const v = (p: Parameters<typeof parameterIndex>[0]) => policy.v[parameterIndex(p)]!;
  const std = v('dibao.standard.rural');
  const supp = (p: Parameters<typeof parameterIndex>[0]) => supplementFen(v(p), std);
  const yuan = (fen: number) => fen / 100;
  const depositCap = yuan(std * v('dibao.depositCapMonths'));
  const vehicleCap = yuan(v('dibao.vehicleValueCap'));
  const keyRecipient = yuan(v('medical.rapidHelp.keyRecipient'));
  const D = ['DIBAO'];
  const lacking = (p: Parameters<typeof parameterIndex>[0], members: M[]): [Scenario, Scenario] => [
    { members, active: D, paid: (e) => e - supp(p) },
    { members, active: D, paid: (e) => e - supp(p) + 1 },
  ];
  const illMember = { seriousIllness: true };
  return [
    ['CATASTROPHIC_MEDICAL_EXPENDITURE', 'medical spending 1,200.01 > annual income 1,200 fires; 1,200 does not', { members: [{}], extra: { rigidExpenditure12m: { medical: 1200.01, education: 0, rehabilitation: 0 } }, active: D }, { members: [{}], extra: { rigidExpenditure12m: { medical: 1200, education: 0, rehabilitation: 0 } }, active: D }],
    ['SUPPLEMENT_ELDERLY70_MISSING', 'paid short by exactly the supplement fires; by one fen less does not', ...lacking('supplement.elderly70', [{ idNumber: person('1951-06-01') }])],
    ['SUPPLEMENT_ELDERLY80_MISSING', 'paid short by the 80+ supplement fires; one fen less short does not', ...lacking('supplement.elderly80', [{ idNumber: person('1941-06-01') }])],
    ['SUPPLEMENT_MINOR_MISSING', 'a child of 10, short by the minor supplement fires; one fen less does not', ...lacking('supplement.minor', [{}, { idNumber: person('2016-06-01'), relation: 'child', monthlyIncome: 0, laborAbility: 'none' }])],
    ['SUPPLEMENT_SEVERE_DISABILITY_MISSING', 'grade 2, short by the supplement fires; one fen less does not', ...lacking('supplement.severeDisability', [{ disability: { category: 'physical', grade: 2 } }])],
    ['SUPPLEMENT_SERIOUS_ILLNESS_MISSING', 'seriously ill, short by the supplement fires; one fen less does not', ...lacking('supplement.seriousIllness', [illMember])],
    ['MEDICAL_AID_NOT_REFERRED', 'seriously ill without a MEDICAL_AID referral fires; referred does not', { members: [illMember], active: D }, { members: [illMember], active: D, programmes: ['MEDICAL_AID'] }],
    ['EDUCATION_AID_NOT_REFERRED', 'a pupil without EDUCATION_AID fires; referred does not', { members: [{}, { idNumber: person('2012-03-03'), relation: 'child', inSchool: true, monthlyIncome: 0 }], active: D }, { members: [{}, { idNumber: person('2012-03-03'), relation: 'child', inSchool: true, monthlyIncome: 0 }], active: D, programmes: ['EDUCATION_AID'] }],
    ['CHILD_REHABILITATION_NOT_REFERRED', 'a disabled child of 17 fires; 18 today does not', { members: [{}, { idNumber: person('2009-01-16'), relation: 'child', disability: { category: 'hearing', grade: 3 }, monthlyIncome: 0 }], active: D }, { members: [{}, { idNumber: person('2009-01-15'), relation: 'child', disability: { category: 'hearing', grade: 3 }, monthlyIncome: 0 }], active: D }],
    ['HOUSING_RENOVATION_NOT_REFERRED', 'unsafe rural housing fires; urban (no 农村危房改造) does not', { members: [{}], extra: { livingConditions: { housingSafe: false, drinkingWaterSafe: true } }, active: D }, { members: [{}], extra: { hukouType: 'urban', livingConditions: { housingSafe: false, drinkingWaterSafe: true } }, active: D }],
    ['ELECTRICITY_SUBSIDY_NOT_REFERRED', 'with a member of 70 today fires; 70 tomorrow does not', { members: [{ idNumber: person('1957-01-15') }], active: D }, { members: [{ idNumber: person('1957-01-16') }], active: D }],
    ['HIGH_MEDICAL_COST_NO_CHARITY', 'medical spending above the key-recipient threshold fires; exactly at it does not', { members: [{}], extra: { rigidExpenditure12m: { medical: keyRecipient + 0.01, education: 0, rehabilitation: 0 } }, active: D }, { members: [{}], extra: { rigidExpenditure12m: { medical: keyRecipient, education: 0, rehabilitation: 0 } }, active: D }],
    ['WOMEN_SERIOUS_ILLNESS_NOT_REFERRED', 'a seriously ill woman fires; a seriously ill man does not', { members: [{ idNumber: person('1975-02-02', true), seriousIllness: true }], active: D }, { members: [{ idNumber: person('1975-02-02'), seriousIllness: true }], active: D }],
    ['SUPPORT_CLAIM_LEGAL_AID', 'a 65-year-old below the standard with an able supporter fires; the supporter unable does not', { members: [{ idNumber: person('1961-06-06') }], active: D }, { members: [{ idNumber: person('1961-06-06') }], extra: { supporters: [{ name: 's', idNumber: residentId('610124', '1975-01-01', 9), able: false }] }, active: D }],
    ['TEMPORARY_SPENDING_AID_SUGGESTED', 'an edge household spending 1,200.01 against 1,200 income fires; 1,200 does not', { members: [{}], extra: { rigidExpenditure12m: { medical: 1200.01, education: 0, rehabilitation: 0 } }, active: ['DIBAO_EDGE'] }, { members: [{}], extra: { rigidExpenditure12m: { medical: 1200, education: 0, rehabilitation: 0 } }, active: ['DIBAO_EDGE'] }],
    ['EDGE_DISABLED_NO_LIVING_SUBSIDY', 'widened locally fires; not widened does not', { members: [{ disability: { category: 'visual', grade: 3 } }], active: ['DIBAO_EDGE'], tweak: (x) => (x[parameterIndex('disability.livingSubsidy.widenToEdge')] = 1) }, { members: [{ disability: { category: 'visual', grade: 3 } }], active: ['DIBAO_EDGE'] }],
    ['SINGLE_PERSON_DIBAO', 'grade 2 in an edge household fires; grade 3 does not', { members: [{}, { disability: { category: 'physical', grade: 2 } }], active: ['DIBAO_EDGE'] }, { members: [{}, { disability: { category: 'physical', grade: 3 } }], active: ['DIBAO_EDGE'] }],
    ['ORPHAN_STUDENT_SUPPORT_MISSING', 'an orphan student of 21 fires; 22 today does not', { members: [{}, { idNumber: person('2005-01-16'), relation: 'grandchild', orphaned: true, inSchool: true, monthlyIncome: 0 }], active: D }, { members: [{}, { idNumber: person('2005-01-15'), relation: 'grandchild', orphaned: true, inSchool: true, monthlyIncome: 0 }], active: D }],
    ['TEKUN_NO_CARE_SERVICE', 'TEKUN without a monthly order fires; with one does not', { members: [{ idNumber: person('1950-01-01'), laborAbility: 'none' }], extra: { supporters: [] }, active: ['TEKUN'] }, { members: [{ idNumber: person('1950-01-01'), laborAbility: 'none' }], extra: { supporters: [] }, active: ['TEKUN'], monthlyOrders: 1 }],
    ['SEVERE_DISABLED_NO_CARE_SERVICE', 'grade 1 without a service order fires; grade 2 does not', { members: [{ disability: { category: 'physical', grade: 1 } }], active: D }, { members: [{ disability: { category: 'physical', grade: 2 } }], active: D }],
    ['INCOME_NEAR_STANDARD', 'per-capita income at 90% of the standard fires; one fen below 90% does not', { members: [{ monthlyIncome: yuan(std * 0.9) }], active: D }, { members: [{ monthlyIncome: yuan(std * 0.9) - 0.01 }], active: D }],
    ['GRADUAL_EXIT_CANDIDATE', 'a worker lifting income to the standard fires; one fen below does not', { members: [{ monthlyIncome: yuan(std) }], active: D }, { members: [{ monthlyIncome: yuan(std) - 0.01 }], active: D }],
    ['DEPOSITS_OVER_CAP', 'deposits one fen above the cap fire; at the cap do not', { members: [{}], extra: { assets: { deposits: depositCap + 0.01, vehicles: [], properties: 1, businessRegistered: false } }, active: D }, { members: [{}], extra: { assets: { deposits: depositCap, vehicles: [], properties: 1, businessRegistered: false } }, active: D }],
    ['VEHICLE_OVER_CAP', 'a car one fen above the cap fires; for disability mobility does not', { members: [{}], extra: { assets: { deposits: 0, vehicles: [{ value: vehicleCap + 0.01 }], properties: 1, businessRegistered: false } }, active: D }, { members: [{}], extra: { assets: { deposits: 0, vehicles: [{ value: vehicleCap + 0.01, forDisabilityMobility: true }], properties: 1, businessRegistered: false } }, active: D }],
    ['BUSINESS_REGISTERED', 'a registered business fires; none does not', { members: [{}], extra: { assets: { deposits: 0, vehicles: [], properties: 1, businessRegistered: true } }, active: D }, { members: [{}], active: D }],
    ['MULTIPLE_PROPERTIES', 'two properties fire; one does not', { members: [{}], extra: { assets: { deposits: 0, vehicles: [], properties: 2, businessRegistered: false } }, active: D }, { members: [{}], active: D }],
    ['NO_INCOME_HOUSEHOLD', 'no income at all with a fully able adult fires; 0.01 yuan does not', { members: [{ laborAbility: 'full', monthlyIncome: 0 }], active: D }, { members: [{ laborAbility: 'full', monthlyIncome: 0.01 }], active: D }],
    ['DIBAO_AMOUNT_ABOVE_ENTITLED', 'paid one fen above the entitled amount fires; paid exactly does not', { members: [{}], active: D, paid: (e) => e + 1 }, { members: [{}], active: D, paid: (e) => e }],
    ['RIGID_NO_LONGER_QUALIFIES', 'no essential spending left fires; spending above half the income does not', { members: [{ monthlyIncome: 1000 }], active: ['RIGID_EXPENDITURE'] }, { members: [{ monthlyIncome: 1000 }], extra: { rigidExpenditure12m: { medical: 6000.01, education: 0, rehabilitation: 0 } }, active: ['RIGID_EXPENDITURE'] }],
    ['TEKUN_SUPPORTER_ABLE', 'an able supporter fires; none does not', { members: [{ idNumber: person('1950-01-01'), laborAbility: 'none' }], active: ['TEKUN'] }, { members: [{ idNumber: person('1950-01-01'), laborAbility: 'none' }], extra: { supporters: [] }, active: ['TEKUN'] }],
    ['TEKUN_MEMBER_CAN_WORK', 'a fully able adult of 30 fires; partly able does not', { members: [{ idNumber: person('1996-06-06'), laborAbility: 'full' }], extra: { supporters: [] }, active: ['TEKUN'] }, { members: [{ idNumber: person('1996-06-06'), laborAbility: 'partial' }], extra: { supporters: [] }, active: ['TEKUN'] }],
    ['ORPHAN_NO_LONGER_QUALIFIES', 'the orphan turned 18 (not in school) fires; 17 does not', { members: [{}, { idNumber: person('2009-01-15'), relation: 'grandchild', orphaned: true, monthlyIncome: 0 }], active: ['ORPHAN'] }, { members: [{}, { idNumber: person('2009-01-16'), relation: 'grandchild', orphaned: true, monthlyIncome: 0 }], active: ['ORPHAN'] }],
    ['LIVING_SUBSIDY_NO_DISABLED_MEMBER', 'no disabled member fires; one does not', { members: [{}], active: ['DIBAO', 'DISABILITY_LIVING_SUBSIDY'] }, { members: [{ disability: { category: 'speech', grade: 4 } }], active: ['DIBAO', 'DISABILITY_LIVING_SUBSIDY'] }],
    ['CARE_SUBSIDY_NO_SEVERE_DISABILITY', 'grade 3 fires; grade 2 does not', { members: [{ disability: { category: 'physical', grade: 3 } }], active: ['DIBAO', 'DISABILITY_CARE_SUBSIDY'] }, { members: [{ disability: { category: 'physical', grade: 2 } }], active: ['DIBAO', 'DISABILITY_CARE_SUBSIDY'] }],
    ['ADULT_STUDENT_22', 'a student of 22 today fires; 21 does not', { members: [{}, { idNumber: person('2005-01-15'), relation: 'child', inSchool: true, monthlyIncome: 0 }], active: D }, { members: [{}, { idNumber: person('2005-01-16'), relation: 'child', inSchool: true, monthlyIncome: 0 }], active: D }],
    ['ELDERLY_ALONE_70', 'alone and 70 today fires; 70 tomorrow does not', { members: [{ idNumber: person('1957-01-15'), laborAbility: 'none' }], active: D }, { members: [{ idNumber: person('1957-01-16'), laborAbility: 'none' }], active: D }],
    ['ELDERLY_90', '90 today fires; 90 tomorrow does not', { members: [{}, { idNumber: person('1937-01-15'), relation: 'parent', laborAbility: 'none' }], active: D }, { members: [{}, { idNumber: person('1937-01-16'), relation: 'parent', laborAbility: 'none' }], active: D }],
    ['ELDERLY_ONLY_HOUSEHOLD', 'a couple of 60 and 65 fires; 59 and 65 does not', { members: [{ idNumber: person('1967-01-15') }, { idNumber: person('1962-01-01') }], active: D }, { members: [{ idNumber: person('1967-01-16') }, { idNumber: person('1962-01-01') }], active: D }],
    ['SEVERE_DISABLED_ALONE', 'alone with grade 2 fires; grade 3 does not', { members: [{ disability: { category: 'visual', grade: 2 } }], active: D }, { members: [{ disability: { category: 'visual', grade: 3 } }], active: D }],
    ['CARE_GAP_ELDERLY_CARERS', 'a mentally ill son with parents of 70 and 72 fires; a parent of 69 does not', { members: [{ idNumber: person('1956-01-01'), laborAbility: 'none' }, { idNumber: person('1954-01-01'), relation: 'spouse', laborAbility: 'none' }, { idNumber: person('1987-05-05'), relation: 'child', disability: { category: 'mental', grade: 2 }, monthlyIncome: 0 }], active: D }, { members: [{ idNumber: person('1957-06-01'), laborAbility: 'none' }, { idNumber: person('1954-01-01'), relation: 'spouse', laborAbility: 'none' }, { idNumber: person('1987-05-05'), relation: 'child', disability: { category: 'mental', grade: 2 }, monthlyIncome: 0 }], active: D }],
    ['MINOR_HEAD_OF_HOUSEHOLD', 'a head of 17 fires; 18 today does not', { members: [{ idNumber: person('2009-01-16'), monthlyIncome: 0 }, { idNumber: person('2012-01-01'), relation: 'sibling', monthlyIncome: 0 }], active: D }, { members: [{ idNumber: person('2009-01-15'), monthlyIncome: 0 }, { idNumber: person('2012-01-01'), relation: 'sibling', monthlyIncome: 0 }], active: D }],
    ['CHILDREN_WITHOUT_WORKING_AGE_ADULT', 'a child with a grandparent of 65 only fires; with a parent of 40 does not', { members: [{ idNumber: person('1961-06-06'), laborAbility: 'none' }, { idNumber: person('2016-06-06'), relation: 'grandchild', monthlyIncome: 0 }], active: D }, { members: [{ idNumber: person('1986-06-06') }, { idNumber: person('2016-06-06'), relation: 'child', monthlyIncome: 0 }], active: D }],
  ];
}
