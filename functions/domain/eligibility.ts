import { dibaoGapFen, fenToYuan, perCapitaFen, roundFen, supplementFen } from './benefits.ts';
import { ageAt, dateToInt, type Household, type Member } from './household.ts';
import { parameterIndex, PARAMETERS, type CompiledPolicy, type ParameterName } from './policy.ts';
import { maskId } from './resident-id.ts';

/**
 * Eligibility for the layered categories of DOMAIN.md, with a reason for every rule.
 *
 * Two layers:
 * - `evaluateInto(trace, household, policy, asOf)`: the engine. Writes every rule's outcome
 *   (rule, parameter, member, passed, actual, limit, amount) into a reusable `Trace` made of
 *   typed arrays, and each category's eligibility, amount and members. No per-household
 *   object allocation: batch runs and the benchmark reuse one Trace.
 * - `materialize(trace, household, policy)` / `evaluateEligibility(...)`: the API's JSON
 *   (yuan numbers, masked IDs, rule ids, references, the policy values used).
 *
 * Exclusions: TEKUN excludes DIBAO; DIBAO_EDGE needs neither DIBAO nor TEKUN; RIGID_EXPENDITURE
 * needs none of the three; orphans supported as ORPHAN are not counted in TEKUN; the disability
 * living subsidy needs a DIBAO household (or DIBAO_EDGE where the region widens it).
 */

export const CATEGORY_CODES = [
  'DIBAO',
  'TEKUN',
  'DIBAO_EDGE',
  'RIGID_EXPENDITURE',
  'ORPHAN',
  'DISABILITY_LIVING_SUBSIDY',
  'DISABILITY_CARE_SUBSIDY',
  'TEMPORARY',
] as const;
export type CategoryCode = (typeof CATEGORY_CODES)[number];
const DIBAO = 0,
  TEKUN = 1,
  EDGE = 2,
  RIGID = 3,
  ORPHAN = 4,
  DLS = 5,
  DCS = 6,
  TEMPORARY = 7;
const NCAT = CATEGORY_CODES.length;

/** Legal bases (national). Local values carry their own reference in the policy trace. */
export const REFS = {
  dibao: '社会救助暂行办法 第九条；最低生活保障审核确认办法（民发〔2021〕57号）',
  dibaoAssets: '最低生活保障审核确认办法（民发〔2021〕57号）家庭财产状况认定',
  dibaoAmount: '社会救助暂行办法 第十二条第一款',
  supplement: '社会救助暂行办法 第十二条第二款（分类施保）',
  living: '庄浪县“两项政策”衔接并轨试点：低保认定新增住房和饮水安全指标（《瞭望》2025）',
  tekun: '社会救助暂行办法 第十四条；特困人员认定办法（民发〔2021〕43号）第六条',
  tekunIncapacity: '特困人员认定办法（民发〔2021〕43号）第七条',
  tekunLivelihood: '特困人员认定办法（民发〔2021〕43号）第八条',
  tekunSupporters: '特困人员认定办法（民发〔2021〕43号）第六条第（三）项',
  edge: '关于加强低收入人口动态监测做好分层分类社会救助工作的意见（国办函〔2023〕39号）低保边缘家庭',
  rigid: '关于加强低收入人口动态监测做好分层分类社会救助工作的意见（国办函〔2023〕39号）刚性支出困难家庭',
  orphan: '国务院办公厅关于加强孤儿保障工作的意见（国办发〔2010〕54号）',
  disability: '国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见（国发〔2015〕52号）',
  temporary: '社会救助暂行办法 第十章（临时救助）',
} as const;

type Unit = 'yuan' | 'age' | 'grade' | 'count' | 'flag' | 'none';

export interface RuleMeta {
  id: string;
  category: CategoryCode;
  unit: Unit;
  reference: string;
  /** Reported but does not decide eligibility. */
  informational?: boolean;
  description: string;
}

const RULE_LIST = [
  // DIBAO
  { id: 'dibao.income.belowStandard', category: 'DIBAO', unit: 'yuan', reference: REFS.dibao, description: 'per-capita monthly income < dibao standard' },
  { id: 'dibao.assets.deposits', category: 'DIBAO', unit: 'yuan', reference: REFS.dibaoAssets, description: 'deposits ≤ standard × months × members' },
  { id: 'dibao.assets.vehicle', category: 'DIBAO', unit: 'yuan', reference: REFS.dibaoAssets, description: 'no vehicle above the cap (mobility vehicles of disabled members exempt)' },
  { id: 'dibao.living.housingAndWaterSafe', category: 'DIBAO', unit: 'flag', reference: REFS.living, informational: true, description: 'housing and drinking water safe (indicator; unsafe flags the case for the caseworker)' },
  { id: 'dibao.exclusion.notTekun', category: 'DIBAO', unit: 'flag', reference: REFS.tekun, description: 'not supported as TEKUN' },
  { id: 'dibao.amount.gap', category: 'DIBAO', unit: 'yuan', reference: REFS.dibaoAmount, description: '(standard − per-capita income) × members' },
  { id: 'dibao.supplement.elderly70', category: 'DIBAO', unit: 'age', reference: REFS.supplement, description: 'member aged 70–79' },
  { id: 'dibao.supplement.elderly80', category: 'DIBAO', unit: 'age', reference: REFS.supplement, description: 'member aged 80 or more' },
  { id: 'dibao.supplement.minor', category: 'DIBAO', unit: 'age', reference: REFS.supplement, description: 'member under 18' },
  { id: 'dibao.supplement.severeDisability', category: 'DIBAO', unit: 'grade', reference: REFS.supplement, description: 'member with disability grade 1–2' },
  { id: 'dibao.supplement.seriousIllness', category: 'DIBAO', unit: 'flag', reference: REFS.supplement, description: 'seriously ill member' },
  // TEKUN
  { id: 'tekun.noWorkingCapacity', category: 'TEKUN', unit: 'age', reference: REFS.tekunIncapacity, description: 'member has no working capacity (age ≥ 60, minor, or disability of the listed grades); actual = age' },
  { id: 'tekun.noLivelihood.income', category: 'TEKUN', unit: 'yuan', reference: REFS.tekunLivelihood, description: 'per-capita monthly income < dibao standard' },
  { id: 'tekun.noLivelihood.deposits', category: 'TEKUN', unit: 'yuan', reference: REFS.tekunLivelihood, description: 'deposits within the dibao cap' },
  { id: 'tekun.noLivelihood.vehicle', category: 'TEKUN', unit: 'yuan', reference: REFS.tekunLivelihood, description: 'no vehicle above the dibao cap' },
  { id: 'tekun.noAbleSupporter', category: 'TEKUN', unit: 'count', reference: REFS.tekunSupporters, description: 'legal supporters able to support' },
  { id: 'tekun.exclusion.orphanSupport', category: 'TEKUN', unit: 'count', reference: REFS.orphan, description: 'members left after orphans (who get ORPHAN support instead)' },
  { id: 'tekun.amount.standard', category: 'TEKUN', unit: 'count', reference: REFS.tekun, description: 'tekun standard × supported members' },
  // DIBAO_EDGE
  { id: 'dibaoEdge.exclusion.notDibaoOrTekun', category: 'DIBAO_EDGE', unit: 'flag', reference: REFS.edge, description: 'not DIBAO and not TEKUN' },
  { id: 'dibaoEdge.income.belowMultiple', category: 'DIBAO_EDGE', unit: 'yuan', reference: REFS.edge, description: 'per-capita monthly income < dibao standard × multiplier' },
  { id: 'dibaoEdge.assets.deposits', category: 'DIBAO_EDGE', unit: 'yuan', reference: REFS.edge, description: 'deposits ≤ standard × months × members' },
  { id: 'dibaoEdge.assets.vehicle', category: 'DIBAO_EDGE', unit: 'yuan', reference: REFS.edge, description: 'no vehicle above the cap' },
  // RIGID_EXPENDITURE
  { id: 'rigid.exclusion.notInOtherLayers', category: 'RIGID_EXPENDITURE', unit: 'flag', reference: REFS.rigid, description: 'not DIBAO, TEKUN or DIBAO_EDGE' },
  { id: 'rigid.income.belowAnnualLimit', category: 'RIGID_EXPENDITURE', unit: 'yuan', reference: REFS.rigid, description: "per-capita income × 12 < last year's local per-capita disposable income" },
  { id: 'rigid.expenditure.aboveShare', category: 'RIGID_EXPENDITURE', unit: 'yuan', reference: REFS.rigid, description: 'essential spending in 12 months (medical, education, rehabilitation) > share × annual household income' },
  { id: 'rigid.assets.deposits', category: 'RIGID_EXPENDITURE', unit: 'yuan', reference: REFS.rigid, description: 'deposits ≤ dibao standard × months × members' },
  // ORPHAN
  { id: 'orphan.parentsLost', category: 'ORPHAN', unit: 'count', reference: REFS.orphan, description: 'members who lost both parents or whose parents are untraceable' },
  { id: 'orphan.under18', category: 'ORPHAN', unit: 'age', reference: REFS.orphan, description: 'orphaned member under 18' },
  // DISABILITY_LIVING_SUBSIDY
  { id: 'disabilityLiving.dibaoHousehold', category: 'DISABILITY_LIVING_SUBSIDY', unit: 'flag', reference: REFS.disability, description: 'household is DIBAO (or DIBAO_EDGE where widened locally)' },
  { id: 'disabilityLiving.disabledMembers', category: 'DISABILITY_LIVING_SUBSIDY', unit: 'count', reference: REFS.disability, description: 'members with a disability certificate' },
  { id: 'disabilityLiving.amount', category: 'DISABILITY_LIVING_SUBSIDY', unit: 'grade', reference: REFS.disability, description: 'subsidy for a disabled member' },
  // DISABILITY_CARE_SUBSIDY
  { id: 'disabilityCare.severeMembers', category: 'DISABILITY_CARE_SUBSIDY', unit: 'count', reference: REFS.disability, description: 'members with disability grade 1–2 (long-term care needs assumed)' },
  { id: 'disabilityCare.severeGrade', category: 'DISABILITY_CARE_SUBSIDY', unit: 'grade', reference: REFS.disability, description: 'disabled member’s grade ≤ 2' },
  // TEMPORARY
  { id: 'temporary.caseworkerAssessment', category: 'TEMPORARY', unit: 'none', reference: REFS.temporary, informational: true, description: 'emergency and spending-type aid is decided case by case by a caseworker: the household model holds no emergency facts, so it is never granted automatically' },
] as const satisfies readonly RuleMeta[];

export type RuleId = (typeof RULE_LIST)[number]['id'];
export const RULES: readonly RuleMeta[] = RULE_LIST;
const R = Object.fromEntries(RULE_LIST.map((r, i) => [r.id, i])) as Record<RuleId, number>;
const RULE_CATEGORY = Uint8Array.from(RULE_LIST.map((r) => CATEGORY_CODES.indexOf(r.category)));

/** Why a member has no working capacity (TEKUN): a static label, no allocation. */
export const BASES = ['', 'age ≥ 60', 'age < 16', 'minor 16–17 (support kept to 18)', 'in full-time education', 'disability grade', 'has working capacity'] as const;
const B_AGE60 = 1,
  B_UNDER16 = 2,
  B_MINOR = 3,
  B_STUDENT = 4,
  B_DISABILITY = 5,
  B_CAPABLE = 6;

// Parameter indexes, resolved once.
const P = (n: ParameterName) => parameterIndex(n);
const P_STD_URBAN = P('dibao.standard.urban'),
  P_STD_RURAL = P('dibao.standard.rural'),
  P_DIBAO_MONTHS = P('dibao.depositCapMonths'),
  P_DIBAO_VEHICLE = P('dibao.vehicleValueCap'),
  P_LIVING_CHECK = P('dibao.livingConditionsCheck'),
  P_EDGE_MULT = P('dibaoEdge.incomeMultiplier'),
  P_EDGE_MONTHS = P('dibaoEdge.depositCapMonths'),
  P_EDGE_VEHICLE = P('dibaoEdge.vehicleValueCap'),
  P_RIGID_INCOME = P('rigid.incomeLimitAnnual'),
  P_RIGID_SHARE = P('rigid.expenditureShare'),
  P_RIGID_MONTHS = P('rigid.depositCapMonths'),
  P_TEKUN_STD = P('tekun.standard'),
  P_SUP70 = P('supplement.elderly70'),
  P_SUP80 = P('supplement.elderly80'),
  P_SUP_MINOR = P('supplement.minor'),
  P_SUP_SEVERE = P('supplement.severeDisability'),
  P_SUP_ILL = P('supplement.seriousIllness'),
  P_LIVING = P('disability.livingSubsidy'),
  P_LIVING_WIDEN = P('disability.livingSubsidy.widenToEdge'),
  P_CARE1 = P('disability.careSubsidy.grade1'),
  P_CARE2 = P('disability.careSubsidy.grade2'),
  P_ORPHAN = P('orphan.basicLiving');
const NO_PARAM = -1;

/**
 * One evaluation's outcome in typed arrays (struct of arrays). Reuse one per thread of work:
 * `evaluateInto` resets it. Money is fen; absent limits/amounts are NaN.
 */
export class Trace {
  n = 0;
  private cap: number;
  rule: Uint16Array;
  param: Int16Array;
  member: Int8Array;
  passed: Uint8Array;
  basis: Uint8Array;
  actual: Float64Array;
  limit: Float64Array;
  amount: Float64Array;
  readonly eligible = new Uint8Array(NCAT);
  readonly amountFen = new Float64Array(NCAT);
  /** Bit i set = member i belongs to the category's result. */
  readonly memberMask = new Uint32Array(NCAT);
  readonly ages = new Int16Array(32);
  perCapitaFen = 0;
  totalIncomeFen = 0;
  asOf = 0;

  constructor(capacity = 64) {
    this.cap = capacity;
    this.rule = new Uint16Array(capacity);
    this.param = new Int16Array(capacity);
    this.member = new Int8Array(capacity);
    this.passed = new Uint8Array(capacity);
    this.basis = new Uint8Array(capacity);
    this.actual = new Float64Array(capacity);
    this.limit = new Float64Array(capacity);
    this.amount = new Float64Array(capacity);
  }

  reset(): void {
    this.n = 0;
    this.eligible.fill(0);
    this.amountFen.fill(0);
    this.memberMask.fill(0);
  }

  push(rule: number, param: number, member: number, passed: boolean, actual: number, limit: number, amount: number, basis: number): boolean {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.rule[i] = rule;
    this.param[i] = param;
    this.member[i] = member;
    this.passed[i] = passed ? 1 : 0;
    this.actual[i] = actual;
    this.limit[i] = limit;
    this.amount[i] = amount;
    this.basis[i] = basis;
    return passed;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Uint16Array | Int16Array | Int8Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.rule = g(this.rule, (n) => new Uint16Array(n));
    this.param = g(this.param, (n) => new Int16Array(n));
    this.member = g(this.member, (n) => new Int8Array(n));
    this.passed = g(this.passed, (n) => new Uint8Array(n));
    this.basis = g(this.basis, (n) => new Uint8Array(n));
    this.actual = g(this.actual, (n) => new Float64Array(n));
    this.limit = g(this.limit, (n) => new Float64Array(n));
    this.amount = g(this.amount, (n) => new Float64Array(n));
    this.cap = cap;
  }
}

function incapacityBasis(m: Member, age: number): number {
  if (age >= 60) return B_AGE60;
  if (age < 16) return B_UNDER16;
  const d = m.disability;
  if (d) {
    const g = d.grade;
    if ((d.category === 'intellectual' || d.category === 'mental') && g <= 3) return B_DISABILITY;
    if ((d.category === 'physical' || d.category === 'multiple') && g <= 2) return B_DISABILITY;
    if (d.category === 'visual' && g === 1) return B_DISABILITY;
  }
  if (age < 18) return B_MINOR;
  if (m.inSchool) return B_STUDENT;
  return B_CAPABLE;
}

/**
 * Evaluates every category for `h` under `policy` on `asOf` (YYYY-MM-DD or a yyyymmdd
 * integer) into `t`. Allocation-free apart from the trace growing past its capacity.
 */
export function evaluateInto(t: Trace, h: Household, policy: CompiledPolicy, asOf: string | number): Trace {
  const v = policy.v;
  const asOfInt = typeof asOf === 'number' ? asOf : dateToInt(asOf);
  t.reset();
  t.asOf = asOfInt;
  const members = h.members;
  const n = members.length;
  const ages = t.ages;

  // Facts.
  let total = 0;
  let disabledMask = 0;
  let disabledCount = 0;
  for (let i = 0; i < n; i++) {
    const m = members[i]!;
    ages[i] = ageAt(m.birth, asOfInt);
    total += m.monthlyIncomeFen;
    if (m.disability) {
      disabledMask |= 1 << i;
      disabledCount++;
    }
  }
  const perCapita = perCapitaFen(total, n);
  t.totalIncomeFen = total;
  t.perCapitaFen = perCapita;
  let maxVehicle = 0;
  for (let i = 0; i < h.vehicles.length; i++) {
    const veh = h.vehicles[i]!;
    // The mobility exemption needs a disabled member to be mobile for.
    if (veh.forDisabilityMobility && disabledCount > 0) continue;
    if (veh.valueFen > maxVehicle) maxVehicle = veh.valueFen;
  }
  const stdParam = h.urban ? P_STD_URBAN : P_STD_RURAL;
  const std = v[stdParam]!;
  const deposits = h.depositsFen;
  const allMask = n >= 32 ? 0xffffffff : (1 << n) - 1;

  // ORPHAN first: TEKUN leaves orphans to it.
  let orphanedCount = 0;
  for (let i = 0; i < n; i++) if (members[i]!.orphaned) orphanedCount++;
  let orphanMask = 0;
  let orphanCount = 0;
  let orphanOk = t.push(R['orphan.parentsLost'], NO_PARAM, -1, orphanedCount >= 1, orphanedCount, 1, NaN, 0);
  for (let i = 0; i < n; i++) {
    if (!members[i]!.orphaned) continue;
    const ok = t.push(R['orphan.under18'], P_ORPHAN, i, ages[i]! < 18, ages[i]!, 18, ages[i]! < 18 ? v[P_ORPHAN]! : NaN, 0);
    if (ok) {
      orphanMask |= 1 << i;
      orphanCount++;
    }
  }
  orphanOk = orphanOk && orphanCount > 0;
  if (orphanOk) {
    t.eligible[ORPHAN] = 1;
    t.amountFen[ORPHAN] = v[P_ORPHAN]! * orphanCount;
    t.memberMask[ORPHAN] = orphanMask;
  }

  // TEKUN: all three conditions, for every member.
  let tekunOk = true;
  for (let i = 0; i < n; i++) {
    const b = incapacityBasis(members[i]!, ages[i]!);
    if (!t.push(R['tekun.noWorkingCapacity'], NO_PARAM, i, b !== B_CAPABLE, ages[i]!, NaN, NaN, b)) tekunOk = false;
  }
  const dibaoDepositCap = std * v[P_DIBAO_MONTHS]! * n;
  const dibaoVehicleCap = v[P_DIBAO_VEHICLE]!;
  const incomeOk = perCapita < std;
  const dibaoDepositsOk = deposits <= dibaoDepositCap;
  const dibaoVehicleOk = maxVehicle <= dibaoVehicleCap;
  if (!t.push(R['tekun.noLivelihood.income'], stdParam, -1, incomeOk, perCapita, std, NaN, 0)) tekunOk = false;
  if (!t.push(R['tekun.noLivelihood.deposits'], P_DIBAO_MONTHS, -1, dibaoDepositsOk, deposits, dibaoDepositCap, NaN, 0)) tekunOk = false;
  if (!t.push(R['tekun.noLivelihood.vehicle'], P_DIBAO_VEHICLE, -1, dibaoVehicleOk, maxVehicle, dibaoVehicleCap, NaN, 0)) tekunOk = false;
  let ableSupporters = 0;
  for (let i = 0; i < h.supporters.length; i++) if (h.supporters[i]!.able) ableSupporters++;
  if (!t.push(R['tekun.noAbleSupporter'], NO_PARAM, -1, ableSupporters === 0, ableSupporters, 0, NaN, 0)) tekunOk = false;
  const tekunCount = n - orphanCount;
  if (!t.push(R['tekun.exclusion.orphanSupport'], NO_PARAM, -1, tekunCount >= 1, tekunCount, 1, NaN, 0)) tekunOk = false;
  if (tekunOk) {
    const amount = v[P_TEKUN_STD]! * tekunCount;
    t.push(R['tekun.amount.standard'], P_TEKUN_STD, -1, true, tekunCount, NaN, amount, 0);
    t.eligible[TEKUN] = 1;
    t.amountFen[TEKUN] = amount;
    t.memberMask[TEKUN] = allMask & ~orphanMask;
  }

  // DIBAO.
  let dibaoOk = t.push(R['dibao.income.belowStandard'], stdParam, -1, incomeOk, perCapita, std, NaN, 0);
  dibaoOk = t.push(R['dibao.assets.deposits'], P_DIBAO_MONTHS, -1, dibaoDepositsOk, deposits, dibaoDepositCap, NaN, 0) && dibaoOk;
  dibaoOk = t.push(R['dibao.assets.vehicle'], P_DIBAO_VEHICLE, -1, dibaoVehicleOk, maxVehicle, dibaoVehicleCap, NaN, 0) && dibaoOk;
  if (v[P_LIVING_CHECK] === 1) {
    const safe = h.housingSafe && h.drinkingWaterSafe;
    t.push(R['dibao.living.housingAndWaterSafe'], P_LIVING_CHECK, -1, safe, safe ? 1 : 0, 1, NaN, 0);
  }
  dibaoOk = t.push(R['dibao.exclusion.notTekun'], NO_PARAM, -1, !tekunOk, tekunOk ? 1 : 0, 0, NaN, 0) && dibaoOk;
  if (dibaoOk) {
    let amount = dibaoGapFen(std, perCapita, n);
    t.push(R['dibao.amount.gap'], stdParam, -1, true, perCapita, std, amount, 0);
    const s70 = supplementFen(v[P_SUP70]!, std),
      s80 = supplementFen(v[P_SUP80]!, std),
      sMinor = supplementFen(v[P_SUP_MINOR]!, std),
      sSevere = supplementFen(v[P_SUP_SEVERE]!, std),
      sIll = supplementFen(v[P_SUP_ILL]!, std);
    for (let i = 0; i < n; i++) {
      const m = members[i]!;
      const age = ages[i]!;
      if (age >= 80) {
        t.push(R['dibao.supplement.elderly80'], P_SUP80, i, true, age, 80, s80, 0);
        amount += s80;
      } else if (age >= 70) {
        t.push(R['dibao.supplement.elderly70'], P_SUP70, i, true, age, 70, s70, 0);
        amount += s70;
      }
      if (age < 18) {
        t.push(R['dibao.supplement.minor'], P_SUP_MINOR, i, true, age, 18, sMinor, 0);
        amount += sMinor;
      }
      if (m.disability && m.disability.grade <= 2) {
        t.push(R['dibao.supplement.severeDisability'], P_SUP_SEVERE, i, true, m.disability.grade, 2, sSevere, 0);
        amount += sSevere;
      }
      if (m.seriousIllness) {
        t.push(R['dibao.supplement.seriousIllness'], P_SUP_ILL, i, true, 1, 1, sIll, 0);
        amount += sIll;
      }
    }
    t.eligible[DIBAO] = 1;
    t.amountFen[DIBAO] = amount;
    t.memberMask[DIBAO] = allMask;
  }

  // DIBAO_EDGE.
  let edgeOk = t.push(R['dibaoEdge.exclusion.notDibaoOrTekun'], NO_PARAM, -1, !dibaoOk && !tekunOk, dibaoOk || tekunOk ? 1 : 0, 0, NaN, 0);
  const edgeIncomeLimit = roundFen(std * v[P_EDGE_MULT]!);
  edgeOk = t.push(R['dibaoEdge.income.belowMultiple'], P_EDGE_MULT, -1, perCapita < edgeIncomeLimit, perCapita, edgeIncomeLimit, NaN, 0) && edgeOk;
  const edgeDepositCap = std * v[P_EDGE_MONTHS]! * n;
  edgeOk = t.push(R['dibaoEdge.assets.deposits'], P_EDGE_MONTHS, -1, deposits <= edgeDepositCap, deposits, edgeDepositCap, NaN, 0) && edgeOk;
  const edgeVehicleCap = v[P_EDGE_VEHICLE]!;
  edgeOk = t.push(R['dibaoEdge.assets.vehicle'], P_EDGE_VEHICLE, -1, maxVehicle <= edgeVehicleCap, maxVehicle, edgeVehicleCap, NaN, 0) && edgeOk;
  if (edgeOk) {
    t.eligible[EDGE] = 1;
    t.memberMask[EDGE] = allMask;
  }

  // RIGID_EXPENDITURE.
  const inLayer = dibaoOk || tekunOk || edgeOk;
  let rigidOk = t.push(R['rigid.exclusion.notInOtherLayers'], NO_PARAM, -1, !inLayer, inLayer ? 1 : 0, 0, NaN, 0);
  const annualPerCapita = perCapita * 12;
  const rigidIncomeLimit = v[P_RIGID_INCOME]!;
  rigidOk = t.push(R['rigid.income.belowAnnualLimit'], P_RIGID_INCOME, -1, annualPerCapita < rigidIncomeLimit, annualPerCapita, rigidIncomeLimit, NaN, 0) && rigidOk;
  const spending = h.medicalFen + h.educationFen + h.rehabilitationFen;
  const spendingLimit = roundFen(v[P_RIGID_SHARE]! * total * 12);
  rigidOk = t.push(R['rigid.expenditure.aboveShare'], P_RIGID_SHARE, -1, spending > spendingLimit, spending, spendingLimit, NaN, 0) && rigidOk;
  const rigidDepositCap = std * v[P_RIGID_MONTHS]! * n;
  rigidOk = t.push(R['rigid.assets.deposits'], P_RIGID_MONTHS, -1, deposits <= rigidDepositCap, deposits, rigidDepositCap, NaN, 0) && rigidOk;
  if (rigidOk) {
    t.eligible[RIGID] = 1;
    t.memberMask[RIGID] = allMask;
  }

  // DISABILITY_LIVING_SUBSIDY.
  const widen = v[P_LIVING_WIDEN] === 1;
  const inDibao = dibaoOk || (widen && edgeOk);
  let dlsOk = t.push(R['disabilityLiving.dibaoHousehold'], widen ? P_LIVING_WIDEN : NO_PARAM, -1, inDibao, inDibao ? 1 : 0, 1, NaN, 0);
  dlsOk = t.push(R['disabilityLiving.disabledMembers'], NO_PARAM, -1, disabledCount >= 1, disabledCount, 1, NaN, 0) && dlsOk;
  if (dlsOk) {
    const each = v[P_LIVING]!;
    for (let i = 0; i < n; i++) {
      const d = members[i]!.disability;
      if (d) t.push(R['disabilityLiving.amount'], P_LIVING, i, true, d.grade, NaN, each, 0);
    }
    t.eligible[DLS] = 1;
    t.amountFen[DLS] = each * disabledCount;
    t.memberMask[DLS] = disabledMask;
  }

  // DISABILITY_CARE_SUBSIDY: no means test.
  let severeCount = 0;
  let severeMask = 0;
  let careAmount = 0;
  const careRow = t.n;
  t.push(R['disabilityCare.severeMembers'], NO_PARAM, -1, false, 0, 1, NaN, 0);
  for (let i = 0; i < n; i++) {
    const d = members[i]!.disability;
    if (!d) continue;
    const severe = d.grade <= 2;
    const each = severe ? v[d.grade === 1 ? P_CARE1 : P_CARE2]! : NaN;
    t.push(R['disabilityCare.severeGrade'], d.grade === 1 ? P_CARE1 : P_CARE2, i, severe, d.grade, 2, each, 0);
    if (severe) {
      severeCount++;
      severeMask |= 1 << i;
      careAmount += each;
    }
  }
  t.passed[careRow] = severeCount >= 1 ? 1 : 0;
  t.actual[careRow] = severeCount;
  if (severeCount >= 1) {
    t.eligible[DCS] = 1;
    t.amountFen[DCS] = careAmount;
    t.memberMask[DCS] = severeMask;
  }

  // TEMPORARY: never automatic.
  t.push(R['temporary.caseworkerAssessment'], NO_PARAM, -1, false, NaN, NaN, NaN, 0);
  return t;
}

// ---------------------------------------------------------------- the API's JSON

export interface Reason {
  rule: string;
  passed: boolean;
  actual: number | null;
  limit: number | null;
  parameter: string | null;
  reference: string;
  member?: string;
  basis?: string;
  amount?: number;
  informational?: true;
}

export interface CategoryResult {
  code: CategoryCode;
  eligible: boolean;
  /** false only for TEMPORARY: decided by a caseworker, not by rules. */
  evaluated: boolean;
  monthlyAmount: number;
  members: string[];
  reasons: Reason[];
}

export interface PolicyTrace {
  regionCode: string;
  date: string;
  parameters: Record<string, { value: number; regionCode: string; effectiveFrom: string; reference?: string }>;
}

export interface EligibilityResult {
  asOf: string;
  regionCode: string;
  perCapitaMonthlyIncome: number;
  /** Extension: what the per-capita figure rests on. */
  income: { countableMonthlyTotal: number; nonCountableMonthlyTotal: number; members: number };
  categories: CategoryResult[];
  primary: CategoryCode | null;
  /** The parameter values used, each with where and since when it applies (OpenFisca-style). */
  policy: PolicyTrace;
}

/** Layers in order of precedence; the subsidies stack on them. */
const PRIMARY_ORDER = [TEKUN, DIBAO, EDGE, RIGID, ORPHAN];

function scale(unit: Unit, x: number): number | null {
  if (Number.isNaN(x)) return null;
  return unit === 'yuan' ? fenToYuan(x) : x;
}

function intToDate(d: number): string {
  const s = String(d).padStart(8, '0');
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

export function materialize(t: Trace, h: Household, policy: CompiledPolicy): EligibilityResult {
  const masked = h.members.map((m) => maskId(m.idNumber));
  const categories: CategoryResult[] = CATEGORY_CODES.map((code, c) => {
    const mask = t.memberMask[c]!;
    return {
      code,
      eligible: t.eligible[c] === 1,
      evaluated: c !== TEMPORARY,
      monthlyAmount: fenToYuan(t.amountFen[c]!),
      members: masked.filter((_, i) => (mask >>> i) & 1),
      reasons: [],
    };
  });
  for (let i = 0; i < t.n; i++) {
    const meta = RULE_LIST[t.rule[i]!]!;
    const p = t.param[i]!;
    const member = t.member[i]!;
    const basis = t.basis[i]!;
    const amount = t.amount[i]!;
    const reason: Reason = {
      rule: meta.id,
      passed: t.passed[i] === 1,
      actual: scale(meta.unit, t.actual[i]!),
      limit: scale(meta.unit, t.limit[i]!),
      parameter: p >= 0 ? PARAMETERS[p]!.name : null,
      reference: meta.reference,
    };
    if (member >= 0) reason.member = masked[member]!;
    if (basis > 0) reason.basis = BASES[basis]!;
    if (!Number.isNaN(amount)) reason.amount = fenToYuan(amount);
    if ('informational' in meta && meta.informational) reason.informational = true;
    categories[RULE_CATEGORY[t.rule[i]!]!]!.reasons.push(reason);
  }
  let primary: CategoryCode | null = null;
  for (const c of PRIMARY_ORDER) {
    if (t.eligible[c] === 1) {
      primary = CATEGORY_CODES[c]!;
      break;
    }
  }
  const parameters: PolicyTrace['parameters'] = {};
  for (const [name, rp] of Object.entries(policy.resolved.parameters)) {
    if (!rp) continue;
    parameters[name] = { value: rp.value, regionCode: rp.regionCode, effectiveFrom: rp.effectiveFrom, ...(rp.reference ? { reference: rp.reference } : {}) };
  }
  let nonCountable = 0;
  for (const m of h.members) nonCountable += m.nonCountableIncomeFen;
  return {
    asOf: intToDate(t.asOf),
    regionCode: h.regionCode,
    perCapitaMonthlyIncome: fenToYuan(t.perCapitaFen),
    income: { countableMonthlyTotal: fenToYuan(t.totalIncomeFen), nonCountableMonthlyTotal: fenToYuan(nonCountable), members: h.members.length },
    categories,
    primary,
    policy: { regionCode: policy.resolved.regionCode, date: policy.resolved.date, parameters },
  };
}

/** One household, the API's answer. (Batch callers: reuse a Trace with `evaluateInto`.) */
export function evaluateEligibility(h: Household, policy: CompiledPolicy, asOf: string): EligibilityResult {
  const t = evaluateInto(new Trace(), h, policy, asOf);
  return materialize(t, h, policy);
}

export function categoryIndex(code: CategoryCode): number {
  return CATEGORY_CODES.indexOf(code);
}
