import { supplementFen } from './benefits.ts';
import { categoryIndex, type Trace } from './eligibility.ts';
import type { Household } from './household.ts';
import type { IndicatorCode } from './indicators.ts';
import { parameterIndex, type CompiledPolicy } from './policy.ts';

/**
 * The re-evaluation's table of household rules (the catalog's checks beyond the original
 * ones in monitoring.ts): each reads one household as evaluation parsed it, the eligibility
 * trace under the policy in force, the active categories, the DIBAO amount paid, the
 * programmes it is referred to and its service orders, and names the members it fires for
 * (-1: the household, reported on its head). Pure and cheap: it runs inside the monthly Scan.
 */
export interface RuleContext {
  h: Household;
  t: Trace;
  policy: CompiledPolicy;
  /** Ages on asOf, aligned with h.members. */
  ages: readonly number[];
  active: readonly string[];
  dibaoPaidFen: number;
  programmes: readonly string[];
  /** Active MONTHLY service orders of the household. */
  monthlyOrders: number;
}

export interface HouseholdRule {
  code: IndicatorCode;
  /** Member indices it fires for; -1 for the household as a whole. */
  check(c: RuleContext): number[];
}

const P = {
  urban: parameterIndex('dibao.standard.urban'),
  rural: parameterIndex('dibao.standard.rural'),
  depositMonths: parameterIndex('dibao.depositCapMonths'),
  vehicleCap: parameterIndex('dibao.vehicleValueCap'),
  s70: parameterIndex('supplement.elderly70'),
  s80: parameterIndex('supplement.elderly80'),
  sMinor: parameterIndex('supplement.minor'),
  sSevere: parameterIndex('supplement.severeDisability'),
  sIll: parameterIndex('supplement.seriousIllness'),
  widen: parameterIndex('disability.livingSubsidy.widenToEdge'),
  keyRecipient: parameterIndex('medical.rapidHelp.keyRecipient'),
};
const C = {
  DIBAO: categoryIndex('DIBAO'),
  TEKUN: categoryIndex('TEKUN'),
  RIGID: categoryIndex('RIGID_EXPENDITURE'),
};

const standardOf = (c: RuleContext) => c.policy.v[c.h.urban ? P.urban : P.rural]!;
const has = (c: RuleContext, cat: string) => c.active.includes(cat);
const assisted = (c: RuleContext) => ['DIBAO', 'TEKUN', 'DIBAO_EDGE', 'RIGID_EXPENDITURE', 'ORPHAN'].some((x) => c.active.includes(x));
const basic = (c: RuleContext) => has(c, 'DIBAO') || has(c, 'TEKUN');
const referred = (c: RuleContext, ...programmes: string[]) => programmes.some((p) => c.programmes.includes(p));
const members = (c: RuleContext, pred: (m: Household['members'][number], age: number, i: number) => boolean) =>
  c.h.members.flatMap((m, i) => (pred(m, c.ages[i]!, i) ? [i] : []));
const household = (fires: boolean) => (fires ? [-1] : []);
const annualIncomeFen = (c: RuleContext) => c.h.members.reduce((a, m) => a + m.monthlyIncomeFen, 0) * 12;
const working = (age: number) => age >= 16 && age < 60;

/** A DIBAO member's supplement the paid amount lacks: the shortfall covers at least that supplement. */
function supplementLacking(c: RuleContext, share: number, qualifies: (m: Household['members'][number], age: number) => boolean): number[] {
  if (!has(c, 'DIBAO') || !c.t.eligible[C.DIBAO]) return [];
  const supp = supplementFen(c.policy.v[share]!, standardOf(c));
  if (!(supp > 0)) return [];
  const shortfall = Math.round(c.t.amountFen[C.DIBAO]!) - c.dibaoPaidFen;
  return shortfall >= supp ? members(c, qualifies) : [];
}

export const HOUSEHOLD_RULES: readonly HouseholdRule[] = [
  // ---- RAPID_HELP
  { code: 'CATASTROPHIC_MEDICAL_EXPENDITURE', check: (c) => household(assisted(c) && c.h.medicalFen > Math.max(annualIncomeFen(c), 0) && c.h.medicalFen > 0) },

  // ---- DEMAND: supplements (分类施保) the paid DIBAO amount lacks
  { code: 'SUPPLEMENT_ELDERLY70_MISSING', check: (c) => supplementLacking(c, P.s70, (_m, a) => a >= 70 && a < 80) },
  { code: 'SUPPLEMENT_ELDERLY80_MISSING', check: (c) => supplementLacking(c, P.s80, (_m, a) => a >= 80) },
  { code: 'SUPPLEMENT_MINOR_MISSING', check: (c) => supplementLacking(c, P.sMinor, (_m, a) => a < 18) },
  { code: 'SUPPLEMENT_SEVERE_DISABILITY_MISSING', check: (c) => supplementLacking(c, P.sSevere, (m) => m.disability !== null && m.disability.grade <= 2) },
  { code: 'SUPPLEMENT_SERIOUS_ILLNESS_MISSING', check: (c) => supplementLacking(c, P.sIll, (m) => m.seriousIllness) },
  // ---- DEMAND: programmes a qualifying person lacks (一门受理)
  { code: 'MEDICAL_AID_NOT_REFERRED', check: (c) => (assisted(c) && !referred(c, 'MEDICAL_AID') ? members(c, (m) => m.seriousIllness) : []) },
  { code: 'EDUCATION_AID_NOT_REFERRED', check: (c) => (assisted(c) && !referred(c, 'EDUCATION_AID') ? members(c, (m) => m.inSchool) : []) },
  { code: 'CHILD_REHABILITATION_NOT_REFERRED', check: (c) => (assisted(c) && !referred(c, 'DISABILITY_REHABILITATION') ? members(c, (m, a) => a < 18 && m.disability !== null) : []) },
  { code: 'HOUSING_RENOVATION_NOT_REFERRED', check: (c) => household(assisted(c) && !c.h.housingSafe && !c.h.urban && !referred(c, 'HOUSING_RENOVATION')) },
  { code: 'ELECTRICITY_SUBSIDY_NOT_REFERRED', check: (c) => household(basic(c) && !referred(c, 'ELECTRICITY_SUBSIDY') && c.ages.some((a) => a >= 70)) },
  { code: 'HIGH_MEDICAL_COST_NO_CHARITY', check: (c) => household(basic(c) && c.h.medicalFen > c.policy.v[P.keyRecipient]! && c.policy.v[P.keyRecipient]! > 0 && !referred(c, 'CHARITY_AID', 'LITTLE_ANGEL_FUND', 'EMERGENCY_FUND')) },
  { code: 'WOMEN_SERIOUS_ILLNESS_NOT_REFERRED', check: (c) => (assisted(c) && !referred(c, 'WOMEN_ASSISTANCE') ? members(c, (m, a) => !m.male && m.seriousIllness && a >= 18) : []) },
  { code: 'SUPPORT_CLAIM_LEGAL_AID', check: (c) => (assisted(c) && c.h.members.length === 1 && c.h.supporters.some((s) => s.able) && !referred(c, 'LEGAL_AID') && c.t.perCapitaFen < standardOf(c) ? members(c, (_m, a) => a >= 60) : []) },
  { code: 'TEMPORARY_SPENDING_AID_SUGGESTED', check: (c) => household(!basic(c) && !has(c, 'TEMPORARY') && c.h.medicalFen + c.h.educationFen + c.h.rehabilitationFen > annualIncomeFen(c)) },
  { code: 'EDGE_DISABLED_NO_LIVING_SUBSIDY', check: (c) => (has(c, 'DIBAO_EDGE') && c.policy.v[P.widen] === 1 && !has(c, 'DISABILITY_LIVING_SUBSIDY') ? members(c, (m) => m.disability !== null) : []) },
  { code: 'SINGLE_PERSON_DIBAO', check: (c) => (has(c, 'DIBAO_EDGE') && !has(c, 'DIBAO') ? members(c, (m) => (m.disability !== null && m.disability.grade <= 2) || m.seriousIllness) : []) },
  { code: 'ORPHAN_STUDENT_SUPPORT_MISSING', check: (c) => (!has(c, 'ORPHAN') ? members(c, (m, a) => m.orphaned && m.inSchool && a >= 18 && a < 22) : []) },
  { code: 'TEKUN_NO_CARE_SERVICE', check: (c) => household(has(c, 'TEKUN') && c.monthlyOrders === 0) },
  { code: 'SEVERE_DISABLED_NO_CARE_SERVICE', check: (c) => (assisted(c) && c.monthlyOrders === 0 ? members(c, (m) => m.disability !== null && m.disability.grade === 1) : []) },

  // ---- DYNAMIC: economic situation
  { code: 'INCOME_NEAR_STANDARD', check: (c) => household(has(c, 'DIBAO') && c.t.perCapitaFen * 10 >= standardOf(c) * 9 && c.t.perCapitaFen < standardOf(c)) },
  { code: 'GRADUAL_EXIT_CANDIDATE', check: (c) => household(has(c, 'DIBAO') && c.t.perCapitaFen >= standardOf(c) && c.h.members.some((m, i) => working(c.ages[i]!) && m.monthlyIncomeFen > 0)) },
  { code: 'DEPOSITS_OVER_CAP', check: (c) => household(has(c, 'DIBAO') && c.h.depositsFen > standardOf(c) * c.policy.v[P.depositMonths]! * c.h.members.length) },
  { code: 'VEHICLE_OVER_CAP', check: (c) => household(has(c, 'DIBAO') && c.h.vehicles.some((v) => !v.forDisabilityMobility && v.valueFen > c.policy.v[P.vehicleCap]!)) },
  { code: 'BUSINESS_REGISTERED', check: (c) => household(basic(c) && c.h.businessRegistered) },
  { code: 'MULTIPLE_PROPERTIES', check: (c) => household(basic(c) && c.h.properties >= 2) },
  { code: 'NO_INCOME_HOUSEHOLD', check: (c) => household(has(c, 'DIBAO') && c.h.members.every((m) => m.monthlyIncomeFen === 0) && c.h.members.some((m, i) => working(c.ages[i]!) && m.laborAbility === 'full' && !m.inSchool)) },
  { code: 'DIBAO_AMOUNT_ABOVE_ENTITLED', check: (c) => household(has(c, 'DIBAO') && !!c.t.eligible[C.DIBAO] && c.dibaoPaidFen > Math.round(c.t.amountFen[C.DIBAO]!)) },
  { code: 'RIGID_NO_LONGER_QUALIFIES', check: (c) => household(has(c, 'RIGID_EXPENDITURE') && !c.t.eligible[C.RIGID]) },
  { code: 'TEKUN_SUPPORTER_ABLE', check: (c) => household(has(c, 'TEKUN') && c.h.supporters.some((s) => s.able)) },
  { code: 'TEKUN_MEMBER_CAN_WORK', check: (c) => (has(c, 'TEKUN') ? members(c, (m, a) => a >= 18 && a < 60 && m.laborAbility === 'full') : []) },
  { code: 'ORPHAN_NO_LONGER_QUALIFIES', check: (c) => household(has(c, 'ORPHAN') && !c.h.members.some((m, i) => m.orphaned && (c.ages[i]! < 18 || (m.inSchool && c.ages[i]! < 22)))) },
  { code: 'LIVING_SUBSIDY_NO_DISABLED_MEMBER', check: (c) => household(has(c, 'DISABILITY_LIVING_SUBSIDY') && !c.h.members.some((m) => m.disability !== null)) },
  { code: 'CARE_SUBSIDY_NO_SEVERE_DISABILITY', check: (c) => household(has(c, 'DISABILITY_CARE_SUBSIDY') && !c.h.members.some((m) => m.disability !== null && m.disability.grade <= 2)) },
  { code: 'ADULT_STUDENT_22', check: (c) => (assisted(c) ? members(c, (m, a) => m.inSchool && a >= 22) : []) },
  // ---- DYNAMIC: age, health, survival (who looks after whom)
  { code: 'ELDERLY_ALONE_70', check: (c) => (assisted(c) && c.h.members.length === 1 && c.ages[0]! >= 70 && c.ages[0]! < 80 ? [0] : []) },
  { code: 'ELDERLY_90', check: (c) => (assisted(c) ? members(c, (_m, a) => a >= 90) : []) },
  { code: 'ELDERLY_ONLY_HOUSEHOLD', check: (c) => household(assisted(c) && c.h.members.length >= 2 && c.ages.every((a) => a >= 60)) },
  { code: 'SEVERE_DISABLED_ALONE', check: (c) => (assisted(c) && c.h.members.length === 1 && c.h.members[0]!.disability !== null && c.h.members[0]!.disability.grade <= 2 ? [0] : []) },
  { code: 'CARE_GAP_ELDERLY_CARERS', check: (c) => (assisted(c) ? members(c, (m, _a, i) => m.disability !== null && (m.disability.category === 'mental' || m.disability.category === 'intellectual') && m.disability.grade <= 3 && c.h.members.length > 1 && c.h.members.every((_o, j) => j === i || c.ages[j]! >= 70)) : []) },
  { code: 'MINOR_HEAD_OF_HOUSEHOLD', check: (c) => (assisted(c) ? members(c, (m, a) => m.relation === 'self' && a < 18) : []) },
  { code: 'CHILDREN_WITHOUT_WORKING_AGE_ADULT', check: (c) => (assisted(c) && !c.ages.some((a) => a >= 18 && a < 60) ? members(c, (_m, a) => a < 16) : []) },
];
