import { fenToYuan, householdGapFen, perCapitaFen, roundFen, supplementFen } from './benefits.ts';
import {
  ageAt,
  COUNTED_INCOME_TYPES,
  dateToInt,
  INCOME_KIND_LOCAL,
  INCOME_KIND_V1_NON_COUNTABLE,
  INCOME_TYPES,
  MEMBER_STATUSES,
  RELATIONS,
  SUPPORTER_SITUATIONS,
  type Household,
  type Member,
  type MemberStatus,
  type SelfCare,
} from './household.ts';
import { parameterIndex, PARAMETERS, type CompiledPolicy, type ParameterName } from './policy.ts';
import { maskId } from './resident-id.ts';

/**
 * Eligibility for the layered categories of DOMAIN.md, with a reason for every rule.
 *
 * Two layers:
 * - `evaluateInto(trace, household, policy, asOf)`: the engine. Writes every rule's outcome
 *   (rule, parameter, member, passed, actual, limit, amount, basis) into a reusable `Trace` made
 *   of typed arrays, and each category's eligibility, amount and members. No per-household
 *   object allocation: batch runs and the benchmark reuse one Trace.
 * - `materialize(trace, household, policy)` / `evaluateEligibility(...)`: the API's JSON
 *   (yuan numbers, masked IDs, rule ids, references, the policy values used).
 *
 * Who counts: members whose `status` is NORMAL (共同生活家庭成员); the others take no part.
 * TEKUN is per person: a person who qualifies is supported alone and leaves the household that
 * DIBAO, DIBAO_EDGE and RIGID_EXPENDITURE then assess. Orphans supported as ORPHAN are not
 * assessed for TEKUN. 单人保: a severely disabled or seriously ill member of a DIBAO_EDGE
 * household, or an unemployed severely disabled adult, may be included in DIBAO alone on their
 * own application (`individualInclusion`); without it the rules report the possibility only.
 * Money: integer fen, the DIBAO test and gap on household totals (never a rounded per-capita).
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
const enum C {
  DIBAO = 0,
  TEKUN = 1,
  EDGE = 2,
  RIGID = 3,
  ORPHAN = 4,
  DLS = 5,
  DCS = 6,
  TEMPORARY = 7,
  /** Categories. */
  N = 8,
  /** Rows about the household itself (members counted, income items), not about a category. */
  HOUSEHOLD = 8,
}
CATEGORY_CODES.forEach((code, i) => {
  if (['DIBAO', 'TEKUN', 'DIBAO_EDGE', 'RIGID_EXPENDITURE', 'ORPHAN', 'DISABILITY_LIVING_SUBSIDY', 'DISABILITY_CARE_SUBSIDY', 'TEMPORARY'][i] !== code || CATEGORY_CODES.length !== C.N) throw new Error('update enum C');
});

/**
 * Legal bases (national). Local values carry their own reference in the policy trace. Article
 * numbers only where checked (DOMAIN.md); the others name the text without a number.
 */
export const REFS = {
  members: '最低生活保障审核确认办法（民发〔2021〕57号）共同生活家庭成员',
  income: '最低生活保障审核确认办法（民发〔2021〕57号）家庭收入',
  employmentCost: '中共中央办公厅 国务院办公厅《关于改革完善社会救助制度的意见》（中办发〔2020〕18号）就业成本扣减',
  dibao: '社会救助暂行办法 第九条；最低生活保障审核确认办法（民发〔2021〕57号）',
  dibaoAssets: '最低生活保障审核确认办法（民发〔2021〕57号）家庭财产状况认定',
  dibaoAmount: '社会救助暂行办法 第十二条第一款',
  supplement: '社会救助暂行办法 第十二条第二款（分类施保）',
  individual: '最低生活保障审核确认办法（民发〔2021〕57号）：低保边缘家庭中的重病患者、重度残疾人，成年无业重度残疾人，可参照单人户纳入低保（单人保）',
  living: '庄浪县“两项政策”衔接并轨试点：低保认定新增住房和饮水安全指标（《瞭望》2025）',
  tekun: '社会救助暂行办法 第十四条；特困人员认定办法（民发〔2021〕43号）第四条',
  tekunIncapacity: '特困人员认定办法（民发〔2021〕43号）第五条',
  tekunSchool: '特困人员认定办法（民发〔2021〕43号）：未成年人供养至18周岁，年满18周岁仍在接受义务教育或在普通高中、中等职业学校就读的可继续享有',
  tekunLivelihood: '特困人员认定办法（民发〔2021〕43号）第六条',
  tekunSupporters: '特困人员认定办法（民发〔2021〕43号）：法定义务人无履行义务能力的情形',
  tekunAmount: '国务院关于进一步健全特困人员救助供养制度的意见（国发〔2016〕14号）：基本生活标准不低于当地低保标准的1.3倍；照料护理标准按生活自理能力分档',
  edge: '关于加强低收入人口动态监测做好分层分类社会救助工作的意见（国办函〔2023〕39号）低保边缘家庭',
  rigid: '民政部《刚性支出困难家庭认定办法》（2024）：医疗、教育、康复、基本生活、意外事故等刚性支出；国办函〔2023〕39号',
  orphan: '国务院办公厅关于加强孤儿保障工作的意见（国办发〔2010〕54号）',
  orphanFactual: '民政部等《关于进一步加强事实无人抚养儿童保障工作的意见》（民发〔2019〕62号）：参照孤儿保障',
  disability: '国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见（国发〔2015〕52号）',
  temporary: '社会救助暂行办法 第九章（临时救助）',
} as const;

type Unit = 'yuan' | 'age' | 'grade' | 'count' | 'flag' | 'none';

/** Labels of a row's `basis` (5 bits), per rule. */
export const BASIS_TABLES = {
  none: [''],
  incapacity: ['', 'age ≥ 60', 'age < 16', 'minor 16–17 (support kept to 18)', 'in 义务教育/普通高中/中职 past 18', 'disability grade', 'has working capacity', 'in school at another level (the extension covers 义务教育/普通高中/中职 only)', 'in school, level not given (the extension covers 义务教育/普通高中/中职 only)'],
  supporter: ['', ...SUPPORTER_SITUATIONS, 'DECLARED_UNABLE (v1: no situation named)', 'ABLE', 'NO_SITUATION (no situation of the 认定办法 applies)', 'CLAIM_CONTRADICTED (the ID’s age does not fit the situation claimed)', 'PROPERTY_ABOVE_DIBAO_RULES'],
  selfCare: ['', 'FULL', 'PARTIAL', 'NONE', 'NOT_ASSESSED (全自理, the lowest grade, until assessed)'],
  orphanAge: ['', 'under 18', 'past 18, in school', '18 or older, not in school'],
  orphanKind: ['', 'ORPHAN at home', 'ORPHAN in an institution', '事实无人抚养儿童 at home', '事实无人抚养儿童 in an institution'],
  individual: ['', 'severely disabled or seriously ill member of a DIBAO_EDGE household', 'unemployed severely disabled adult'],
  tekunStandard: ['', 'the urban/rural standard', 'tekun.standard (set for a longer prefix)', 'the floor: multiplier × dibao standard'],
} as const;
type BasisTable = keyof typeof BASIS_TABLES;

export interface RuleMeta {
  id: string;
  category: CategoryCode | 'HOUSEHOLD';
  unit: Unit;
  reference: string;
  /** Reported but does not decide eligibility. */
  informational?: boolean;
  basis?: BasisTable;
  description: string;
}

const RULE_LIST = [
  // The household
  { id: 'income.employmentCostDeduction', category: 'HOUSEHOLD', unit: 'yuan', reference: REFS.employmentCost, description: 'employment costs deducted from a member’s wage and business income (actual = that income, amount = deducted)' },
  // DIBAO
  { id: 'dibao.income.belowStandard', category: 'DIBAO', unit: 'yuan', reference: REFS.dibao, description: 'household countable income < standard × members (actual: per capita, shown rounded)' },
  { id: 'dibao.assets.deposits', category: 'DIBAO', unit: 'yuan', reference: REFS.dibaoAssets, description: 'deposits ≤ standard × months × counted members' },
  { id: 'dibao.assets.vehicle', category: 'DIBAO', unit: 'yuan', reference: REFS.dibaoAssets, description: 'no vehicle above the cap (mobility vehicles of disabled members exempt)' },
  { id: 'dibao.assets.homes', category: 'DIBAO', unit: 'count', reference: REFS.dibaoAssets, description: 'homes ≤ the cap' },
  { id: 'dibao.assets.nonResidential', category: 'DIBAO', unit: 'count', reference: REFS.dibaoAssets, description: 'non-residential properties ≤ the cap' },
  { id: 'dibao.assets.business', category: 'DIBAO', unit: 'flag', reference: REFS.dibaoAssets, description: 'no registered business where the region excludes it (actual 1 = registered)' },
  { id: 'dibao.assets.farmMachinery', category: 'DIBAO', unit: 'yuan', reference: REFS.dibaoAssets, description: 'no large farm machine above the cap' },
  { id: 'dibao.living.housingAndWaterSafe', category: 'DIBAO', unit: 'flag', reference: REFS.living, informational: true, description: 'housing and drinking water safe (a flag: unsafe flags the case for the caseworker)' },
  { id: 'dibao.living.housingAndWaterSafe.condition', category: 'DIBAO', unit: 'flag', reference: REFS.living, description: 'housing and drinking water safe (a condition where the county makes it one)' },
  { id: 'dibao.exclusion.notTekun', category: 'DIBAO', unit: 'count', reference: REFS.tekun, description: 'members left after those supported as TEKUN' },
  { id: 'dibao.amount.gap', category: 'DIBAO', unit: 'yuan', reference: REFS.dibaoAmount, description: 'standard × members − household countable income (actual = income, limit = standard × members)' },
  { id: 'dibao.supplement.elderly70', category: 'DIBAO', unit: 'age', reference: REFS.supplement, description: 'member aged 70–79' },
  { id: 'dibao.supplement.elderly80', category: 'DIBAO', unit: 'age', reference: REFS.supplement, description: 'member aged 80 or more' },
  { id: 'dibao.supplement.minor', category: 'DIBAO', unit: 'age', reference: REFS.supplement, description: 'member under 18' },
  { id: 'dibao.supplement.severeDisability', category: 'DIBAO', unit: 'grade', reference: REFS.supplement, description: 'member with disability grade 1–2' },
  { id: 'dibao.supplement.seriousIllness', category: 'DIBAO', unit: 'flag', reference: REFS.supplement, description: 'seriously ill member' },
  { id: 'dibao.individual.member', category: 'DIBAO', unit: 'yuan', reference: REFS.individual, basis: 'individual', description: '单人保 (the member asked, individualInclusion): the member as a one-person household: own countable income < standard (amount = the gap)' },
  { id: 'dibao.individual.candidate', category: 'DIBAO', unit: 'yuan', reference: REFS.individual, basis: 'individual', informational: true, description: '单人保 possible on the member’s own application (individualInclusion): own countable income < standard (amount = the gap)' },
  // TEKUN
  { id: 'tekun.noWorkingCapacity', category: 'TEKUN', unit: 'age', reference: REFS.tekunIncapacity, basis: 'incapacity', description: 'member has no working capacity (age ≥ 60, minor, school extension, or disability of the listed grades); actual = age' },
  { id: 'tekun.noLivelihood.income', category: 'TEKUN', unit: 'yuan', reference: REFS.tekunLivelihood, description: 'the member’s own countable income < dibao standard' },
  { id: 'tekun.noLivelihood.deposits', category: 'TEKUN', unit: 'yuan', reference: REFS.tekunLivelihood, description: 'deposits within the dibao cap' },
  { id: 'tekun.noLivelihood.vehicle', category: 'TEKUN', unit: 'yuan', reference: REFS.tekunLivelihood, description: 'no vehicle above the dibao cap' },
  { id: 'tekun.noLivelihood.property', category: 'TEKUN', unit: 'flag', reference: REFS.tekunLivelihood, description: 'homes, non-residential property, business and farm machinery within the dibao rules' },
  { id: 'tekun.supporter', category: 'TEKUN', unit: 'age', reference: REFS.tekunSupporters, basis: 'supporter', description: 'one legal supporter of the member (outside or inside the household): passed = unable to support, basis = the situation; actual = the supporter’s age' },
  { id: 'tekun.noAbleSupporter', category: 'TEKUN', unit: 'count', reference: REFS.tekunSupporters, description: 'legal supporters of the member able to support' },
  { id: 'tekun.exclusion.orphanSupport', category: 'TEKUN', unit: 'count', reference: REFS.orphan, description: 'members left after orphans (who get ORPHAN support instead)' },
  { id: 'tekun.amount.basicLiving', category: 'TEKUN', unit: 'yuan', reference: REFS.tekunAmount, basis: 'tekunStandard', description: 'basic living standard: actual = the standard set, limit = multiplier × dibao standard; the larger is paid' },
  { id: 'tekun.amount.care', category: 'TEKUN', unit: 'yuan', reference: REFS.tekunAmount, basis: 'selfCare', description: 'care standard by self-care grade' },
  // DIBAO_EDGE
  { id: 'dibaoEdge.exclusion.notDibaoOrTekun', category: 'DIBAO_EDGE', unit: 'flag', reference: REFS.edge, description: 'not a DIBAO household, and members left after TEKUN persons' },
  { id: 'dibaoEdge.income.belowMultiple', category: 'DIBAO_EDGE', unit: 'yuan', reference: REFS.edge, description: 'household countable income < standard × multiplier × members (actual: per capita)' },
  { id: 'dibaoEdge.assets.deposits', category: 'DIBAO_EDGE', unit: 'yuan', reference: REFS.edge, description: 'deposits ≤ standard × months × counted members' },
  { id: 'dibaoEdge.assets.vehicle', category: 'DIBAO_EDGE', unit: 'yuan', reference: REFS.edge, description: 'no vehicle above the cap' },
  { id: 'dibaoEdge.assets.farmMachinery', category: 'DIBAO_EDGE', unit: 'yuan', reference: REFS.edge, description: 'no large farm machine above the cap' },
  { id: 'dibaoEdge.assets.realEstateAndBusiness', category: 'DIBAO_EDGE', unit: 'flag', reference: REFS.edge, description: 'homes, non-residential property and business registration within the dibao rules (dibao.homesCap, dibao.nonResidentialCap, dibao.businessRegistrationExcludes)' },
  // RIGID_EXPENDITURE
  { id: 'rigid.exclusion.notInOtherLayers', category: 'RIGID_EXPENDITURE', unit: 'flag', reference: REFS.rigid, description: 'not DIBAO, DIBAO_EDGE, and members left after TEKUN persons' },
  { id: 'rigid.income.belowAnnualLimit', category: 'RIGID_EXPENDITURE', unit: 'yuan', reference: REFS.rigid, description: "household income × 12 < last year's local per-capita disposable income × members (actual: per capita × 12)" },
  { id: 'rigid.expenditure.aboveShare', category: 'RIGID_EXPENDITURE', unit: 'yuan', reference: REFS.rigid, description: 'essential spending in 12 months (medical, education, rehabilitation, basic living, accident) > share × annual household income' },
  { id: 'rigid.assets.deposits', category: 'RIGID_EXPENDITURE', unit: 'yuan', reference: REFS.rigid, description: 'deposits ≤ dibao standard × months × members' },
  // ORPHAN
  { id: 'orphan.parentsLost', category: 'ORPHAN', unit: 'count', reference: REFS.orphan, description: 'members who lost both parents (or whose parents are untraceable), or 事实无人抚养儿童' },
  { id: 'orphan.under18', category: 'ORPHAN', unit: 'age', reference: REFS.orphan, basis: 'orphanAge', description: 'under 18, or past 18 while in school' },
  { id: 'orphan.amount', category: 'ORPHAN', unit: 'yuan', reference: REFS.orphanFactual, basis: 'orphanKind', description: 'basic living: the home or the institution standard' },
  // DISABILITY_LIVING_SUBSIDY
  { id: 'disabilityLiving.dibaoHousehold', category: 'DISABILITY_LIVING_SUBSIDY', unit: 'flag', reference: REFS.disability, description: 'in DIBAO (household or 单人保), or DIBAO_EDGE where widened locally' },
  { id: 'disabilityLiving.disabledMembers', category: 'DISABILITY_LIVING_SUBSIDY', unit: 'count', reference: REFS.disability, description: 'members of those with a disability certificate' },
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
// Rule indexes as plain module constants (a lookup in an object of dotted names is a hash probe).
// Rule indexes as literals (a const enum: V8 folds them into the code; module constants are
// loads with checks). Checked against RULE_LIST when the module loads.
const enum R {
  INCOME_DEDUCTION = 0,
  DIBAO_AMOUNT_GAP = 11,
  DIBAO_ASSETS_DEPOSITS = 2,
  DIBAO_ASSETS_VEHICLE = 3,
  DIBAO_ASSETS_HOMES = 4,
  DIBAO_ASSETS_NONRES = 5,
  DIBAO_ASSETS_BUSINESS = 6,
  DIBAO_ASSETS_MACHINERY = 7,
  DIBAO_EXCLUSION_NOTTEKUN = 10,
  DIBAO_INCOME_BELOWSTANDARD = 1,
  DIBAO_LIVING_FLAG = 8,
  DIBAO_LIVING_CONDITION = 9,
  DIBAO_SUPPLEMENT_ELDERLY70 = 12,
  DIBAO_SUPPLEMENT_ELDERLY80 = 13,
  DIBAO_SUPPLEMENT_MINOR = 14,
  DIBAO_SUPPLEMENT_SERIOUSILLNESS = 16,
  DIBAO_SUPPLEMENT_SEVEREDISABILITY = 15,
  DIBAO_INDIVIDUAL = 17,
  DIBAO_INDIVIDUAL_CANDIDATE = 18,
  DIBAOEDGE_ASSETS_DEPOSITS = 31,
  DIBAOEDGE_ASSETS_VEHICLE = 32,
  DIBAOEDGE_ASSETS_MACHINERY = 33,
  DIBAOEDGE_ASSETS_PROPERTY = 34,
  DIBAOEDGE_EXCLUSION_NOTDIBAOORTEKUN = 29,
  DIBAOEDGE_INCOME_BELOWMULTIPLE = 30,
  DISABILITYCARE_SEVEREGRADE = 46,
  DISABILITYCARE_SEVEREMEMBERS = 45,
  DISABILITYLIVING_AMOUNT = 44,
  DISABILITYLIVING_DIBAOHOUSEHOLD = 42,
  DISABILITYLIVING_DISABLEDMEMBERS = 43,
  ORPHAN_PARENTSLOST = 39,
  ORPHAN_UNDER18 = 40,
  ORPHAN_AMOUNT = 41,
  RIGID_ASSETS_DEPOSITS = 38,
  RIGID_EXCLUSION_NOTINOTHERLAYERS = 35,
  RIGID_EXPENDITURE_ABOVESHARE = 37,
  RIGID_INCOME_BELOWANNUALLIMIT = 36,
  TEKUN_AMOUNT_BASIC = 27,
  TEKUN_AMOUNT_CARE = 28,
  TEKUN_EXCLUSION_ORPHANSUPPORT = 26,
  TEKUN_SUPPORTER = 24,
  TEKUN_NOABLESUPPORTER = 25,
  TEKUN_NOLIVELIHOOD_DEPOSITS = 21,
  TEKUN_NOLIVELIHOOD_INCOME = 20,
  TEKUN_NOLIVELIHOOD_VEHICLE = 22,
  TEKUN_NOLIVELIHOOD_PROPERTY = 23,
  TEKUN_NOWORKINGCAPACITY = 19,
  TEMPORARY_CASEWORKERASSESSMENT = 47,
}
for (const [r, id] of [
  [R.INCOME_DEDUCTION, 'income.employmentCostDeduction'],
  [R.DIBAO_AMOUNT_GAP, 'dibao.amount.gap'],
  [R.DIBAO_ASSETS_DEPOSITS, 'dibao.assets.deposits'],
  [R.DIBAO_ASSETS_VEHICLE, 'dibao.assets.vehicle'],
  [R.DIBAO_ASSETS_HOMES, 'dibao.assets.homes'],
  [R.DIBAO_ASSETS_NONRES, 'dibao.assets.nonResidential'],
  [R.DIBAO_ASSETS_BUSINESS, 'dibao.assets.business'],
  [R.DIBAO_ASSETS_MACHINERY, 'dibao.assets.farmMachinery'],
  [R.DIBAO_EXCLUSION_NOTTEKUN, 'dibao.exclusion.notTekun'],
  [R.DIBAO_INCOME_BELOWSTANDARD, 'dibao.income.belowStandard'],
  [R.DIBAO_LIVING_FLAG, 'dibao.living.housingAndWaterSafe'],
  [R.DIBAO_LIVING_CONDITION, 'dibao.living.housingAndWaterSafe.condition'],
  [R.DIBAO_SUPPLEMENT_ELDERLY70, 'dibao.supplement.elderly70'],
  [R.DIBAO_SUPPLEMENT_ELDERLY80, 'dibao.supplement.elderly80'],
  [R.DIBAO_SUPPLEMENT_MINOR, 'dibao.supplement.minor'],
  [R.DIBAO_SUPPLEMENT_SERIOUSILLNESS, 'dibao.supplement.seriousIllness'],
  [R.DIBAO_SUPPLEMENT_SEVEREDISABILITY, 'dibao.supplement.severeDisability'],
  [R.DIBAO_INDIVIDUAL, 'dibao.individual.member'],
  [R.DIBAO_INDIVIDUAL_CANDIDATE, 'dibao.individual.candidate'],
  [R.DIBAOEDGE_ASSETS_DEPOSITS, 'dibaoEdge.assets.deposits'],
  [R.DIBAOEDGE_ASSETS_VEHICLE, 'dibaoEdge.assets.vehicle'],
  [R.DIBAOEDGE_ASSETS_MACHINERY, 'dibaoEdge.assets.farmMachinery'],
  [R.DIBAOEDGE_ASSETS_PROPERTY, 'dibaoEdge.assets.realEstateAndBusiness'],
  [R.DIBAOEDGE_EXCLUSION_NOTDIBAOORTEKUN, 'dibaoEdge.exclusion.notDibaoOrTekun'],
  [R.DIBAOEDGE_INCOME_BELOWMULTIPLE, 'dibaoEdge.income.belowMultiple'],
  [R.DISABILITYCARE_SEVEREGRADE, 'disabilityCare.severeGrade'],
  [R.DISABILITYCARE_SEVEREMEMBERS, 'disabilityCare.severeMembers'],
  [R.DISABILITYLIVING_AMOUNT, 'disabilityLiving.amount'],
  [R.DISABILITYLIVING_DIBAOHOUSEHOLD, 'disabilityLiving.dibaoHousehold'],
  [R.DISABILITYLIVING_DISABLEDMEMBERS, 'disabilityLiving.disabledMembers'],
  [R.ORPHAN_PARENTSLOST, 'orphan.parentsLost'],
  [R.ORPHAN_UNDER18, 'orphan.under18'],
  [R.ORPHAN_AMOUNT, 'orphan.amount'],
  [R.RIGID_ASSETS_DEPOSITS, 'rigid.assets.deposits'],
  [R.RIGID_EXCLUSION_NOTINOTHERLAYERS, 'rigid.exclusion.notInOtherLayers'],
  [R.RIGID_EXPENDITURE_ABOVESHARE, 'rigid.expenditure.aboveShare'],
  [R.RIGID_INCOME_BELOWANNUALLIMIT, 'rigid.income.belowAnnualLimit'],
  [R.TEKUN_AMOUNT_BASIC, 'tekun.amount.basicLiving'],
  [R.TEKUN_AMOUNT_CARE, 'tekun.amount.care'],
  [R.TEKUN_EXCLUSION_ORPHANSUPPORT, 'tekun.exclusion.orphanSupport'],
  [R.TEKUN_SUPPORTER, 'tekun.supporter'],
  [R.TEKUN_NOABLESUPPORTER, 'tekun.noAbleSupporter'],
  [R.TEKUN_NOLIVELIHOOD_DEPOSITS, 'tekun.noLivelihood.deposits'],
  [R.TEKUN_NOLIVELIHOOD_INCOME, 'tekun.noLivelihood.income'],
  [R.TEKUN_NOLIVELIHOOD_VEHICLE, 'tekun.noLivelihood.vehicle'],
  [R.TEKUN_NOLIVELIHOOD_PROPERTY, 'tekun.noLivelihood.property'],
  [R.TEKUN_NOWORKINGCAPACITY, 'tekun.noWorkingCapacity'],
  [R.TEMPORARY_CASEWORKERASSESSMENT, 'temporary.caseworkerAssessment'],
] as const) {
  if (RULE_LIST[r]!.id !== id) throw new Error(`rule index ${r} is not ${id}: update enum R`);
}
const RULE_CATEGORY = Uint8Array.from(RULE_LIST.map((r) => (r.category === 'HOUSEHOLD' ? C.HOUSEHOLD : CATEGORY_CODES.indexOf(r.category))));

/** Why a member has no working capacity (TEKUN): kept for compatibility; see BASIS_TABLES. */
export const BASES = BASIS_TABLES.incapacity;
const enum B {
  AGE60 = 1,
  UNDER16 = 2,
  MINOR = 3,
  STUDENT = 4,
  DISABILITY = 5,
  CAPABLE = 6,
  SCHOOL_OTHER = 7,
  SCHOOL_UNKNOWN = 8,
}
/** Situations (SUPPORTER_SITUATIONS indexes); supporter bases are 1 + a situation, then S. */
const enum SIT {
  TEKUN = 0,
  DIBAO60 = 1,
  AGED70 = 2,
  SEVERE = 3,
  NO_CIVIL_CAPACITY = 4,
  MISSING = 5,
  SENTENCE = 6,
  COUNT = 8,
}
const enum S {
  DECLARED_UNABLE = SIT.COUNT + 1,
  ABLE = SIT.COUNT + 2,
  NO_SITUATION = SIT.COUNT + 3,
  CONTRADICTED = SIT.COUNT + 4,
  PROPERTY = SIT.COUNT + 5,
}
for (const [i, x] of [
  [SIT.TEKUN, 'TEKUN'],
  [SIT.DIBAO60, 'DIBAO_AGED_60'],
  [SIT.AGED70, 'AGED_70_LOW_INCOME'],
  [SIT.SEVERE, 'SEVERE_DISABILITY_LOW_INCOME'],
  [SIT.NO_CIVIL_CAPACITY, 'NO_CIVIL_CAPACITY'],
  [SIT.MISSING, 'DECLARED_MISSING'],
  [SIT.SENTENCE, 'SERVING_SENTENCE'],
] as const) {
  if (SUPPORTER_SITUATIONS[i] !== x) throw new Error(`situation ${i} is not ${x}: update enum SIT`);
}
if (SUPPORTER_SITUATIONS.length !== SIT.COUNT) throw new Error('update SIT.COUNT');
/** Situations whose property clause needs the household within the dibao property rules. */
const PROPERTY_CLAUSE = (1 << SIT.AGED70) | (1 << SIT.SEVERE) | (1 << SIT.NO_CIVIL_CAPACITY) | (1 << SIT.MISSING) | (1 << SIT.SENTENCE);
const enum K {
  /** In-household supporter refs in a supporter row's limit slot start here (below: external supporter index). */
  INSIDE_REF = 100,
  NOT_ASSESSED = 4,
  RELATIONS = 8,
  /** Income kinds beyond INCOME_TYPES (household.ts). */
  INCOME_LOCAL = 11,
}
if (RELATIONS.length !== K.RELATIONS || INCOME_KIND_LOCAL !== K.INCOME_LOCAL) throw new Error('update enum K');

/**
 * Legal support duties between two members, read from their relations to the applicant
 * (spouses, parents and children, grandparents and grandchildren, siblings). An approximation:
 * the household lists relations to `self` only, so e.g. `spouse`–`child` is read as parent and
 * child, and `spouse`–`parent` (in-laws) as no duty.
 */
const DUTY = (() => {
  const n = RELATIONS.length;
  const m = new Uint8Array(n * n);
  const r = (x: (typeof RELATIONS)[number]) => RELATIONS.indexOf(x);
  const pairs: [(typeof RELATIONS)[number], (typeof RELATIONS)[number]][] = [
    ['self', 'spouse'], ['self', 'child'], ['self', 'parent'], ['self', 'grandchild'], ['self', 'grandparent'], ['self', 'sibling'],
    ['spouse', 'child'], ['spouse', 'grandchild'],
    ['child', 'child'], ['child', 'parent'], ['child', 'grandchild'],
    ['parent', 'parent'], ['parent', 'sibling'], ['parent', 'grandparent'],
    ['sibling', 'sibling'], ['grandparent', 'grandparent'],
  ];
  for (const [a, b] of pairs) {
    m[r(a) * n + r(b)] = 1;
    m[r(b) * n + r(a)] = 1;
  }
  return m;
})();

// Parameter indexes as literals (checked against PARAMETERS when the module loads).
const enum P {
  STD_URBAN = 0,
  STD_RURAL = 1,
  DIBAO_MONTHS = 2,
  DIBAO_VEHICLE = 3,
  LIVING_CHECK = 4,
  HOMES = 5,
  NONRES = 6,
  BUSINESS = 7,
  DIBAO_MACHINERY = 8,
  DEDUCTION = 9,
  INCOME_LIST = 10,
  EDGE_MULT = 11,
  EDGE_MONTHS = 12,
  EDGE_VEHICLE = 13,
  EDGE_MACHINERY = 14,
  RIGID_INCOME = 15,
  RIGID_SHARE = 16,
  RIGID_MONTHS = 17,
  TEKUN_STD = 18,
  TEKUN_URBAN = 19,
  TEKUN_RURAL = 20,
  TEKUN_MULT = 21,
  CARE_FULL = 22,
  CARE_PARTIAL = 23,
  CARE_NONE = 24,
  SUP70 = 25,
  SUP80 = 26,
  SUP_MINOR = 27,
  SUP_SEVERE = 28,
  SUP_ILL = 29,
  LIVING = 30,
  LIVING_WIDEN = 31,
  CARE1 = 32,
  CARE2 = 33,
  ORPHAN = 34,
  ORPHAN_INSTITUTION = 35,
  NONE = -1,
}
for (const [i, name] of [
  [P.STD_URBAN, 'dibao.standard.urban'],
  [P.STD_RURAL, 'dibao.standard.rural'],
  [P.DIBAO_MONTHS, 'dibao.depositCapMonths'],
  [P.DIBAO_VEHICLE, 'dibao.vehicleValueCap'],
  [P.LIVING_CHECK, 'dibao.livingConditionsCheck'],
  [P.HOMES, 'dibao.homesCap'],
  [P.NONRES, 'dibao.nonResidentialCap'],
  [P.BUSINESS, 'dibao.businessRegistrationExcludes'],
  [P.DIBAO_MACHINERY, 'dibao.farmMachineryValueCap'],
  [P.DEDUCTION, 'income.employmentCostDeduction'],
  [P.INCOME_LIST, 'income.nonCountableTypes'],
  [P.EDGE_MULT, 'dibaoEdge.incomeMultiplier'],
  [P.EDGE_MONTHS, 'dibaoEdge.depositCapMonths'],
  [P.EDGE_VEHICLE, 'dibaoEdge.vehicleValueCap'],
  [P.EDGE_MACHINERY, 'dibaoEdge.farmMachineryValueCap'],
  [P.RIGID_INCOME, 'rigid.incomeLimitAnnual'],
  [P.RIGID_SHARE, 'rigid.expenditureShare'],
  [P.RIGID_MONTHS, 'rigid.depositCapMonths'],
  [P.TEKUN_STD, 'tekun.standard'],
  [P.TEKUN_URBAN, 'tekun.standard.urban'],
  [P.TEKUN_RURAL, 'tekun.standard.rural'],
  [P.TEKUN_MULT, 'tekun.basicLivingMultiplier'],
  [P.CARE_FULL, 'tekun.care.full'],
  [P.CARE_PARTIAL, 'tekun.care.partial'],
  [P.CARE_NONE, 'tekun.care.none'],
  [P.SUP70, 'supplement.elderly70'],
  [P.SUP80, 'supplement.elderly80'],
  [P.SUP_MINOR, 'supplement.minor'],
  [P.SUP_SEVERE, 'supplement.severeDisability'],
  [P.SUP_ILL, 'supplement.seriousIllness'],
  [P.LIVING, 'disability.livingSubsidy'],
  [P.LIVING_WIDEN, 'disability.livingSubsidy.widenToEdge'],
  [P.CARE1, 'disability.careSubsidy.grade1'],
  [P.CARE2, 'disability.careSubsidy.grade2'],
  [P.ORPHAN, 'orphan.basicLiving'],
  [P.ORPHAN_INSTITUTION, 'orphan.basicLiving.institution'],
] as const) {
  if (parameterIndex(name) !== i) throw new Error(`parameter index ${i} is not ${name}: update enum P`);
}
const CARE_PARAM = [P.CARE_FULL, P.CARE_FULL, P.CARE_PARTIAL, P.CARE_NONE, P.CARE_FULL];

/** A row's key: rule and parameter bits (see `Trace`); OR in `mb(member)` and `basis << 1`. */
function key(rule: number, param: number): number {
  return (rule << 19) | ((param + 1) << 12);
}
/** A row's member bits. */
function mb(member: number): number {
  return (member + 1) << 6;
}

/**
 * One evaluation's outcome in one typed array: per row, four Float64s — the packed key (rule,
 * parameter, member, basis, passed), actual, limit, amount. Reuse one per thread of work:
 * `evaluateInto` resets it and reserves room for the household's rows up front, so `push` is
 * four stores (small enough for V8 to inline at every call site). Money is fen; absent limits
 * and amounts are NaN.
 *
 * Packing: bit 0 passed · bits 1–5 basis · bits 6–11 member+1 · bits 12–18 parameter+1 ·
 * bits 19–27 rule.
 */
export class Trace {
  n = 0;
  private cap: number;
  /** Row i: [4i] key, [4i+1] actual, [4i+2] limit, [4i+3] amount. */
  rows: Float64Array;
  readonly eligible = new Uint8Array(C.N);
  readonly amountFen = new Float64Array(C.N);
  /** Bit i set = member i belongs to the category's result. */
  readonly memberMask = new Uint32Array(C.N);
  readonly ages = new Int16Array(32);
  /** Per member: TEKUN amount (fen), 0 when not TEKUN. */
  readonly tekunFen = new Float64Array(32);
  /** Per-capita countable income of the counted members (rounded for display), fen. */
  perCapitaFen = 0;
  totalIncomeFen = 0;
  /** Members counted (status NORMAL). */
  countedMask = 0;
  /** DIBAO for the household (not only 单人保 members). */
  dibaoHousehold = false;
  asOf = 0;
  /** The engine's scratch facts, made on first use. */
  scratch: Facts | null = null;

  constructor(capacity = 64) {
    this.cap = capacity;
    this.rows = new Float64Array(capacity * 4);
  }

  /** Empties the trace and makes room for `rows` rows. */
  reset(rows: number): void {
    this.n = 0;
    if (rows > this.cap) {
      let cap = this.cap * 2;
      while (cap < rows) cap *= 2;
      this.rows = new Float64Array(cap * 4);
      this.cap = cap;
    }
    const e = this.eligible,
      a = this.amountFen,
      m = this.memberMask;
    for (let c = 0; c < C.N; c++) {
      e[c] = 0;
      a[c] = 0;
      m[c] = 0;
    }
    this.dibaoHousehold = false;
  }

  /** Appends a row (`key` from `key()`, `mb()`, basis); returns `passed`. Room is reserved by `reset`. */
  push(k: number, passed: boolean, actual: number, limit: number, amount: number): boolean {
    const r = this.rows;
    const j = this.n << 2;
    this.n++;
    r[j] = passed ? k | 1 : k;
    r[j + 1] = actual;
    r[j + 2] = limit;
    r[j + 3] = amount;
    return passed;
  }

  /** Rewrites a row's outcome (for a summary row pushed before its members were counted). */
  setOutcome(row: number, passed: boolean, actual: number): void {
    const j = row << 2;
    this.rows[j] = (this.rows[j]! & ~1) | (passed ? 1 : 0);
    this.rows[j + 1] = actual;
  }

  ruleAt(i: number): number {
    return this.rows[i << 2]! >>> 19;
  }
  paramAt(i: number): number {
    return ((this.rows[i << 2]! >>> 12) & 127) - 1;
  }
  memberAt(i: number): number {
    return ((this.rows[i << 2]! >>> 6) & 63) - 1;
  }
  basisAt(i: number): number {
    return (this.rows[i << 2]! >>> 1) & 31;
  }
  passedAt(i: number): boolean {
    return (this.rows[i << 2]! & 1) === 1;
  }
  actualAt(i: number): number {
    return this.rows[(i << 2) + 1]!;
  }
  limitAt(i: number): number {
    return this.rows[(i << 2) + 2]!;
  }
  amountAt(i: number): number {
    return this.rows[(i << 2) + 3]!;
  }
}

/**
 * At most this many rows for a household: per member, 1 deduction + 3 orphan + 4 TEKUN + one
 * per supporter (outside, and inside: the other members) + 2 amounts + 2 × 5 supplements (the
 * household's, or 单人保's) + 1 单人保 + 2 disability; plus the household's own rows.
 */
function maxRows(h: Household): number {
  const n = h.members.length;
  return 48 + n * (24 + n + h.supporters.length);
}

function incapacityBasis(m: Member, age: number): number {
  if (age >= 60) return B.AGE60;
  if (age < 16) return B.UNDER16;
  if (m.incapableByDisability) return B.DISABILITY;
  if (age < 18) return B.MINOR;
  if (m.inSchool) {
    const level = m.schoolLevel;
    if (level === 'COMPULSORY' || level === 'SENIOR_HIGH' || level === 'SECONDARY_VOCATIONAL') return B.STUDENT;
    return level === null ? B.SCHOOL_UNKNOWN : B.SCHOOL_OTHER;
  }
  return B.CAPABLE;
}

/** 重度残疾: grade 1–2, or grade-3 intellectual/mental (the supporters' situation list says so). */
function severeForSupport(m: Member): boolean {
  const d = m.disability;
  return d !== null && (d.grade <= 2 || (d.grade === 3 && (d.category === 'intellectual' || d.category === 'mental')));
}

/** Per compiled policy: the income table and the TEKUN basic standards (computed once). */
interface Derived {
  /** By income kind: 1 = counted. */
  counted: Uint8Array;
  /** By income kind: 1 = not counted because the county lists it. */
  byList: Uint8Array;
  local: ReadonlySet<string>;
  /** The county lists no non-countable type: each member's nationally counted sums hold. */
  nationalOnly: boolean;
  tekunStd: [number, number];
  tekunStdParam: [number, number];
  tekunStdBasis: [number, number];
}
const derivedOf = new WeakMap<CompiledPolicy, Derived>();
let lastPolicy: CompiledPolicy | null = null;
let lastDerived: Derived | null = null;
function derive(policy: CompiledPolicy): Derived {
  if (policy === lastPolicy) return lastDerived!; // batch runs: one policy, no WeakMap probe
  let d = derivedOf.get(policy);
  if (d) {
    lastPolicy = policy;
    lastDerived = d;
    return d;
  }
  const list = policy.lists['income.nonCountableTypes'] ?? [];
  const counted = new Uint8Array(INCOME_KIND_V1_NON_COUNTABLE + 1);
  const byList = new Uint8Array(INCOME_KIND_V1_NON_COUNTABLE + 1);
  for (let k = 0; k < COUNTED_INCOME_TYPES; k++) {
    const listed = list.includes(INCOME_TYPES[k]!);
    counted[k] = listed ? 0 : 1;
    byList[k] = listed ? 1 : 0;
  }
  counted[INCOME_KIND_LOCAL] = 1; // decided per code below
  const local = new Set(list.filter((c) => c.startsWith('LOCAL_')));
  // The v1 `tekun.standard` wins over the urban/rural values only when set for a longer prefix.
  const params = policy.resolved.parameters;
  const prefixLen = (n: ParameterName) => {
    const r = params[n]?.regionCode;
    return r === undefined ? -1 : r === 'CN' ? 0 : r.length;
  };
  const pick = (area: ParameterName, areaIdx: number): [number, number, number] =>
    prefixLen('tekun.standard') > prefixLen(area) ? [policy.v[P.TEKUN_STD]!, P.TEKUN_STD, 2] : [policy.v[areaIdx]!, areaIdx, 1];
  const urban = pick('tekun.standard.urban', P.TEKUN_URBAN);
  const rural = pick('tekun.standard.rural', P.TEKUN_RURAL);
  d = { counted, byList, local, nationalOnly: list.length === 0, tekunStd: [rural[0], urban[0]], tekunStdParam: [rural[1], urban[1]], tekunStdBasis: [rural[2], urban[2]] };
  derivedOf.set(policy, d);
  lastPolicy = policy;
  lastDerived = d;
  return d;
}

/** Whether an income item counts under the policy (the engine's and the explanation's one test). */
function incomeCounted(d: Derived, item: Member['incomes'][number]): boolean {
  return item.kind === K.INCOME_LOCAL ? !d.local.has(item.type) : d.counted[item.kind] === 1;
}

/**
 * Facts shared between the category steps of one evaluation (scratch, reused with the Trace).
 * Each step is a small function so that V8 inlines `Trace.push` into it; one big function
 * would exhaust the inlining budget.
 */
class Facts {
  n = 0; // members in the list
  counted = 0; // members counted
  total = 0; // countable income of the counted members
  std = 0;
  stdParam = 0;
  deposits = 0;
  maxVehicle = 0;
  maxMachinery = 0;
  disabledMask = 0;
  countedMask = 0;
  orphanCount = 0;
  orphanMask = 0;
  tekunMask = 0;
  remainingMask = 0;
  remaining = 0;
  remainingTotal = 0;
  individualMask = 0;
  dibaoDepositCap = 0;
  dibaoVehicleCap = 0;
  dibaoDepositsOk = false;
  dibaoVehicleOk = false;
  homesOk = false;
  nonResOk = false;
  businessOk = false;
  dibaoMachineryOk = false;
  /** Homes, non-residential, business and machinery within the dibao rules. */
  dibaoPropertyOk = false;
  dibaoOk = false;
  edgeRulesOk = false;
  edgeAssetsOk = false;
  edgeOk = false;
  readonly own = new Float64Array(32);
  readonly employment = new Float64Array(32);
  readonly incapacity = new Uint8Array(32);
  readonly relation = new Uint8Array(32);
}

function membersAndIncome(t: Trace, f: Facts, h: Household, v: Float64Array, d: Derived, asOfInt: number): void {
  const members = h.members;
  const n = members.length;
  const ages = t.ages;
  const deduction = v[P.DEDUCTION]!;
  let total = 0;
  let countedMask = 0;
  let counted = 0;
  let disabledMask = 0;
  for (let i = 0; i < n; i++) {
    const m = members[i]!;
    const age = ageAt(m.birth, asOfInt);
    ages[i] = age;
    f.relation[i] = m.rel;
    const isCounted = m.counted;
    // Who is counted and each income item's classification are not rows: materialize reads
    // them from the household and `incomeCounted` (one classification for both).
    let own = 0;
    let employment = 0;
    if (d.nationalOnly) {
      // No county list: the sums made once when the household was parsed are the classification.
      own = m.monthlyIncomeFen;
      employment = m.employmentIncomeFen;
    } else {
      const items = m.incomes;
      for (let j = 0; j < items.length; j++) {
        const it = items[j]!;
        if (incomeCounted(d, it)) {
          own += it.fen;
          if (it.kind <= 1) employment += it.fen; // WAGES, BUSINESS
        }
      }
    }
    if (deduction > 0 && employment > 0) {
      const off = employment < deduction ? employment : deduction;
      t.push(key(R.INCOME_DEDUCTION, P.DEDUCTION) | mb(i), true, employment, deduction, off);
      own -= off;
    }
    f.own[i] = own;
    f.employment[i] = employment;
    t.tekunFen[i] = 0;
    if (isCounted) {
      countedMask |= 1 << i;
      counted++;
      total += own;
      if (m.disability !== null) disabledMask |= 1 << i;
      f.incapacity[i] = incapacityBasis(m, age);
    } else f.incapacity[i] = 0;
  }
  f.n = n;
  f.counted = counted;
  f.countedMask = countedMask;
  f.total = total;
  f.disabledMask = disabledMask;
  t.countedMask = countedMask;
  t.totalIncomeFen = total;
  t.perCapitaFen = counted > 0 ? perCapitaFen(total, counted) : 0;
}

function assetFacts(f: Facts, h: Household, v: Float64Array): void {
  let maxVehicle = 0;
  const vehicles = h.vehicles;
  for (let i = 0; i < vehicles.length; i++) {
    const veh = vehicles[i]!;
    // The mobility exemption needs a (counted) disabled member to be mobile for.
    if (veh.forDisabilityMobility && f.disabledMask !== 0) continue;
    if (veh.valueFen > maxVehicle) maxVehicle = veh.valueFen;
  }
  let maxMachinery = 0;
  const machines = h.farmMachineryFen;
  for (let i = 0; i < machines.length; i++) if (machines[i]! > maxMachinery) maxMachinery = machines[i]!;
  const stdParam = h.urban ? P.STD_URBAN : P.STD_RURAL;
  const std = v[stdParam]!;
  f.std = std;
  f.stdParam = stdParam;
  f.deposits = h.depositsFen;
  f.maxVehicle = maxVehicle;
  f.maxMachinery = maxMachinery;
  f.dibaoDepositCap = std * v[P.DIBAO_MONTHS]! * f.counted;
  f.dibaoVehicleCap = v[P.DIBAO_VEHICLE]!;
  f.dibaoDepositsOk = h.depositsFen <= f.dibaoDepositCap;
  f.dibaoVehicleOk = maxVehicle <= f.dibaoVehicleCap;
  f.homesOk = h.properties <= v[P.HOMES]!;
  f.nonResOk = h.nonResidentialProperties <= v[P.NONRES]!;
  f.businessOk = !(h.businessRegistered && v[P.BUSINESS] === 1);
  f.dibaoMachineryOk = maxMachinery <= v[P.DIBAO_MACHINERY]!;
  f.dibaoPropertyOk = f.homesOk && f.nonResOk && f.businessOk && f.dibaoMachineryOk;
}

function orphanStep(t: Trace, f: Facts, h: Household, v: Float64Array): void {
  const members = h.members;
  const ages = t.ages;
  let orphaned = 0;
  for (let i = 0; i < f.n; i++) {
    const m = members[i]!;
    if (m.counted && (m.orphaned || m.factuallyUnsupported)) orphaned++;
  }
  t.push(key(R.ORPHAN_PARENTSLOST, P.NONE), orphaned >= 1, orphaned, 1, NaN);
  let mask = 0;
  let count = 0;
  let amount = 0;
  if (orphaned > 0) {
    for (let i = 0; i < f.n; i++) {
      const m = members[i]!;
      if (!m.counted || !(m.orphaned || m.factuallyUnsupported)) continue;
      const age = ages[i]!;
      const basis = age < 18 ? 1 : m.inSchool ? 2 : 3;
      if (!t.push(key(R.ORPHAN_UNDER18, P.NONE) | mb(i) | (basis << 1), basis !== 3, age, 18, NaN)) continue;
      const institution = m.placement === 'INSTITUTION';
      const param = institution ? P.ORPHAN_INSTITUTION : P.ORPHAN;
      const each = v[param]!;
      t.push(key(R.ORPHAN_AMOUNT, param) | mb(i) | (((m.orphaned ? 1 : 3) + (institution ? 1 : 0)) << 1), true, NaN, NaN, each);
      mask |= 1 << i;
      count++;
      amount += each;
    }
    if (count > 0) {
      t.eligible[C.ORPHAN] = 1;
      t.amountFen[C.ORPHAN] = amount;
      t.memberMask[C.ORPHAN] = mask;
    }
  }
  f.orphanCount = count;
  f.orphanMask = mask;
}

/** Situation (1 + index) that makes an in-household legal supporter unable, or S.NO_SITUATION / S.PROPERTY. */
function insideSupporter(f: Facts, h: Household, j: number, age: number, v: Float64Array): number {
  const m = h.members[j]!;
  const propertyOk = f.dibaoDepositsOk && f.dibaoVehicleOk && f.dibaoPropertyOk;
  if (!m.counted) {
    const s = m.status;
    const sit = s === 'SERVING_SENTENCE' ? SIT.SENTENCE : s === 'MISSING' ? SIT.MISSING : -1;
    if (sit < 0) return S.NO_SITUATION;
    return propertyOk ? 1 + sit : S.PROPERTY;
  }
  const own = f.own[j]!;
  if (f.incapacity[j] !== B.CAPABLE && own < f.std) return 1 + SIT.TEKUN; // meets TEKUN's own first two conditions
  const lowIncome = own * 12 < v[P.RIGID_INCOME]!;
  if (age >= 70 && lowIncome) return propertyOk ? 1 + SIT.AGED70 : S.PROPERTY;
  if (severeForSupport(m) && lowIncome) return propertyOk ? 1 + SIT.SEVERE : S.PROPERTY;
  return S.NO_SITUATION;
}

/** Basis for an external supporter: a situation that holds, or why none does. */
function outsideSupporter(f: Facts, s: Household['supporters'][number], age: number): number {
  const sits = s.situations;
  if (sits === 0) return s.able ? S.ABLE : S.DECLARED_UNABLE;
  const propertyOk = f.dibaoDepositsOk && f.dibaoVehicleOk && f.dibaoPropertyOk;
  let propertyFailed = false;
  for (let k = 0; k < SIT.COUNT; k++) {
    if (((sits >>> k) & 1) === 0) continue;
    if (k === SIT.DIBAO60 && age < 60) continue; // the ID says otherwise
    if (k === SIT.AGED70 && age < 70) continue;
    if ((PROPERTY_CLAUSE >>> k) & 1 && !propertyOk) {
      propertyFailed = true;
      continue;
    }
    return 1 + k;
  }
  return propertyFailed ? S.PROPERTY : S.CONTRADICTED;
}

/** One row per legal supporter of member i (outside the household, then inside); returns how many are able. */
function supporterRows(t: Trace, f: Facts, h: Household, v: Float64Array, i: number): number {
  let able = 0;
  const supporters = h.supporters;
  const ages = t.ages;
  if (supporters.length > 0) {
    const id = h.members[i]!.idNumber;
    for (let k = 0; k < supporters.length; k++) {
      const s = supporters[k]!;
      if (s.supports !== null && !s.supports.includes(id)) continue;
      const sAge = ageAt(s.birth, t.asOf);
      const basis = outsideSupporter(f, s, sAge);
      if (!t.push(key(R.TEKUN_SUPPORTER, P.NONE) | mb(i) | (basis << 1), basis <= S.DECLARED_UNABLE, sAge, k, NaN)) able++;
    }
  }
  if (f.n > 1) {
    const ri = f.relation[i]! * K.RELATIONS;
    for (let j = 0; j < f.n; j++) {
      if (j === i || DUTY[ri + f.relation[j]!] !== 1) continue;
      const basis = insideSupporter(f, h, j, ages[j]!, v);
      if (!t.push(key(R.TEKUN_SUPPORTER, P.NONE) | mb(i) | (basis << 1), basis <= S.DECLARED_UNABLE, ages[j]!, K.INSIDE_REF + j, NaN)) able++;
    }
  }
  return able;
}

function tekunStep(t: Trace, f: Facts, h: Household, v: Float64Array, d: Derived): void {
  const members = h.members;
  const ages = t.ages;
  const std = f.std;
  const candidates = f.countedMask & ~f.orphanMask;
  const count = f.counted - f.orphanCount;
  t.push(key(R.TEKUN_EXCLUSION_ORPHANSUPPORT, P.NONE), count >= 1, count, 1, NaN);
  const depositsOk = t.push(key(R.TEKUN_NOLIVELIHOOD_DEPOSITS, P.DIBAO_MONTHS), f.dibaoDepositsOk, f.deposits, f.dibaoDepositCap, NaN);
  const vehicleOk = t.push(key(R.TEKUN_NOLIVELIHOOD_VEHICLE, P.DIBAO_VEHICLE), f.dibaoVehicleOk, f.maxVehicle, f.dibaoVehicleCap, NaN);
  const propertyOk = t.push(key(R.TEKUN_NOLIVELIHOOD_PROPERTY, P.NONE), f.dibaoPropertyOk, f.dibaoPropertyOk ? 1 : 0, 1, NaN);
  const assetsOk = depositsOk && vehicleOk && propertyOk;
  const area = h.urban ? 1 : 0;
  const setStd = d.tekunStd[area],
    floor = roundFen(v[P.TEKUN_MULT]! * std);
  const basic = setStd >= floor ? setStd : floor;
  const basicBasis = setStd >= floor ? d.tekunStdBasis[area] : 3;
  const basicParam = setStd >= floor ? d.tekunStdParam[area] : P.TEKUN_MULT;
  let mask = 0;
  let amount = 0;
  for (let i = 0; i < f.n; i++) {
    if (((candidates >>> i) & 1) === 0) continue;
    const b = f.incapacity[i]!;
    let ok = t.push(key(R.TEKUN_NOWORKINGCAPACITY, P.NONE) | mb(i) | (b << 1), b === B.AGE60 || b === B.UNDER16 || b === B.MINOR || b === B.STUDENT || b === B.DISABILITY, ages[i]!, NaN, NaN);
    ok = t.push(key(R.TEKUN_NOLIVELIHOOD_INCOME, f.stdParam) | mb(i), f.own[i]! < std, f.own[i]!, std, NaN) && ok;
    if (!ok) continue;
    const able = supporterRows(t, f, h, v, i);
    const m = members[i]!;
    ok = t.push(key(R.TEKUN_NOABLESUPPORTER, P.NONE) | mb(i), able === 0, able, 0, NaN);
    if (!ok || !assetsOk) continue;
    t.push(key(R.TEKUN_AMOUNT_BASIC, basicParam) | mb(i) | (basicBasis << 1), true, setStd, floor, basic);
    const grade = m.selfCareGrade === 0 ? K.NOT_ASSESSED : m.selfCareGrade;
    const careParam = CARE_PARAM[grade]!;
    const care = v[careParam]!;
    t.push(key(R.TEKUN_AMOUNT_CARE, careParam) | mb(i) | (grade << 1), true, NaN, NaN, care);
    t.tekunFen[i] = basic + care;
    mask |= 1 << i;
    amount += basic + care;
  }
  if (mask !== 0) {
    t.eligible[C.TEKUN] = 1;
    t.amountFen[C.TEKUN] = amount;
    t.memberMask[C.TEKUN] = mask;
  }
  f.tekunMask = mask;
  // The household the other layers assess: counted members not supported as TEKUN.
  const remaining = f.countedMask & ~mask;
  let n = 0;
  let total = 0;
  for (let i = 0; i < f.n; i++) {
    if (((remaining >>> i) & 1) === 0) continue;
    n++;
    total += f.own[i]!;
  }
  f.remainingMask = remaining;
  f.remaining = n;
  f.remainingTotal = total;
}

function supplements(t: Trace, f: Facts, h: Household, v: Float64Array, i: number): number {
  const std = f.std;
  const m = h.members[i]!;
  const age = t.ages[i]!;
  let amount = 0;
  if (age >= 80) {
    const s = supplementFen(v[P.SUP80]!, std);
    t.push(key(R.DIBAO_SUPPLEMENT_ELDERLY80, P.SUP80) | mb(i), true, age, 80, s);
    amount += s;
  } else if (age >= 70) {
    const s = supplementFen(v[P.SUP70]!, std);
    t.push(key(R.DIBAO_SUPPLEMENT_ELDERLY70, P.SUP70) | mb(i), true, age, 70, s);
    amount += s;
  }
  if (age < 18) {
    const s = supplementFen(v[P.SUP_MINOR]!, std);
    t.push(key(R.DIBAO_SUPPLEMENT_MINOR, P.SUP_MINOR) | mb(i), true, age, 18, s);
    amount += s;
  }
  const d = m.disability;
  if (d !== null && d.grade <= 2) {
    const s = supplementFen(v[P.SUP_SEVERE]!, std);
    t.push(key(R.DIBAO_SUPPLEMENT_SEVEREDISABILITY, P.SUP_SEVERE) | mb(i), true, d.grade, 2, s);
    amount += s;
  }
  if (m.seriousIllness) {
    const s = supplementFen(v[P.SUP_ILL]!, std);
    t.push(key(R.DIBAO_SUPPLEMENT_SERIOUSILLNESS, P.SUP_ILL) | mb(i), true, 1, 1, s);
    amount += s;
  }
  return amount;
}

function dibaoStep(t: Trace, f: Facts, h: Household, v: Float64Array): void {
  const n = f.remaining;
  const std = f.std;
  // Exact: total < standard × members, never a rounded per-capita figure.
  const shown = n > 0 ? perCapitaFen(f.remainingTotal, n) : 0;
  let ok = t.push(key(R.DIBAO_INCOME_BELOWSTANDARD, f.stdParam), n > 0 && f.remainingTotal < std * n, shown, std, NaN);
  ok = t.push(key(R.DIBAO_ASSETS_DEPOSITS, P.DIBAO_MONTHS), f.dibaoDepositsOk, f.deposits, f.dibaoDepositCap, NaN) && ok;
  ok = t.push(key(R.DIBAO_ASSETS_VEHICLE, P.DIBAO_VEHICLE), f.dibaoVehicleOk, f.maxVehicle, f.dibaoVehicleCap, NaN) && ok;
  ok = t.push(key(R.DIBAO_ASSETS_HOMES, P.HOMES), f.homesOk, h.properties, v[P.HOMES]!, NaN) && ok;
  ok = t.push(key(R.DIBAO_ASSETS_NONRES, P.NONRES), f.nonResOk, h.nonResidentialProperties, v[P.NONRES]!, NaN) && ok;
  ok = t.push(key(R.DIBAO_ASSETS_BUSINESS, P.BUSINESS), f.businessOk, h.businessRegistered ? 1 : 0, v[P.BUSINESS] === 1 ? 0 : 1, NaN) && ok;
  ok = t.push(key(R.DIBAO_ASSETS_MACHINERY, P.DIBAO_MACHINERY), f.dibaoMachineryOk, f.maxMachinery, v[P.DIBAO_MACHINERY]!, NaN) && ok;
  const mode = v[P.LIVING_CHECK];
  if (mode === 1 || mode === 2) {
    const safe = h.housingSafe && h.drinkingWaterSafe;
    const decided = t.push(key(mode === 1 ? R.DIBAO_LIVING_FLAG : R.DIBAO_LIVING_CONDITION, P.LIVING_CHECK), safe, safe ? 1 : 0, 1, NaN);
    if (mode === 2) ok = decided && ok;
  }
  ok = t.push(key(R.DIBAO_EXCLUSION_NOTTEKUN, P.NONE), n >= 1, n, 1, NaN) && ok;
  f.dibaoOk = ok;
  if (!ok) return;
  const gap = householdGapFen(std, n, f.remainingTotal);
  t.push(key(R.DIBAO_AMOUNT_GAP, f.stdParam), true, f.remainingTotal, std * n, gap);
  let amount = gap;
  for (let i = 0; i < f.n; i++) if ((f.remainingMask >>> i) & 1) amount += supplements(t, f, h, v, i);
  t.eligible[C.DIBAO] = 1;
  t.amountFen[C.DIBAO] = amount;
  t.memberMask[C.DIBAO] = f.remainingMask;
  t.dibaoHousehold = true;
}

function edgeStep(t: Trace, f: Facts, h: Household, v: Float64Array): void {
  const n = f.remaining;
  const excluded = f.dibaoOk || n === 0;
  let ok = t.push(key(R.DIBAOEDGE_EXCLUSION_NOTDIBAOORTEKUN, P.NONE), !excluded, excluded ? 1 : 0, 0, NaN);
  const mult = v[P.EDGE_MULT]!;
  const shown = n > 0 ? perCapitaFen(f.remainingTotal, n) : 0;
  let rules = t.push(key(R.DIBAOEDGE_INCOME_BELOWMULTIPLE, P.EDGE_MULT), n > 0 && f.remainingTotal < f.std * mult * n, shown, roundFen(f.std * mult), NaN);
  const depositCap = f.std * v[P.EDGE_MONTHS]! * f.counted;
  let assets = t.push(key(R.DIBAOEDGE_ASSETS_DEPOSITS, P.EDGE_MONTHS), f.deposits <= depositCap, f.deposits, depositCap, NaN);
  const vehicleCap = v[P.EDGE_VEHICLE]!;
  assets = t.push(key(R.DIBAOEDGE_ASSETS_VEHICLE, P.EDGE_VEHICLE), f.maxVehicle <= vehicleCap, f.maxVehicle, vehicleCap, NaN) && assets;
  const machineryCap = v[P.EDGE_MACHINERY]!;
  assets = t.push(key(R.DIBAOEDGE_ASSETS_MACHINERY, P.EDGE_MACHINERY), f.maxMachinery <= machineryCap, f.maxMachinery, machineryCap, NaN) && assets;
  const property = f.homesOk && f.nonResOk && f.businessOk;
  assets = t.push(key(R.DIBAOEDGE_ASSETS_PROPERTY, P.NONE), property, property ? 1 : 0, 1, NaN) && assets;
  rules = rules && assets;
  ok = ok && rules;
  f.edgeAssetsOk = assets;
  f.edgeRulesOk = ok;
  f.edgeOk = ok;
}

/** 单人保: members included in DIBAO alone when the household is not DIBAO. */
function individualStep(t: Trace, f: Facts, h: Household, v: Float64Array): void {
  if (f.dibaoOk) return;
  const members = h.members;
  const std = f.std;
  let mask = 0;
  let amount = 0;
  for (let i = 0; i < f.n; i++) {
    if (((f.remainingMask >>> i) & 1) === 0) continue;
    const m = members[i]!;
    const d = m.disability;
    const severe = d !== null && d.grade <= 2;
    let basis = 0;
    if (f.edgeOk && (severe || m.seriousIllness)) basis = 1;
    else if (severe && t.ages[i]! >= 18 && f.employment[i] === 0 && f.edgeAssetsOk) basis = 2;
    if (basis === 0) continue;
    const own = f.own[i]!;
    const gap = householdGapFen(std, 1, own);
    // 经本人申请: without the member's request the rules only say it is possible.
    if (!m.individualInclusion) {
      t.push(key(R.DIBAO_INDIVIDUAL_CANDIDATE, f.stdParam) | mb(i) | (basis << 1), own < std, own, std, gap);
      continue;
    }
    if (!t.push(key(R.DIBAO_INDIVIDUAL, f.stdParam) | mb(i) | (basis << 1), own < std, own, std, gap)) continue;
    mask |= 1 << i;
    amount += gap + supplements(t, f, h, v, i);
  }
  f.individualMask = mask;
  if (mask !== 0) {
    t.eligible[C.DIBAO] = 1;
    t.amountFen[C.DIBAO] = amount;
    t.memberMask[C.DIBAO] = mask;
  }
  // The rest of an edge household stays DIBAO_EDGE; a member included alone leaves it.
  const edgeMembers = f.remainingMask & ~mask;
  if (f.edgeOk && edgeMembers !== 0) {
    t.eligible[C.EDGE] = 1;
    t.memberMask[C.EDGE] = edgeMembers;
  } else f.edgeOk = false;
}

function rigidStep(t: Trace, f: Facts, h: Household, v: Float64Array): void {
  const n = f.remaining;
  const inLayer = f.dibaoOk || f.edgeOk || n === 0;
  let ok = t.push(key(R.RIGID_EXCLUSION_NOTINOTHERLAYERS, P.NONE), !inLayer, inLayer ? 1 : 0, 0, NaN);
  const total = f.remainingTotal;
  const incomeLimit = v[P.RIGID_INCOME]!;
  const shown = n > 0 ? roundFen((total * 12) / n) : 0;
  ok = t.push(key(R.RIGID_INCOME_BELOWANNUALLIMIT, P.RIGID_INCOME), n > 0 && total * 12 < incomeLimit * n, shown, incomeLimit, NaN) && ok;
  const spending = h.medicalFen + h.educationFen + h.rehabilitationFen + h.basicLivingFen + h.accidentFen;
  const spendingLimit = roundFen(v[P.RIGID_SHARE]! * total * 12);
  ok = t.push(key(R.RIGID_EXPENDITURE_ABOVESHARE, P.RIGID_SHARE), spending > spendingLimit, spending, spendingLimit, NaN) && ok;
  const depositCap = f.std * v[P.RIGID_MONTHS]! * f.counted;
  ok = t.push(key(R.RIGID_ASSETS_DEPOSITS, P.RIGID_MONTHS), f.deposits <= depositCap, f.deposits, depositCap, NaN) && ok;
  if (ok) {
    t.eligible[C.RIGID] = 1;
    t.memberMask[C.RIGID] = f.remainingMask & ~f.individualMask;
  }
}

function disabilityLivingStep(t: Trace, f: Facts, h: Household, v: Float64Array): void {
  const widen = v[P.LIVING_WIDEN] === 1;
  const inDibao = t.eligible[C.DIBAO] === 1 || (widen && f.edgeOk);
  const scope = t.memberMask[C.DIBAO]! | (widen && f.edgeOk ? t.memberMask[C.EDGE]! : 0);
  const mask = scope & f.disabledMask;
  let disabled = 0;
  for (let i = 0; i < f.n; i++) if ((mask >>> i) & 1) disabled++;
  let ok = t.push(key(R.DISABILITYLIVING_DIBAOHOUSEHOLD, widen ? P.LIVING_WIDEN : P.NONE), inDibao, inDibao ? 1 : 0, 1, NaN);
  ok = t.push(key(R.DISABILITYLIVING_DISABLEDMEMBERS, P.NONE), disabled >= 1, disabled, 1, NaN) && ok;
  if (!ok) return;
  const each = v[P.LIVING]!;
  const members = h.members;
  for (let i = 0; i < f.n; i++) if ((mask >>> i) & 1) t.push(key(R.DISABILITYLIVING_AMOUNT, P.LIVING) | mb(i), true, members[i]!.disability!.grade, NaN, each);
  t.eligible[C.DLS] = 1;
  t.amountFen[C.DLS] = each * disabled;
  t.memberMask[C.DLS] = mask;
}

function disabilityCareStep(t: Trace, f: Facts, h: Household, v: Float64Array): void {
  let count = 0;
  let mask = 0;
  let amount = 0;
  const summary = t.n;
  t.push(key(R.DISABILITYCARE_SEVEREMEMBERS, P.NONE), false, 0, 1, NaN);
  if (f.disabledMask !== 0) {
    const members = h.members;
    for (let i = 0; i < f.n; i++) {
      if (((f.disabledMask >>> i) & 1) === 0) continue;
      const grade = members[i]!.disability!.grade;
      const param = grade === 1 ? P.CARE1 : P.CARE2;
      const severe = grade <= 2;
      const each = severe ? v[param]! : NaN;
      t.push(key(R.DISABILITYCARE_SEVEREGRADE, param) | mb(i), severe, grade, 2, each);
      if (severe) {
        count++;
        mask |= 1 << i;
        amount += each;
      }
    }
  }
  if (count > 0) {
    t.setOutcome(summary, true, count);
    t.eligible[C.DCS] = 1;
    t.amountFen[C.DCS] = amount;
    t.memberMask[C.DCS] = mask;
  }
}

/**
 * Evaluates every category for `h` under `policy` on `asOf` (YYYY-MM-DD or a yyyymmdd
 * integer) into `t`. Allocation-free apart from the trace growing past its capacity (and one
 * scratch object per Trace and one derived table per policy, made on first use).
 */
export function evaluateInto(t: Trace, h: Household, policy: CompiledPolicy, asOf: string | number): Trace {
  const v = policy.v;
  const asOfInt = typeof asOf === 'number' ? asOf : dateToInt(asOf);
  t.reset(maxRows(h));
  t.asOf = asOfInt;
  let f = t.scratch;
  if (f === null) f = t.scratch = new Facts();
  const d = derive(policy);
  f.individualMask = 0;
  membersAndIncome(t, f, h, v, d, asOfInt);
  assetFacts(f, h, v);
  orphanStep(t, f, h, v); // first: TEKUN leaves orphans to ORPHAN
  tekunStep(t, f, h, v, d); // then: TEKUN persons leave the household the layers assess
  dibaoStep(t, f, h, v);
  edgeStep(t, f, h, v);
  individualStep(t, f, h, v);
  rigidStep(t, f, h, v);
  disabilityLivingStep(t, f, h, v);
  disabilityCareStep(t, f, h, v);
  // TEMPORARY: never automatic.
  t.push(key(R.TEMPORARY_CASEWORKERASSESSMENT, P.NONE), false, NaN, NaN, NaN);
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
  /** For `tekun.supporter`: the supporter (masked ID), inside or outside the household. */
  supporter?: string | undefined;
  informational?: true | undefined;
}

/** One income item as the rules read it. */
export interface IncomeItemResult {
  member: string;
  type: string;
  monthly: number;
  counted: boolean;
  why: string;
  parameter: string | null;
}

/** A TEKUN person's support (特困人员 are assessed and supported one by one). */
export interface TekunPerson {
  member: string;
  placement: 'HOME' | 'INSTITUTION';
  selfCare: SelfCare | null;
  selfCareAssessed: boolean;
  basicLiving: number;
  care: number;
  monthlyAmount: number;
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
  /** Income-tested categories: the income items counted and not counted for it. */
  income?: { counted: IncomeItemResult[]; notCounted: IncomeItemResult[] };
  /** TEKUN: each person supported. */
  persons?: TekunPerson[];
  /** DIBAO when eligible: the household, or members included alone (单人保). */
  basis?: 'HOUSEHOLD' | 'INDIVIDUAL';
}

export interface PolicyTrace {
  regionCode: string;
  date: string;
  /** `value` is a number; a list parameter gives its codes in `list` (and their count as `value`). */
  parameters: Record<string, { value: number; list?: readonly string[]; regionCode: string; effectiveFrom: string; reference?: string }>;
}

export interface CountedMember {
  member: string;
  status: MemberStatus;
  counted: boolean;
  why: string;
}

export interface EligibilityResult {
  asOf: string;
  regionCode: string;
  /** Countable income of the counted members ÷ their number, rounded to the fen (display). */
  perCapitaMonthlyIncome: number;
  /** Extension: what the per-capita figure rests on. */
  income: { countableMonthlyTotal: number; nonCountableMonthlyTotal: number; members: number };
  /** Who is counted as a household member, and why others are not. */
  counted: { count: number; members: CountedMember[]; reference: string };
  /** Every income item, counted or not, and why. */
  incomeItems: IncomeItemResult[];
  /** Employment-cost deductions (就业成本扣减), per member. */
  incomeDeductions: { member: string; employmentIncome: number; deducted: number; parameter: string }[];
  /** Extension: each member as the rules saw them on `asOf` (age and sex from the resident ID). */
  people: { idNumber: string; age: number; sex: 'male' | 'female' }[];
  categories: CategoryResult[];
  /** The household's layer (TEKUN when every counted member is TEKUN, else DIBAO …); 单人保 alone does not make it DIBAO. */
  primary: CategoryCode | null;
  /** The parameter values used, each with where and since when it applies (OpenFisca-style). */
  policy: PolicyTrace;
}

/** Layers in order of precedence; the subsidies stack on them. */
const PRIMARY_ORDER: readonly number[] = [C.TEKUN, C.DIBAO, C.EDGE, C.RIGID, C.ORPHAN];
const INCOME_TESTED: readonly number[] = [C.DIBAO, C.TEKUN, C.EDGE, C.RIGID];

function scale(unit: Unit, x: number): number | null {
  if (Number.isNaN(x)) return null;
  return unit === 'yuan' ? fenToYuan(x) : x;
}

function intToDate(d: number): string {
  const s = String(d).padStart(8, '0');
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

const TEMPORARY_NOTE = RULE_LIST[R.TEMPORARY_CASEWORKERASSESSMENT]!.description;

const STATUS_WHY: Record<MemberStatus, string> = {
  NORMAL: '共同生活家庭成员: counted',
  SERVING_SENTENCE: '在监狱服刑: not counted',
  COMPULSORY_REHAB: '强制隔离戒毒: not counted',
  MISSING: '宣告失踪: not counted',
  CONSCRIPT: '义务兵: not counted',
  CLERGY_AWAY: '脱离家庭在宗教场所居住三年以上的宗教教职人员: not counted',
};
const INCOME_NAME: readonly string[] = [
  '工资性收入',
  '经营净收入',
  '财产净收入',
  '转移净收入',
  '养老金',
  '法定赡养、扶养、抚养义务人给付的赡养费、扶养费、抚养费',
  '优待抚恤金',
  '计划生育奖励与扶助金',
  '奖学金、助学金',
  '见义勇为奖金',
  '社会救助款物',
];

function incomeWhy(kind: number, counted: boolean, byList: boolean): string {
  if (kind === INCOME_KIND_V1_NON_COUNTABLE) return 'not counted: declared as non-countable income (nonCountableIncome)';
  if (kind === INCOME_KIND_LOCAL) return counted ? 'counted: a county item not on the county’s non-countable list' : 'not counted: on the county’s list (income.nonCountableTypes)';
  const name = INCOME_NAME[kind]!;
  if (byList) return `not counted: ${name}, on the county’s list (income.nonCountableTypes)`;
  return counted ? `counted: ${name}` : `not counted: ${name} (national list)`;
}

/** The policy part of every result for one compiled policy: built once, shared (frozen). */
const policyTraces = new WeakMap<CompiledPolicy, PolicyTrace>();
function policyTraceOf(policy: CompiledPolicy): PolicyTrace {
  let trace = policyTraces.get(policy);
  if (!trace) {
    const parameters: PolicyTrace['parameters'] = {};
    for (const [name, rp] of Object.entries(policy.resolved.parameters)) {
      if (!rp) continue;
      parameters[name] = Object.freeze({ value: rp.value, ...(rp.list ? { list: rp.list } : {}), regionCode: rp.regionCode, effectiveFrom: rp.effectiveFrom, ...(rp.reference ? { reference: rp.reference } : {}) });
    }
    trace = Object.freeze({ regionCode: policy.resolved.regionCode, date: policy.resolved.date, parameters: Object.freeze(parameters) });
    policyTraces.set(policy, trace);
  }
  return trace;
}

const INFORMATIONAL: readonly (true | undefined)[] = RULE_LIST.map((r) => ('informational' in r && r.informational ? true : undefined));
const RULE_UNIT: readonly Unit[] = RULE_LIST.map((r) => r.unit);
const RULE_BASES: readonly (readonly string[])[] = RULE_LIST.map((r) => BASIS_TABLES[('basis' in r ? r.basis : 'none') as BasisTable]);

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
  }
  const categories: CategoryResult[] = new Array(C.N);
  for (let c = 0; c < C.N; c++) {
    const mask = t.memberMask[c]!;
    const members: string[] = [];
    for (let i = 0; i < n; i++) if ((mask >>> i) & 1) members.push(masked[i]!);
    categories[c] = {
      code: CATEGORY_CODES[c]!,
      eligible: t.eligible[c] === 1,
      evaluated: c !== C.TEMPORARY,
      monthlyAmount: fenToYuan(t.amountFen[c]!),
      members,
      reasons: [],
      note: c === C.TEMPORARY ? TEMPORARY_NOTE : undefined,
    };
  }
  const countedMembers: CountedMember[] = new Array(n);
  const items: IncomeItemResult[] = [];
  const itemMember: number[] = [];
  const d = derive(policy);
  for (let i = 0; i < n; i++) {
    const m = h.members[i]!;
    countedMembers[i] = { member: masked[i]!, status: m.status, counted: m.counted, why: STATUS_WHY[m.status] };
    for (const item of m.incomes) {
      const c = incomeCounted(d, item);
      const byList = !c && (item.kind === INCOME_KIND_LOCAL || d.byList[item.kind] === 1);
      if (!c) nonCountable += item.fen;
      items.push({ member: masked[i]!, type: item.type, monthly: fenToYuan(item.fen), counted: c, why: incomeWhy(item.kind, c, byList), parameter: byList || item.kind === INCOME_KIND_LOCAL ? 'income.nonCountableTypes' : null });
      itemMember.push(i);
    }
  }
  const deductions: EligibilityResult['incomeDeductions'] = [];
  const persons = new Map<number, TekunPerson>();
  const num = t.rows;
  for (let i = 0; i < t.n; i++) {
    const rule = t.ruleAt(i);
    const member = t.memberAt(i);
    const basis = t.basisAt(i);
    const passed = t.passedAt(i);
    if (rule === R.INCOME_DEDUCTION) {
      deductions.push({ member: masked[member]!, employmentIncome: fenToYuan(num[i * 4 + 1]!), deducted: fenToYuan(num[i * 4 + 3]!), parameter: 'income.employmentCostDeduction' });
      continue;
    }
    const meta = RULE_LIST[rule]!;
    const unit = RULE_UNIT[rule]!;
    const p = t.paramAt(i);
    const amount = num[i * 4 + 3]!;
    let limit = num[i * 4 + 2]!;
    let supporter: string | undefined;
    if (rule === R.TEKUN_SUPPORTER) {
      supporter = limit >= K.INSIDE_REF ? masked[limit - K.INSIDE_REF] : maskId(h.supporters[limit]!.idNumber);
      limit = NaN;
    }
    const reason: Reason = {
      rule: meta.id,
      passed,
      actual: scale(unit, num[i * 4 + 1]!),
      limit: scale(unit, limit),
      parameter: p >= 0 ? PARAMETERS[p]!.name : null,
      reference: meta.reference,
      member: member >= 0 ? masked[member] : undefined,
      basis: basis > 0 ? RULE_BASES[rule]![basis] : undefined,
      amount: amount === amount ? fenToYuan(amount) : undefined,
      supporter,
      informational: INFORMATIONAL[rule],
    };
    categories[RULE_CATEGORY[rule]!]!.reasons.push(reason);
    if (rule === R.TEKUN_AMOUNT_BASIC || rule === R.TEKUN_AMOUNT_CARE) {
      let person = persons.get(member);
      if (!person) {
        const m = h.members[member]!;
        person = { member: masked[member]!, placement: m.placement, selfCare: m.selfCare, selfCareAssessed: m.selfCareAssessed, basicLiving: 0, care: 0, monthlyAmount: fenToYuan(t.tekunFen[member]!) };
        persons.set(member, person);
      }
      if (rule === R.TEKUN_AMOUNT_BASIC) person.basicLiving = fenToYuan(amount);
      else person.care = fenToYuan(amount);
    }
  }
  // Per income-tested category: the items of the members it assesses are counted as classified;
  // the others' items are not counted for it.
  for (const c of INCOME_TESTED) {
    const scope = c === C.TEKUN ? t.countedMask & ~t.memberMask[C.ORPHAN]! : c === C.DIBAO && !t.dibaoHousehold && t.eligible[C.DIBAO] ? t.memberMask[C.DIBAO]! : scopeOf(t, c);
    const counted: IncomeItemResult[] = [];
    const notCounted: IncomeItemResult[] = [];
    for (let k = 0; k < items.length; k++) {
      const item = items[k]!;
      const inScope = ((scope >>> itemMember[k]!) & 1) === 1;
      if (item.counted && inScope) counted.push(item);
      else if (!inScope) notCounted.push({ ...item, counted: false, why: `not counted for ${CATEGORY_CODES[c]}: ${((t.countedMask >>> itemMember[k]!) & 1) === 0 ? 'the member is not counted' : 'the member is assessed apart'}` });
      else notCounted.push(item);
    }
    categories[c]!.income = { counted, notCounted };
  }
  categories[C.TEKUN]!.persons = [...persons.values()];
  if (t.eligible[C.DIBAO] === 1) categories[C.DIBAO]!.basis = t.dibaoHousehold ? 'HOUSEHOLD' : 'INDIVIDUAL';
  let primary: CategoryCode | null = null;
  for (const c of PRIMARY_ORDER) {
    if (t.eligible[c] !== 1) continue;
    if (c === C.TEKUN && t.memberMask[C.TEKUN] !== t.countedMask && (t.eligible[C.DIBAO] === 1 || t.eligible[C.EDGE] === 1 || t.eligible[C.RIGID] === 1)) continue;
    if (c === C.DIBAO && !t.dibaoHousehold) continue;
    primary = CATEGORY_CODES[c]!;
    break;
  }
  let count = 0;
  for (let i = 0; i < n; i++) if ((t.countedMask >>> i) & 1) count++;
  return {
    asOf: intToDate(t.asOf),
    regionCode: h.regionCode,
    perCapitaMonthlyIncome: fenToYuan(t.perCapitaFen),
    income: { countableMonthlyTotal: fenToYuan(t.totalIncomeFen), nonCountableMonthlyTotal: fenToYuan(nonCountable), members: count },
    counted: { count, members: countedMembers, reference: REFS.members },
    incomeItems: items,
    incomeDeductions: deductions,
    people,
    categories,
    primary,
    policy: policyTraceOf(policy),
  };
}

/** The members whose income a layer assesses: counted, not TEKUN, and (but DIBAO) not included alone. */
function scopeOf(t: Trace, c: number): number {
  const remaining = t.countedMask & ~t.memberMask[C.TEKUN]!;
  return c === C.DIBAO ? remaining : remaining & ~(t.dibaoHousehold ? 0 : t.memberMask[C.DIBAO]!);
}

/** One household, the API's answer. (Batch callers: reuse a Trace with `evaluateInto`.) */
export function evaluateEligibility(h: Household, policy: CompiledPolicy, asOf: string): EligibilityResult {
  const t = evaluateInto(new Trace(), h, policy, asOf);
  return materialize(t, h, policy);
}

export function categoryIndex(code: CategoryCode): number {
  return CATEGORY_CODES.indexOf(code);
}
