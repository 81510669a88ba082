import { z } from 'zod';

/**
 * Policy parameters as data (OpenFisca-style): every value belongs to a region prefix (2, 4, 6,
 * 9 or 12 digits, or `CN` for the national default), carries the date it takes effect and its
 * legal reference. For a region and a date, each parameter resolves to the value of the longest
 * prefix that has a value in force on that date; among that prefix's values, the latest
 * `effectiveFrom` on or before the date wins.
 *
 * Pure: no AWS imports, no clock. Money parameters are yuan here (as the API speaks) and become
 * integer fen only in `compilePolicy`, where evaluation reads them.
 */

export type ParameterUnit = 'yuan' | 'months' | 'fraction' | 'flag' | 'days' | 'multiplier' | 'count' | 'mode' | 'list';

/** A parameter's value: a number, or (unit `list`) a list of codes such as a county's non-countable income types. */
export type ParameterValue = number | readonly string[];

export interface ParameterDef {
  name: string;
  unit: ParameterUnit;
  description: string;
}

/** API.md's parameter names, plus what the article's counties and the v2 rules need (marked "extension" or "v2"). */
export const PARAMETERS = [
  { name: 'dibao.standard.urban', unit: 'yuan', description: 'urban dibao standard, per person per month' },
  { name: 'dibao.standard.rural', unit: 'yuan', description: 'rural dibao standard, per person per month' },
  { name: 'dibao.depositCapMonths', unit: 'months', description: 'dibao: deposits ≤ standard × months × members' },
  { name: 'dibao.vehicleValueCap', unit: 'yuan', description: 'dibao: no vehicle above this value (mobility vehicles of disabled members exempt)' },
  { name: 'dibao.livingConditionsCheck', unit: 'mode', description: 'extension: housing and drinking-water safety in dibao recognition (庄浪): 0 = not used, 1 = a flag for the caseworker (does not decide), 2 = a condition (decides)' },
  { name: 'dibao.homesCap', unit: 'count', description: 'v2: dibao (and TEKUN, edge): at most this many homes (residential real estate)' },
  { name: 'dibao.nonResidentialCap', unit: 'count', description: 'v2: dibao (and TEKUN, edge): at most this many non-residential properties (shops, offices, …)' },
  { name: 'dibao.businessRegistrationExcludes', unit: 'flag', description: 'v2: 1 = a member with a registered business (工商登记) fails the dibao asset test (and TEKUN, edge)' },
  { name: 'dibao.farmMachineryValueCap', unit: 'yuan', description: 'v2: dibao (and TEKUN): no large farm machine above this value' },
  { name: 'income.employmentCostDeduction', unit: 'yuan', description: 'v2: 就业成本扣减: deducted from each member’s wage and business income, per month (at most that income)' },
  { name: 'income.nonCountableTypes', unit: 'list', description: 'v2: income types the county does not count, besides the national ones (e.g. PENSION, or its own LOCAL_… codes)' },
  { name: 'dibaoEdge.incomeMultiplier', unit: 'multiplier', description: 'dibao edge: per-capita income < standard × this' },
  { name: 'dibaoEdge.depositCapMonths', unit: 'months', description: 'dibao edge: deposits ≤ standard × months × members' },
  { name: 'dibaoEdge.vehicleValueCap', unit: 'yuan', description: 'dibao edge: no vehicle above this value' },
  { name: 'dibaoEdge.farmMachineryValueCap', unit: 'yuan', description: 'v2: dibao edge: no large farm machine above this value (庄浪: 8万 from 2024-08)' },
  { name: 'rigid.incomeLimitAnnual', unit: 'yuan', description: "rigid expenditure: last year's local per-capita disposable income" },
  { name: 'rigid.expenditureShare', unit: 'fraction', description: 'rigid expenditure: essential spending must exceed this share of annual household income' },
  { name: 'rigid.depositCapMonths', unit: 'months', description: 'rigid expenditure: deposits ≤ dibao standard × months × members' },
  { name: 'tekun.standard', unit: 'yuan', description: 'tekun basic living standard, per person per month (v1; the urban/rural values below win unless this one is set for a longer prefix)' },
  { name: 'tekun.standard.urban', unit: 'yuan', description: 'v2: tekun basic living standard, urban, per person per month' },
  { name: 'tekun.standard.rural', unit: 'yuan', description: 'v2: tekun basic living standard, rural, per person per month' },
  { name: 'tekun.basicLivingMultiplier', unit: 'multiplier', description: 'v2: the basic living standard is at least this × the dibao standard (urban/rural)' },
  { name: 'tekun.care.full', unit: 'yuan', description: 'v2: tekun care standard, 全自理 (full self-care), per person per month' },
  { name: 'tekun.care.partial', unit: 'yuan', description: 'v2: tekun care standard, 半护理 (partly unable), per person per month' },
  { name: 'tekun.care.none', unit: 'yuan', description: 'v2: tekun care standard, 全护理 (unable to care for oneself), per person per month' },
  { name: 'supplement.elderly70', unit: 'fraction', description: '分类施保: members aged 70–79, share of the dibao standard' },
  { name: 'supplement.elderly80', unit: 'fraction', description: '分类施保: members aged 80+, share of the dibao standard' },
  { name: 'supplement.minor', unit: 'fraction', description: '分类施保: members under 18, share of the dibao standard' },
  { name: 'supplement.severeDisability', unit: 'fraction', description: '分类施保: members with disability grade 1–2, share of the dibao standard' },
  { name: 'supplement.seriousIllness', unit: 'fraction', description: '分类施保: seriously ill members, share of the dibao standard' },
  { name: 'disability.livingSubsidy', unit: 'yuan', description: '困难残疾人生活补贴 per disabled member per month' },
  { name: 'disability.livingSubsidy.widenToEdge', unit: 'flag', description: 'extension: 1 = the living subsidy also reaches dibao-edge households (widened locally)' },
  { name: 'disability.careSubsidy.grade1', unit: 'yuan', description: '重度残疾人护理补贴, grade 1, per month' },
  { name: 'disability.careSubsidy.grade2', unit: 'yuan', description: '重度残疾人护理补贴, grade 2, per month' },
  { name: 'orphan.basicLiving', unit: 'yuan', description: '孤儿基本生活保障 per orphan per month (at home: 社会散居; also 事实无人抚养儿童)' },
  { name: 'orphan.basicLiving.institution', unit: 'yuan', description: 'v2: 孤儿基本生活保障 per orphan per month in an institution (机构集中养育)' },
  { name: 'medical.rapidHelp.resident', unit: 'yuan', description: "rapid help: a resident's own medical cost in a year above this" },
  { name: 'medical.rapidHelp.keyRecipient', unit: 'yuan', description: "rapid help: a key recipient's own medical cost in a year above this" },
  { name: 'monitoring.milestoneLeadDays', unit: 'days', description: 'warn this many days before an age milestone' },
  // Procedure (functions/domain/procedure.ts): read by the workflows, not by eligibility.
  { name: 'review.townDecides', unit: 'flag', description: '1 = the county has authorized its towns to decide (审核确认权限下放): the town’s decision is final' },
  { name: 'dibao.gradualExitMonths', unit: 'months', description: '渐退期: months a DIBAO household lifted above the standard by work keeps its benefit' },
  { name: 'temporary.townApprovalCap', unit: 'yuan', description: '临时救助: the largest 急难型 grant a town approves at once (aid first, papers after)' },
  // 两项政策 merger (functions/domain/merger.ts): the OTHER_HARDSHIP layer's local rule; absent = no such layer there.
  { name: 'otherHardship.incomeMultiplier', unit: 'multiplier', description: 'extension: 其他困难人员 — per-capita income < dibao standard × this' },
  { name: 'otherHardship.depositCapMonths', unit: 'months', description: 'extension: 其他困难人员 — deposits ≤ dibao standard × months × members' },
  { name: 'employment.skillCertificateGrant', unit: 'yuan', description: 'extension (发展型帮扶): one-off grant to an assisted person per skills or professional certificate obtained (宁阳: 600); 0 = none' },
] as const satisfies readonly ParameterDef[];

export type ParameterName = (typeof PARAMETERS)[number]['name'];
export const PARAMETER_NAMES = PARAMETERS.map((p) => p.name) as unknown as readonly [ParameterName, ...ParameterName[]];
export const PARAMETER_COUNT = PARAMETERS.length;
const INDEX = new Map<string, number>(PARAMETERS.map((p, i) => [p.name, i]));

export function parameterIndex(name: ParameterName): number {
  return INDEX.get(name)!;
}

export function parameterDef(name: string): (typeof PARAMETERS)[number] | undefined {
  const i = INDEX.get(name);
  return i === undefined ? undefined : PARAMETERS[i];
}

export const parameterNameSchema = z.enum(PARAMETER_NAMES, { error: `unknown parameter; known: ${PARAMETER_NAMES.join(', ')}` });

/** `CN` or a region prefix of 2, 4, 6, 9 or 12 digits. */
export const policyRegionSchema = z
  .string()
  .regex(/^(CN|\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, 'policy region must be CN or a region code of 2, 4, 6, 9 or 12 digits')
  .refine((c) => c === 'CN' || !c.startsWith('00'), 'region code must start with a province code');

/** A real calendar date, YYYY-MM-DD. */
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a real calendar date');

const LIST_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Checks a value against its parameter's unit; returns a message, or undefined when fine. */
export function valueProblem(name: ParameterName, value: ParameterValue): string | undefined {
  const unit = parameterDef(name)!.unit;
  if (unit === 'list') {
    if (!Array.isArray(value)) return 'value must be a list of codes';
    if (value.length > 100) return 'at most 100 codes';
    const bad = value.find((c) => typeof c !== 'string' || !LIST_CODE.test(c));
    return bad === undefined ? undefined : `not a code (A–Z, 0–9, _): ${String(bad)}`;
  }
  if (typeof value !== 'number') return 'value must be a number';
  if (!Number.isFinite(value) || value < 0) return 'value must be a finite number ≥ 0';
  switch (unit) {
    case 'yuan':
      if (value > 100_000_000) return 'value too large';
      if (Math.abs(value * 100 - Math.round(value * 100)) > 1e-6) return 'money has at most 2 decimals';
      return undefined;
    case 'months':
    case 'days':
      return Number.isInteger(value) && value <= 1200 ? undefined : 'value must be a whole number ≤ 1200';
    case 'flag':
      return value === 0 || value === 1 ? undefined : 'value must be 0 or 1';
    case 'mode':
      return value === 0 || value === 1 || value === 2 ? undefined : 'value must be 0, 1 or 2';
    case 'count':
      return Number.isInteger(value) && value <= 1000 ? undefined : 'value must be a whole number ≤ 1000';
    case 'fraction':
      return value <= 10 ? undefined : 'value must be a fraction ≤ 10';
    case 'multiplier':
      return value <= 100 ? undefined : 'value must be ≤ 100';
  }
}

/** One dated value of one parameter for one region prefix (what the Policies table stores). */
export interface PolicyValue {
  regionCode: string;
  parameter: ParameterName;
  value: ParameterValue;
  effectiveFrom: string;
  /** When it was written (ISO instant). */
  setAt: string;
  setBy?: string;
  reference?: string;
}

export interface ResolvedParameter {
  /** The number; for a list parameter, how many codes it lists (the codes are in `list`). */
  value: number;
  list?: readonly string[];
  /** The prefix the value came from (`CN` or digits). */
  regionCode: string;
  effectiveFrom: string;
  setAt: string;
  reference?: string;
}

export interface ResolvedPolicy {
  regionCode: string;
  date: string;
  parameters: Partial<Record<ParameterName, ResolvedParameter>>;
}

/** The prefixes whose values apply to `regionCode`, longest first, ending with `CN`. */
export function policyPrefixes(regionCode: string): string[] {
  if (regionCode === 'CN') return ['CN'];
  const out: string[] = [];
  for (const n of [12, 9, 6, 4, 2]) if (regionCode.length >= n) out.push(regionCode.slice(0, n));
  out.push('CN');
  return out;
}

/**
 * Longest prefix with a value in force wins; within it, the latest effectiveFrom ≤ date (ties
 * broken by the later setAt). A prefix whose values all start after `date` does not shadow a
 * shorter prefix (so a county's change from 2024-08-01 leaves the national value in force
 * before it).
 */
export function resolvePolicy(values: readonly PolicyValue[], regionCode: string, date: string): ResolvedPolicy {
  const rank = new Map<string, number>(policyPrefixes(regionCode).map((p, i) => [p, i]));
  const best = new Map<string, { v: PolicyValue; rank: number }>();
  for (const v of values) {
    const r = rank.get(v.regionCode);
    if (r === undefined || v.effectiveFrom > date) continue;
    const cur = best.get(v.parameter);
    if (
      !cur ||
      r < cur.rank ||
      (r === cur.rank && (v.effectiveFrom > cur.v.effectiveFrom || (v.effectiveFrom === cur.v.effectiveFrom && v.setAt > cur.v.setAt)))
    ) {
      best.set(v.parameter, { v, rank: r });
    }
  }
  const parameters: Partial<Record<ParameterName, ResolvedParameter>> = {};
  for (const name of PARAMETER_NAMES) {
    const b = best.get(name);
    if (!b) continue;
    const raw = b.v.value;
    parameters[name] = {
      ...(typeof raw === 'number' ? { value: raw } : { value: raw.length, list: raw }),
      regionCode: b.v.regionCode,
      effectiveFrom: b.v.effectiveFrom,
      setAt: b.v.setAt,
      ...(b.v.reference ? { reference: b.v.reference } : {}),
    };
  }
  return { regionCode, date, parameters };
}

export class PolicyIncompleteError extends Error {
  constructor(readonly missing: ParameterName[]) {
    super(`no value in force for: ${missing.join(', ')}`);
    this.name = 'PolicyIncompleteError';
  }
}

/**
 * The resolved policy in the form evaluation reads: one Float64Array indexed by parameter
 * index, money in integer fen, everything else as given. Built once per (region, date).
 */
export interface CompiledPolicy {
  resolved: ResolvedPolicy;
  /** By parameter index; money in fen (list parameters: their length). */
  v: Float64Array;
  /** List parameters by name (empty when not set). */
  lists: Partial<Record<ParameterName, readonly string[]>>;
}

/** Read by the procedure (workflows), with their own defaults: never needed to evaluate. */
const PROCEDURE_PARAMETERS: ReadonlySet<string> = new Set(['review.townDecides', 'dibao.gradualExitMonths', 'temporary.townApprovalCap']);

/** Parameters evaluation needs; the others (monitoring's, procedure's, the merger's, switches and lists) may be absent. */
const NEEDED_FOR_EVALUATION: readonly ParameterName[] = PARAMETER_NAMES.filter((n) => {
  const unit = parameterDef(n)!.unit;
  return !n.startsWith('medical.') && !n.startsWith('monitoring.') && !n.startsWith('otherHardship.') && !n.startsWith('employment.') && !PROCEDURE_PARAMETERS.has(n) && unit !== 'flag' && unit !== 'mode' && unit !== 'list';
});

export function compilePolicy(resolved: ResolvedPolicy): CompiledPolicy {
  const missing = NEEDED_FOR_EVALUATION.filter((n) => resolved.parameters[n] === undefined);
  if (missing.length) throw new PolicyIncompleteError(missing);
  const v = new Float64Array(PARAMETER_COUNT);
  const lists: CompiledPolicy['lists'] = {};
  PARAMETERS.forEach((def, i) => {
    const rp = resolved.parameters[def.name];
    if (def.unit === 'list') {
      lists[def.name] = rp?.list ?? [];
      v[i] = rp?.list?.length ?? 0;
    } else {
      const value = rp?.value ?? 0;
      v[i] = def.unit === 'yuan' ? Math.round(value * 100) : value;
    }
  });
  return { resolved, v, lists };
}

/**
 * Memoizes compiled policies per (region, date) for batch evaluation (monitoring runs,
 * benchmarks): resolution happens once, evaluation then only reads a Float64Array.
 */
export class PolicyCache {
  private readonly cache = new Map<string, CompiledPolicy>();
  constructor(
    private readonly values: readonly PolicyValue[],
    private readonly maxEntries = 10_000,
  ) {}

  get(regionCode: string, date: string): CompiledPolicy {
    const key = `${regionCode}|${date}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = compilePolicy(resolvePolicy(this.values, regionCode, date));
      if (this.cache.size >= this.maxEntries) this.cache.clear();
      this.cache.set(key, hit);
    }
    return hit;
  }
}
