import { evaluateEligibility, type CategoryCode, type EligibilityResult, type Reason } from '../../../functions/domain/eligibility.ts';
import { householdSchema, type Household } from '../../../functions/domain/household.ts';
import { compilePolicy, resolvePolicy, type CompiledPolicy, type ParameterName, type PolicyValue } from '../../../functions/domain/policy.ts';
import { checkCharacter } from '../../../functions/domain/resident-id.ts';

export const AS_OF = '2026-11-28';
export const VILLAGE = '610124121200';

/** A valid resident ID for a birth date (YYYY-MM-DD) and a sequence number (odd = male). */
export function makeId(birthDate: string, seq = 1, area = '610124'): string {
  const first17 = `${area}${birthDate.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

/** The birth date of someone who is `years` old on `asOf`, shifted by `days` (negative = older). */
export function birthDateForAge(years: number, asOf = AS_OF, days = 0): string {
  const [y, m, d] = asOf.split('-').map(Number) as [number, number, number];
  const dt = new Date(Date.UTC(y - years, m - 1, d + days));
  return dt.toISOString().slice(0, 10);
}

let seq = 1;
export interface MemberOpts {
  age?: number;
  /** Birth date instead of age. */
  birth?: string;
  income?: number;
  disability?: { category: string; grade: number } | null;
  seriousIllness?: boolean;
  inSchool?: boolean;
  orphaned?: boolean;
  laborAbility?: 'full' | 'partial' | 'none';
  relation?: string;
  /** v2: income items instead of `income` (v1 monthlyIncome). */
  incomes?: { type: string; monthly: number }[];
  status?: string;
  schoolLevel?: string;
  selfCare?: string;
  selfCareItems?: Record<string, string>;
  factuallyUnsupported?: boolean;
  placement?: 'HOME' | 'INSTITUTION';
  individualInclusion?: boolean;
}

export function memberInput(o: MemberOpts = {}) {
  const birth = o.birth ?? birthDateForAge(o.age ?? 40);
  seq = (seq % 997) + 2;
  return {
    name: '测试',
    idNumber: makeId(birth, seq),
    relation: o.relation ?? 'self',
    disability: o.disability ?? null,
    seriousIllness: o.seriousIllness ?? false,
    laborAbility: o.laborAbility ?? 'full',
    inSchool: o.inSchool ?? false,
    orphaned: o.orphaned ?? false,
    ...(o.incomes ? { incomes: o.incomes } : { monthlyIncome: o.income ?? 0 }),
    ...(o.status ? { status: o.status } : {}),
    ...(o.schoolLevel ? { schoolLevel: o.schoolLevel } : {}),
    ...(o.selfCare ? { selfCare: o.selfCare } : {}),
    ...(o.selfCareItems ? { selfCareItems: o.selfCareItems } : {}),
    ...(o.factuallyUnsupported ? { factuallyUnsupported: true } : {}),
    ...(o.placement ? { placement: o.placement } : {}),
    ...(o.individualInclusion ? { individualInclusion: true } : {}),
  };
}

export interface SupporterOpts {
  able?: boolean;
  inability?: string[];
  /** Birth date (default 1970-01-01). */
  birth?: string;
  /** Member indexes this person supports (default: all). */
  supports?: number[];
}

export interface HouseholdOpts {
  members?: MemberOpts[];
  hukouType?: 'urban' | 'rural';
  deposits?: number;
  vehicles?: { value: number; forDisabilityMobility?: boolean }[];
  rigid?: { medical?: number; education?: number; rehabilitation?: number };
  supporters?: (boolean | SupporterOpts)[];
  housingSafe?: boolean;
  drinkingWaterSafe?: boolean;
  regionCode?: string;
  properties?: number;
  nonResidentialProperties?: number;
  businessRegistered?: boolean;
  farmMachinery?: number[];
  rigidV2?: { basicLiving?: number; accident?: number };
}

export function householdInput(o: HouseholdOpts = {}) {
  const members = (o.members ?? [{}]).map(memberInput);
  return {
    regionCode: o.regionCode ?? VILLAGE,
    address: '测试地址',
    hukouType: o.hukouType ?? 'rural',
    members,
    assets: {
      deposits: o.deposits ?? 0,
      vehicles: o.vehicles ?? [],
      properties: o.properties ?? 1,
      businessRegistered: o.businessRegistered ?? false,
      ...(o.nonResidentialProperties !== undefined ? { nonResidentialProperties: o.nonResidentialProperties } : {}),
      ...(o.farmMachinery ? { farmMachinery: o.farmMachinery.map((value) => ({ value })) } : {}),
    },
    livingConditions: { housingSafe: o.housingSafe ?? true, drinkingWaterSafe: o.drinkingWaterSafe ?? true },
    rigidExpenditure12m: { medical: o.rigid?.medical ?? 0, education: o.rigid?.education ?? 0, rehabilitation: o.rigid?.rehabilitation ?? 0, ...(o.rigidV2 ?? {}) },
    supporters: (o.supporters ?? []).map((s, i) => {
      const opts: SupporterOpts = typeof s === 'boolean' ? { able: s } : s;
      return {
        name: '义务人',
        idNumber: makeId(opts.birth ?? '1970-01-01', 101 + 2 * i),
        ...(opts.able !== undefined ? { able: opts.able } : {}),
        ...(opts.inability ? { inability: opts.inability } : {}),
        ...(opts.supports ? { supports: opts.supports.map((k) => members[k]!.idNumber) } : {}),
      };
    }),
  };
}

export function household(o: HouseholdOpts = {}): Household {
  return householdSchema.parse(householdInput(o));
}

/** Round test figures (yuan etc.), so every limit in the tables below is obvious. */
export const TEST_PARAMS: Record<ParameterName, number | string[]> = {
  'dibao.standard.urban': 800,
  'dibao.standard.rural': 600,
  'dibao.depositCapMonths': 24,
  'dibao.vehicleValueCap': 50000,
  'dibao.livingConditionsCheck': 0,
  'dibao.homesCap': 1,
  'dibao.nonResidentialCap': 0,
  'dibao.businessRegistrationExcludes': 1,
  'dibao.farmMachineryValueCap': 50000,
  'income.employmentCostDeduction': 0,
  'income.nonCountableTypes': [],
  'dibaoEdge.farmMachineryValueCap': 80000,
  'dibaoEdge.incomeMultiplier': 1.5,
  'dibaoEdge.depositCapMonths': 36,
  'dibaoEdge.vehicleValueCap': 80000,
  'rigid.incomeLimitAnnual': 36000,
  'rigid.expenditureShare': 0.5,
  'rigid.depositCapMonths': 42,
  'tekun.standard': 1000,
  'tekun.standard.urban': 1200,
  'tekun.standard.rural': 1000,
  'tekun.basicLivingMultiplier': 1.3,
  'tekun.care.full': 100,
  'tekun.care.partial': 300,
  'tekun.care.none': 600,
  'supplement.elderly70': 0.1,
  'supplement.elderly80': 0.2,
  'supplement.minor': 0.1,
  'supplement.severeDisability': 0.2,
  'supplement.seriousIllness': 0.15,
  'disability.livingSubsidy': 100,
  'disability.livingSubsidy.widenToEdge': 0,
  'disability.careSubsidy.grade1': 150,
  'disability.careSubsidy.grade2': 100,
  'orphan.basicLiving': 1500,
  'orphan.basicLiving.institution': 1800,
  'medical.rapidHelp.resident': 50000,
  'medical.rapidHelp.keyRecipient': 10000,
  'monitoring.milestoneLeadDays': 30,
  'review.townDecides': 0,
  'dibao.gradualExitMonths': 6,
  'temporary.townApprovalCap': 2000,
  'otherHardship.incomeMultiplier': 2,
  'otherHardship.depositCapMonths': 48,
  'employment.skillCertificateGrant': 0,
};

export function testValues(overrides: Partial<Record<ParameterName, number | string[]>> = {}): PolicyValue[] {
  return Object.entries({ ...TEST_PARAMS, ...overrides }).map(([parameter, value]) => ({
    regionCode: 'CN',
    parameter: parameter as ParameterName,
    value,
    effectiveFrom: '2000-01-01',
    setAt: '2025-01-01T00:00:00.000Z',
    reference: 'test',
  }));
}

export function testPolicy(overrides: Partial<Record<ParameterName, number | string[]>> = {}, regionCode = VILLAGE, date = AS_OF): CompiledPolicy {
  return compilePolicy(resolvePolicy(testValues(overrides), regionCode, date));
}

export function evaluate(h: Household, policy: CompiledPolicy = testPolicy(), asOf = AS_OF): EligibilityResult {
  return evaluateEligibility(h, policy, asOf);
}

export function category(r: EligibilityResult, code: CategoryCode) {
  const c = r.categories.find((x) => x.code === code);
  if (!c) throw new Error(`no category ${code}`);
  return c;
}

export function reasons(r: EligibilityResult, code: CategoryCode, rule: string): Reason[] {
  return category(r, code).reasons.filter((x) => x.rule === rule);
}

export function reason(r: EligibilityResult, code: CategoryCode, rule: string): Reason {
  const found = reasons(r, code, rule);
  if (found.length !== 1) throw new Error(`expected one ${rule} in ${code}, found ${found.length}`);
  return found[0]!;
}
