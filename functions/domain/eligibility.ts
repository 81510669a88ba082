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
  tekun: '社会救助暂行办法 第十四条；特困人员认定办法（民发〔2021〕43号）第四条',
  tekunIncapacity: '特困人员认定办法（民发〔2021〕43号）第五条',
  tekunLivelihood: '特困人员认定办法（民发〔2021〕43号）第六条',
  tekunSupporters: '特困人员认定办法（民发〔2021〕43号）：法定义务人无履行义务能力的情形',
  edge: '关于加强低收入人口动态监测做好分层分类社会救助工作的意见（国办函〔2023〕39号）低保边缘家庭',
  rigid: '关于加强低收入人口动态监测做好分层分类社会救助工作的意见（国办函〔2023〕39号）刚性支出困难家庭',
  orphan: '国务院办公厅关于加强孤儿保障工作的意见（国办发〔2010〕54号）',
  disability: '国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见（国发〔2015〕52号）',
  temporary: '社会救助暂行办法 第九章（临时救助）',
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
const ruleIndex = (id: RuleId): number => RULE_LIST.findIndex((r) => r.id === id);
// Rule indexes as plain module constants (a lookup in a 34-key object of dotted names is a hash probe).
const R_DIBAO_AMOUNT_GAP = ruleIndex('dibao.amount.gap');
const R_DIBAO_ASSETS_DEPOSITS = ruleIndex('dibao.assets.deposits');
const R_DIBAO_ASSETS_VEHICLE = ruleIndex('dibao.assets.vehicle');
const R_DIBAO_EXCLUSION_NOTTEKUN = ruleIndex('dibao.exclusion.notTekun');
const R_DIBAO_INCOME_BELOWSTANDARD = ruleIndex('dibao.income.belowStandard');
const R_DIBAO_LIVING_HOUSINGANDWATERSAFE = ruleIndex('dibao.living.housingAndWaterSafe');
const R_DIBAO_SUPPLEMENT_ELDERLY70 = ruleIndex('dibao.supplement.elderly70');
const R_DIBAO_SUPPLEMENT_ELDERLY80 = ruleIndex('dibao.supplement.elderly80');
const R_DIBAO_SUPPLEMENT_MINOR = ruleIndex('dibao.supplement.minor');
const R_DIBAO_SUPPLEMENT_SERIOUSILLNESS = ruleIndex('dibao.supplement.seriousIllness');
const R_DIBAO_SUPPLEMENT_SEVEREDISABILITY = ruleIndex('dibao.supplement.severeDisability');
const R_DIBAOEDGE_ASSETS_DEPOSITS = ruleIndex('dibaoEdge.assets.deposits');
const R_DIBAOEDGE_ASSETS_VEHICLE = ruleIndex('dibaoEdge.assets.vehicle');
const R_DIBAOEDGE_EXCLUSION_NOTDIBAOORTEKUN = ruleIndex('dibaoEdge.exclusion.notDibaoOrTekun');
const R_DIBAOEDGE_INCOME_BELOWMULTIPLE = ruleIndex('dibaoEdge.income.belowMultiple');
const R_DISABILITYCARE_SEVEREGRADE = ruleIndex('disabilityCare.severeGrade');
const R_DISABILITYCARE_SEVEREMEMBERS = ruleIndex('disabilityCare.severeMembers');
const R_DISABILITYLIVING_AMOUNT = ruleIndex('disabilityLiving.amount');
const R_DISABILITYLIVING_DIBAOHOUSEHOLD = ruleIndex('disabilityLiving.dibaoHousehold');
const R_DISABILITYLIVING_DISABLEDMEMBERS = ruleIndex('disabilityLiving.disabledMembers');
const R_ORPHAN_PARENTSLOST = ruleIndex('orphan.parentsLost');
const R_ORPHAN_UNDER18 = ruleIndex('orphan.under18');
const R_RIGID_ASSETS_DEPOSITS = ruleIndex('rigid.assets.deposits');
const R_RIGID_EXCLUSION_NOTINOTHERLAYERS = ruleIndex('rigid.exclusion.notInOtherLayers');
const R_RIGID_EXPENDITURE_ABOVESHARE = ruleIndex('rigid.expenditure.aboveShare');
const R_RIGID_INCOME_BELOWANNUALLIMIT = ruleIndex('rigid.income.belowAnnualLimit');
const R_TEKUN_AMOUNT_STANDARD = ruleIndex('tekun.amount.standard');
const R_TEKUN_EXCLUSION_ORPHANSUPPORT = ruleIndex('tekun.exclusion.orphanSupport');
const R_TEKUN_NOABLESUPPORTER = ruleIndex('tekun.noAbleSupporter');
const R_TEKUN_NOLIVELIHOOD_DEPOSITS = ruleIndex('tekun.noLivelihood.deposits');
const R_TEKUN_NOLIVELIHOOD_INCOME = ruleIndex('tekun.noLivelihood.income');
const R_TEKUN_NOLIVELIHOOD_VEHICLE = ruleIndex('tekun.noLivelihood.vehicle');
const R_TEKUN_NOWORKINGCAPACITY = ruleIndex('tekun.noWorkingCapacity');
const R_TEMPORARY_CASEWORKERASSESSMENT = ruleIndex('temporary.caseworkerAssessment');
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
 * One evaluation's outcome in two typed arrays: per row, one packed Int32 (rule, parameter,
 * member, basis, passed) and three Float64s (actual, limit, amount). Reuse one per thread of
 * work: `evaluateInto` resets it. Money is fen; absent limits/amounts are NaN.
 *
 * Packing: bit 0 passed · bits 1–3 basis · bits 4–9 member+1 · bits 10–15 parameter+1 ·
 * bits 16–23 rule.
 */
export class Trace {
  n = 0;
  private cap: number;
  code: Int32Array;
  /** Row i: [3i] actual, [3i+1] limit, [3i+2] amount. */
  num: Float64Array;
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
    this.code = new Int32Array(capacity);
    this.num = new Float64Array(capacity * 3);
  }

  reset(): void {
    this.n = 0;
    const e = this.eligible,
      a = this.amountFen,
      m = this.memberMask;
    for (let c = 0; c < NCAT; c++) {
      e[c] = 0;
      a[c] = 0;
      m[c] = 0;
    }
  }

  push(rule: number, param: number, member: number, passed: boolean, actual: number, limit: number, amount: number, basis: number): boolean {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.code[i] = (rule << 16) | ((param + 1) << 10) | ((member + 1) << 4) | (basis << 1) | (passed ? 1 : 0);
    const j = i * 3;
    const num = this.num;
    num[j] = actual;
    num[j + 1] = limit;
    num[j + 2] = amount;
    return passed;
  }

  /** Rewrites a row's outcome (for a summary row pushed before its members were counted). */
  setOutcome(row: number, passed: boolean, actual: number): void {
    this.code[row] = (this.code[row]! & ~1) | (passed ? 1 : 0);
    this.num[row * 3] = actual;
  }

  ruleAt(i: number): number {
    return this.code[i]! >>> 16;
  }
  paramAt(i: number): number {
    return ((this.code[i]! >>> 10) & 63) - 1;
  }
  memberAt(i: number): number {
    return ((this.code[i]! >>> 4) & 63) - 1;
  }
  basisAt(i: number): number {
    return (this.code[i]! >>> 1) & 7;
  }
  passedAt(i: number): boolean {
    return (this.code[i]! & 1) === 1;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const code = new Int32Array(cap);
    code.set(this.code);
    const num = new Float64Array(cap * 3);
    num.set(this.num);
    this.code = code;
    this.num = num;
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
 * Facts shared between the category steps of one evaluation (scratch, reused with the Trace).
 * Each step is a small function so that V8 inlines `Trace.push` into it; one big function
 * would exhaust the inlining budget.
 */
class Facts {
  n = 0;
  perCapita = 0;
  total = 0;
  std = 0;
  stdParam = 0;
  deposits = 0;
  maxVehicle = 0;
  disabledCount = 0;
  disabledMask = 0;
  allMask = 0;
  orphanCount = 0;
  orphanMask = 0;
  dibaoDepositCap = 0;
  dibaoVehicleCap = 0;
  incomeOk = false;
  dibaoDepositsOk = false;
  dibaoVehicleOk = false;
  tekunOk = false;
  dibaoOk = false;
  edgeOk = false;
}
const factsOf = new WeakMap<Trace, Facts>();

function gatherFacts(t: Trace, f: Facts, h: Household, v: Float64Array, asOfInt: number): void {
  const members = h.members;
  const n = members.length;
  const ages = t.ages;
  let total = 0;
  let disabledMask = 0;
  let disabledCount = 0;
  for (let i = 0; i < n; i++) {
    const m = members[i]!;
    ages[i] = ageAt(m.birth, asOfInt);
    total += m.monthlyIncomeFen;
    if (m.disability !== null) {
      disabledMask |= 1 << i;
      disabledCount++;
    }
  }
  let maxVehicle = 0;
  const vehicles = h.vehicles;
  for (let i = 0; i < vehicles.length; i++) {
    const veh = vehicles[i]!;
    // The mobility exemption needs a disabled member to be mobile for.
    if (veh.forDisabilityMobility && disabledCount > 0) continue;
    if (veh.valueFen > maxVehicle) maxVehicle = veh.valueFen;
  }
  const stdParam = h.urban ? P_STD_URBAN : P_STD_RURAL;
  const std = v[stdParam]!;
  const perCapita = perCapitaFen(total, n);
  f.n = n;
  f.total = total;
  f.perCapita = perCapita;
  f.std = std;
  f.stdParam = stdParam;
  f.deposits = h.depositsFen;
  f.maxVehicle = maxVehicle;
  f.disabledCount = disabledCount;
  f.disabledMask = disabledMask;
  f.allMask = n >= 32 ? 0xffffffff : (1 << n) - 1;
  f.dibaoDepositCap = std * v[P_DIBAO_MONTHS]! * n;
  f.dibaoVehicleCap = v[P_DIBAO_VEHICLE]!;
  f.incomeOk = perCapita < std;
  f.dibaoDepositsOk = h.depositsFen <= f.dibaoDepositCap;
  f.dibaoVehicleOk = maxVehicle <= f.dibaoVehicleCap;
  t.totalIncomeFen = total;
  t.perCapitaFen = perCapita;
}

function orphanStep(t: Trace, f: Facts, h: Household, v: Float64Array): void {
  const members = h.members;
  const ages = t.ages;
  let orphaned = 0;
  for (let i = 0; i < f.n; i++) if (members[i]!.orphaned) orphaned++;
  t.push(R_ORPHAN_PARENTSLOST, NO_PARAM, -1, orphaned >= 1, orphaned, 1, NaN, 0);
  let mask = 0;
  let count = 0;
  if (orphaned > 0) {
    const each = v[P_ORPHAN]!;
    for (let i = 0; i < f.n; i++) {
      if (!members[i]!.orphaned) continue;
      const age = ages[i]!;
      if (t.push(R_ORPHAN_UNDER18, P_ORPHAN, i, age < 18, age, 18, age < 18 ? each : NaN, 0)) {
        mask |= 1 << i;
        count++;
      }
    }
    if (count > 0) {
      t.eligible[ORPHAN] = 1;
      t.amountFen[ORPHAN] = each * count;
      t.memberMask[ORPHAN] = mask;
    }
  }
  f.orphanCount = count;
  f.orphanMask = mask;
}

function tekunStep(t: Trace, f: Facts, h: Household, v: Float64Array): void {
  const members = h.members;
  const ages = t.ages;
  let ok = true;
  for (let i = 0; i < f.n; i++) {
    const b = incapacityBasis(members[i]!, ages[i]!);
    if (!t.push(R_TEKUN_NOWORKINGCAPACITY, NO_PARAM, i, b !== B_CAPABLE, ages[i]!, NaN, NaN, b)) ok = false;
  }
  if (!t.push(R_TEKUN_NOLIVELIHOOD_INCOME, f.stdParam, -1, f.incomeOk, f.perCapita, f.std, NaN, 0)) ok = false;
  if (!t.push(R_TEKUN_NOLIVELIHOOD_DEPOSITS, P_DIBAO_MONTHS, -1, f.dibaoDepositsOk, f.deposits, f.dibaoDepositCap, NaN, 0)) ok = false;
  if (!t.push(R_TEKUN_NOLIVELIHOOD_VEHICLE, P_DIBAO_VEHICLE, -1, f.dibaoVehicleOk, f.maxVehicle, f.dibaoVehicleCap, NaN, 0)) ok = false;
  let able = 0;
  const supporters = h.supporters;
  for (let i = 0; i < supporters.length; i++) if (supporters[i]!.able) able++;
  if (!t.push(R_TEKUN_NOABLESUPPORTER, NO_PARAM, -1, able === 0, able, 0, NaN, 0)) ok = false;
  const count = f.n - f.orphanCount;
  if (!t.push(R_TEKUN_EXCLUSION_ORPHANSUPPORT, NO_PARAM, -1, count >= 1, count, 1, NaN, 0)) ok = false;
  if (ok) {
    const amount = v[P_TEKUN_STD]! * count;
    t.push(R_TEKUN_AMOUNT_STANDARD, P_TEKUN_STD, -1, true, count, NaN, amount, 0);
    t.eligible[TEKUN] = 1;
    t.amountFen[TEKUN] = amount;
    t.memberMask[TEKUN] = f.allMask & ~f.orphanMask;
  }
  f.tekunOk = ok;
}

function dibaoStep(t: Trace, f: Facts, h: Household, v: Float64Array): void {
  let ok = t.push(R_DIBAO_INCOME_BELOWSTANDARD, f.stdParam, -1, f.incomeOk, f.perCapita, f.std, NaN, 0);
  ok = t.push(R_DIBAO_ASSETS_DEPOSITS, P_DIBAO_MONTHS, -1, f.dibaoDepositsOk, f.deposits, f.dibaoDepositCap, NaN, 0) && ok;
  ok = t.push(R_DIBAO_ASSETS_VEHICLE, P_DIBAO_VEHICLE, -1, f.dibaoVehicleOk, f.maxVehicle, f.dibaoVehicleCap, NaN, 0) && ok;
  if (v[P_LIVING_CHECK] === 1) {
    const safe = h.housingSafe && h.drinkingWaterSafe;
    t.push(R_DIBAO_LIVING_HOUSINGANDWATERSAFE, P_LIVING_CHECK, -1, safe, safe ? 1 : 0, 1, NaN, 0);
  }
  ok = t.push(R_DIBAO_EXCLUSION_NOTTEKUN, NO_PARAM, -1, !f.tekunOk, f.tekunOk ? 1 : 0, 0, NaN, 0) && ok;
  f.dibaoOk = ok;
  if (ok) dibaoAmount(t, f, h, v);
}

function dibaoAmount(t: Trace, f: Facts, h: Household, v: Float64Array): void {
  const std = f.std;
  let amount = dibaoGapFen(std, f.perCapita, f.n);
  t.push(R_DIBAO_AMOUNT_GAP, f.stdParam, -1, true, f.perCapita, std, amount, 0);
  const s70 = supplementFen(v[P_SUP70]!, std),
    s80 = supplementFen(v[P_SUP80]!, std),
    sMinor = supplementFen(v[P_SUP_MINOR]!, std),
    sSevere = supplementFen(v[P_SUP_SEVERE]!, std),
    sIll = supplementFen(v[P_SUP_ILL]!, std);
  const members = h.members;
  const ages = t.ages;
  for (let i = 0; i < f.n; i++) {
    const m = members[i]!;
    const age = ages[i]!;
    if (age >= 80) {
      t.push(R_DIBAO_SUPPLEMENT_ELDERLY80, P_SUP80, i, true, age, 80, s80, 0);
      amount += s80;
    } else if (age >= 70) {
      t.push(R_DIBAO_SUPPLEMENT_ELDERLY70, P_SUP70, i, true, age, 70, s70, 0);
      amount += s70;
    }
    if (age < 18) {
      t.push(R_DIBAO_SUPPLEMENT_MINOR, P_SUP_MINOR, i, true, age, 18, sMinor, 0);
      amount += sMinor;
    }
    const d = m.disability;
    if (d !== null && d.grade <= 2) {
      t.push(R_DIBAO_SUPPLEMENT_SEVEREDISABILITY, P_SUP_SEVERE, i, true, d.grade, 2, sSevere, 0);
      amount += sSevere;
    }
    if (m.seriousIllness) {
      t.push(R_DIBAO_SUPPLEMENT_SERIOUSILLNESS, P_SUP_ILL, i, true, 1, 1, sIll, 0);
      amount += sIll;
    }
  }
  t.eligible[DIBAO] = 1;
  t.amountFen[DIBAO] = amount;
  t.memberMask[DIBAO] = f.allMask;
}

function edgeStep(t: Trace, f: Facts, v: Float64Array): void {
  const excluded = f.dibaoOk || f.tekunOk;
  let ok = t.push(R_DIBAOEDGE_EXCLUSION_NOTDIBAOORTEKUN, NO_PARAM, -1, !excluded, excluded ? 1 : 0, 0, NaN, 0);
  const incomeLimit = roundFen(f.std * v[P_EDGE_MULT]!);
  ok = t.push(R_DIBAOEDGE_INCOME_BELOWMULTIPLE, P_EDGE_MULT, -1, f.perCapita < incomeLimit, f.perCapita, incomeLimit, NaN, 0) && ok;
  const depositCap = f.std * v[P_EDGE_MONTHS]! * f.n;
  ok = t.push(R_DIBAOEDGE_ASSETS_DEPOSITS, P_EDGE_MONTHS, -1, f.deposits <= depositCap, f.deposits, depositCap, NaN, 0) && ok;
  const vehicleCap = v[P_EDGE_VEHICLE]!;
  ok = t.push(R_DIBAOEDGE_ASSETS_VEHICLE, P_EDGE_VEHICLE, -1, f.maxVehicle <= vehicleCap, f.maxVehicle, vehicleCap, NaN, 0) && ok;
  if (ok) {
    t.eligible[EDGE] = 1;
    t.memberMask[EDGE] = f.allMask;
  }
  f.edgeOk = ok;
}

function rigidStep(t: Trace, f: Facts, h: Household, v: Float64Array): void {
  const inLayer = f.dibaoOk || f.tekunOk || f.edgeOk;
  let ok = t.push(R_RIGID_EXCLUSION_NOTINOTHERLAYERS, NO_PARAM, -1, !inLayer, inLayer ? 1 : 0, 0, NaN, 0);
  const annualPerCapita = f.perCapita * 12;
  const incomeLimit = v[P_RIGID_INCOME]!;
  ok = t.push(R_RIGID_INCOME_BELOWANNUALLIMIT, P_RIGID_INCOME, -1, annualPerCapita < incomeLimit, annualPerCapita, incomeLimit, NaN, 0) && ok;
  const spending = h.medicalFen + h.educationFen + h.rehabilitationFen;
  const spendingLimit = roundFen(v[P_RIGID_SHARE]! * f.total * 12);
  ok = t.push(R_RIGID_EXPENDITURE_ABOVESHARE, P_RIGID_SHARE, -1, spending > spendingLimit, spending, spendingLimit, NaN, 0) && ok;
  const depositCap = f.std * v[P_RIGID_MONTHS]! * f.n;
  ok = t.push(R_RIGID_ASSETS_DEPOSITS, P_RIGID_MONTHS, -1, f.deposits <= depositCap, f.deposits, depositCap, NaN, 0) && ok;
  if (ok) {
    t.eligible[RIGID] = 1;
    t.memberMask[RIGID] = f.allMask;
  }
}

function disabilityLivingStep(t: Trace, f: Facts, h: Household, v: Float64Array): void {
  const widen = v[P_LIVING_WIDEN] === 1;
  const inDibao = f.dibaoOk || (widen && f.edgeOk);
  let ok = t.push(R_DISABILITYLIVING_DIBAOHOUSEHOLD, widen ? P_LIVING_WIDEN : NO_PARAM, -1, inDibao, inDibao ? 1 : 0, 1, NaN, 0);
  ok = t.push(R_DISABILITYLIVING_DISABLEDMEMBERS, NO_PARAM, -1, f.disabledCount >= 1, f.disabledCount, 1, NaN, 0) && ok;
  if (!ok) return;
  const each = v[P_LIVING]!;
  const members = h.members;
  for (let i = 0; i < f.n; i++) {
    const d = members[i]!.disability;
    if (d !== null) t.push(R_DISABILITYLIVING_AMOUNT, P_LIVING, i, true, d.grade, NaN, each, 0);
  }
  t.eligible[DLS] = 1;
  t.amountFen[DLS] = each * f.disabledCount;
  t.memberMask[DLS] = f.disabledMask;
}

function disabilityCareStep(t: Trace, f: Facts, h: Household, v: Float64Array): void {
  let count = 0;
  let mask = 0;
  let amount = 0;
  const summary = t.n;
  t.push(R_DISABILITYCARE_SEVEREMEMBERS, NO_PARAM, -1, false, 0, 1, NaN, 0);
  if (f.disabledCount > 0) {
    const members = h.members;
    for (let i = 0; i < f.n; i++) {
      const d = members[i]!.disability;
      if (d === null) continue;
      const grade = d.grade;
      const param = grade === 1 ? P_CARE1 : P_CARE2;
      const severe = grade <= 2;
      const each = severe ? v[param]! : NaN;
      t.push(R_DISABILITYCARE_SEVEREGRADE, param, i, severe, grade, 2, each, 0);
      if (severe) {
        count++;
        mask |= 1 << i;
        amount += each;
      }
    }
  }
  if (count > 0) {
    t.setOutcome(summary, true, count);
    t.eligible[DCS] = 1;
    t.amountFen[DCS] = amount;
    t.memberMask[DCS] = mask;
  }
}

/**
 * Evaluates every category for `h` under `policy` on `asOf` (YYYY-MM-DD or a yyyymmdd
 * integer) into `t`. Allocation-free apart from the trace growing past its capacity (and one
 * scratch object per Trace, made on its first use).
 */
export function evaluateInto(t: Trace, h: Household, policy: CompiledPolicy, asOf: string | number): Trace {
  const v = policy.v;
  const asOfInt = typeof asOf === 'number' ? asOf : dateToInt(asOf);
  t.reset();
  t.asOf = asOfInt;
  let f = factsOf.get(t);
  if (f === undefined) {
    f = new Facts();
    factsOf.set(t, f);
  }
  gatherFacts(t, f, h, v, asOfInt);
  orphanStep(t, f, h, v); // first: TEKUN leaves orphans to ORPHAN
  tekunStep(t, f, h, v);
  dibaoStep(t, f, h, v);
  edgeStep(t, f, v);
  rigidStep(t, f, h, v);
  disabilityLivingStep(t, f, h, v);
  disabilityCareStep(t, f, h, v);
  // TEMPORARY: never automatic.
  t.push(R_TEMPORARY_CASEWORKERASSESSMENT, NO_PARAM, -1, false, NaN, NaN, NaN, 0);
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
  /** Absent (undefined) unless the rule is about one member; masked. */
  member?: string | undefined;
  basis?: string | undefined;
  /** Yuan, for rows that make up an amount. */
  amount?: number | undefined;
  informational?: true | undefined;
}

export interface CategoryResult {
  code: CategoryCode;
  eligible: boolean;
  /** false only for TEMPORARY: decided by a caseworker, not by rules. */
  evaluated: boolean;
  monthlyAmount: number;
  members: string[];
  reasons: Reason[];
  /** Only where a category is not decided by rules (TEMPORARY): why. */
  note?: string;
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
  /** Extension: each member as the rules saw them on `asOf` (age and sex from the resident ID). */
  people: { idNumber: string; age: number; sex: 'male' | 'female' }[];
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

const TEMPORARY_NOTE = RULE_LIST[R_TEMPORARY_CASEWORKERASSESSMENT]!.description;

/** The policy part of every result for one compiled policy: built once, shared (frozen). */
const policyTraces = new WeakMap<CompiledPolicy, PolicyTrace>();
function policyTraceOf(policy: CompiledPolicy): PolicyTrace {
  let trace = policyTraces.get(policy);
  if (!trace) {
    const parameters: PolicyTrace['parameters'] = {};
    for (const [name, rp] of Object.entries(policy.resolved.parameters)) {
      if (!rp) continue;
      parameters[name] = Object.freeze({ value: rp.value, regionCode: rp.regionCode, effectiveFrom: rp.effectiveFrom, ...(rp.reference ? { reference: rp.reference } : {}) });
    }
    trace = Object.freeze({ regionCode: policy.resolved.regionCode, date: policy.resolved.date, parameters: Object.freeze(parameters) });
    policyTraces.set(policy, trace);
  }
  return trace;
}

const INFORMATIONAL: readonly (true | undefined)[] = RULE_LIST.map((r) => ('informational' in r && r.informational ? true : undefined));
const RULE_UNIT: readonly Unit[] = RULE_LIST.map((r) => r.unit);

/**
 * The API's JSON for a trace. Every Reason has the same shape (absent fields are `undefined`,
 * which JSON leaves out), so building them stays monomorphic.
 */
export function materialize(t: Trace, h: Household, policy: CompiledPolicy): EligibilityResult {
  const n = h.members.length;
  const masked: string[] = new Array(n);
  const people: EligibilityResult['people'] = new Array(n);
  let nonCountable = 0;
  for (let i = 0; i < n; i++) {
    const m = h.members[i]!;
    masked[i] = maskId(m.idNumber);
    people[i] = { idNumber: masked[i]!, age: t.ages[i]!, sex: m.male ? 'male' : 'female' };
    nonCountable += m.nonCountableIncomeFen;
  }
  const categories: CategoryResult[] = new Array(NCAT);
  for (let c = 0; c < NCAT; c++) {
    const mask = t.memberMask[c]!;
    const members: string[] = [];
    for (let i = 0; i < n; i++) if ((mask >>> i) & 1) members.push(masked[i]!);
    categories[c] = {
      code: CATEGORY_CODES[c]!,
      eligible: t.eligible[c] === 1,
      evaluated: c !== TEMPORARY,
      monthlyAmount: fenToYuan(t.amountFen[c]!),
      members,
      reasons: [],
      note: c === TEMPORARY ? TEMPORARY_NOTE : undefined,
    };
  }
  const num = t.num;
  for (let i = 0; i < t.n; i++) {
    const rule = t.ruleAt(i);
    const meta = RULE_LIST[rule]!;
    const unit = RULE_UNIT[rule]!;
    const p = t.paramAt(i);
    const member = t.memberAt(i);
    const basis = t.basisAt(i);
    const amount = num[i * 3 + 2]!;
    const reason: Reason = {
      rule: meta.id,
      passed: t.passedAt(i),
      actual: scale(unit, num[i * 3]!),
      limit: scale(unit, num[i * 3 + 1]!),
      parameter: p >= 0 ? PARAMETERS[p]!.name : null,
      reference: meta.reference,
      member: member >= 0 ? masked[member] : undefined,
      basis: basis > 0 ? BASES[basis] : undefined,
      amount: amount === amount ? fenToYuan(amount) : undefined,
      informational: INFORMATIONAL[rule],
    };
    categories[RULE_CATEGORY[rule]!]!.reasons.push(reason);
  }
  let primary: CategoryCode | null = null;
  for (const c of PRIMARY_ORDER) {
    if (t.eligible[c] === 1) {
      primary = CATEGORY_CODES[c]!;
      break;
    }
  }
  return {
    asOf: intToDate(t.asOf),
    regionCode: h.regionCode,
    perCapitaMonthlyIncome: fenToYuan(t.perCapitaFen),
    income: { countableMonthlyTotal: fenToYuan(t.totalIncomeFen), nonCountableMonthlyTotal: fenToYuan(nonCountable), members: n },
    people,
    categories,
    primary,
    policy: policyTraceOf(policy),
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
