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

export type ParameterUnit = 'yuan' | 'months' | 'fraction' | 'flag' | 'days' | 'multiplier';

export interface ParameterDef {
  name: string;
  unit: ParameterUnit;
  description: string;
}

/** API.md's parameter names, plus two flags the article's counties need (marked "extension"). */
export const PARAMETERS = [
  { name: 'dibao.standard.urban', unit: 'yuan', description: 'urban dibao standard, per person per month' },
  { name: 'dibao.standard.rural', unit: 'yuan', description: 'rural dibao standard, per person per month' },
  { name: 'dibao.depositCapMonths', unit: 'months', description: 'dibao: deposits ≤ standard × months × members' },
  { name: 'dibao.vehicleValueCap', unit: 'yuan', description: 'dibao: no vehicle above this value (mobility vehicles of disabled members exempt)' },
  { name: 'dibao.livingConditionsCheck', unit: 'flag', description: 'extension: 1 = report housing and drinking-water safety in dibao recognition (庄浪)' },
  { name: 'dibaoEdge.incomeMultiplier', unit: 'multiplier', description: 'dibao edge: per-capita income < standard × this' },
  { name: 'dibaoEdge.depositCapMonths', unit: 'months', description: 'dibao edge: deposits ≤ standard × months × members' },
  { name: 'dibaoEdge.vehicleValueCap', unit: 'yuan', description: 'dibao edge: no vehicle above this value' },
  { name: 'rigid.incomeLimitAnnual', unit: 'yuan', description: "rigid expenditure: last year's local per-capita disposable income" },
  { name: 'rigid.expenditureShare', unit: 'fraction', description: 'rigid expenditure: essential spending must exceed this share of annual household income' },
  { name: 'rigid.depositCapMonths', unit: 'months', description: 'rigid expenditure: deposits ≤ dibao standard × months × members' },
  { name: 'tekun.standard', unit: 'yuan', description: 'tekun basic living standard, per person per month' },
  { name: 'supplement.elderly70', unit: 'fraction', description: '分类施保: members aged 70–79, share of the dibao standard' },
  { name: 'supplement.elderly80', unit: 'fraction', description: '分类施保: members aged 80+, share of the dibao standard' },
  { name: 'supplement.minor', unit: 'fraction', description: '分类施保: members under 18, share of the dibao standard' },
  { name: 'supplement.severeDisability', unit: 'fraction', description: '分类施保: members with disability grade 1–2, share of the dibao standard' },
  { name: 'supplement.seriousIllness', unit: 'fraction', description: '分类施保: seriously ill members, share of the dibao standard' },
  { name: 'disability.livingSubsidy', unit: 'yuan', description: '困难残疾人生活补贴 per disabled member per month' },
  { name: 'disability.livingSubsidy.widenToEdge', unit: 'flag', description: 'extension: 1 = the living subsidy also reaches dibao-edge households (widened locally)' },
  { name: 'disability.careSubsidy.grade1', unit: 'yuan', description: '重度残疾人护理补贴, grade 1, per month' },
  { name: 'disability.careSubsidy.grade2', unit: 'yuan', description: '重度残疾人护理补贴, grade 2, per month' },
  { name: 'orphan.basicLiving', unit: 'yuan', description: '孤儿基本生活保障 per orphan per month' },
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

/** Checks a value against its parameter's unit; returns a message, or undefined when fine. */
export function valueProblem(name: ParameterName, value: number): string | undefined {
  if (!Number.isFinite(value) || value < 0) return 'value must be a finite number ≥ 0';
  const unit = parameterDef(name)!.unit;
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
  value: number;
  effectiveFrom: string;
  /** When it was written (ISO instant). */
  setAt: string;
  setBy?: string;
  reference?: string;
}

export interface ResolvedParameter {
  value: number;
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
    parameters[name] = {
      value: b.v.value,
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
  /** By parameter index; money in fen. */
  v: Float64Array;
}

/** Read by the procedure (workflows), with their own defaults: never needed to evaluate. */
const PROCEDURE_PARAMETERS: ReadonlySet<string> = new Set(['review.townDecides', 'dibao.gradualExitMonths', 'temporary.townApprovalCap']);

/** Parameters evaluation needs; the others (monitoring's) may be absent. */
const NEEDED_FOR_EVALUATION: readonly ParameterName[] = PARAMETER_NAMES.filter(
  (n) => !n.startsWith('medical.') && !n.startsWith('monitoring.') && !n.startsWith('otherHardship.') && !n.startsWith('employment.') && !PROCEDURE_PARAMETERS.has(n) && parameterDef(n)!.unit !== 'flag',
);

export function compilePolicy(resolved: ResolvedPolicy): CompiledPolicy {
  const missing = NEEDED_FOR_EVALUATION.filter((n) => resolved.parameters[n] === undefined);
  if (missing.length) throw new PolicyIncompleteError(missing);
  const v = new Float64Array(PARAMETER_COUNT);
  PARAMETERS.forEach((def, i) => {
    const value = resolved.parameters[def.name]?.value ?? 0;
    v[i] = def.unit === 'yuan' ? Math.round(value * 100) : value;
  });
  return { resolved, v };
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
