import { evaluateInto, materialize, Trace, type CategoryCode, type EligibilityResult } from './eligibility.ts';
import type { Household } from './household.ts';
import { parameterIndex, type CompiledPolicy, type ParameterName } from './policy.ts';

/**
 * 两项政策衔接并轨 (DOMAIN.md "两项政策 merger"): the rural prevention system's monitoring objects
 * (防止返贫致贫监测对象) are imported, classified by the rules into a social-assistance layer, keep a
 * label saying where they came from, and are assessed by village → town → city (市镇村三级研判).
 * Pure: parsing, validation, classification, coverage arithmetic. No I/O.
 */

// ---------------------------------------------------------------- layers and labels

/** The layers a monitoring object can be put into; OTHER_HARDSHIP is the merger's own (其他困难人员). */
export const LAYERS = ['TEKUN', 'DIBAO', 'DIBAO_EDGE', 'RIGID_EXPENDITURE', 'OTHER_HARDSHIP'] as const;
export type Layer = (typeof LAYERS)[number];
export const OTHER_HARDSHIP = 'OTHER_HARDSHIP' as const;

/** Risk types of the prevention system (因病, 因残, 因学, 因灾, 因意外, 因务工就业不稳, 其他). */
export const RISK_TYPES = ['ILLNESS', 'DISABILITY', 'EDUCATION', 'DISASTER', 'ACCIDENT', 'UNSTABLE_EMPLOYMENT', 'OTHER'] as const;
export type RiskType = (typeof RISK_TYPES)[number];

export const LABEL_CODES = ['FORMER_PREVENTION_MONITORING'] as const;
export type LabelCode = (typeof LABEL_CODES)[number];

/** A household label (API.md v2): where the household came from, kept after the merger. */
export interface HouseholdLabel {
  code: LabelCode;
  riskTypes: RiskType[];
  /** When the prevention system identified it (the earliest identifiedOn of its rows). */
  since: string;
}

/** Adds or merges a label (same code: risk types united, the earlier `since` kept). */
export function mergeLabel(labels: readonly HouseholdLabel[] | undefined, label: HouseholdLabel): HouseholdLabel[] {
  const out = [...(labels ?? [])];
  const i = out.findIndex((l) => l.code === label.code);
  if (i < 0) return [...out, label];
  const cur = out[i]!;
  const riskTypes = RISK_TYPES.filter((r) => cur.riskTypes.includes(r) || label.riskTypes.includes(r));
  out[i] = { code: cur.code, riskTypes, since: cur.since < label.since ? cur.since : label.since };
  return out;
}

export function sameLabels(a: readonly HouseholdLabel[] | undefined, b: readonly HouseholdLabel[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

// ---------------------------------------------------------------- OTHER_HARDSHIP: a dated local rule

/**
 * 其他困难人员 is set locally (the article names the layer, not its rule): here a household that is
 * in none of the four layers, faces a recorded risk, has per-capita income below the dibao
 * standard × `otherHardship.incomeMultiplier` and deposits within the standard ×
 * `otherHardship.depositCapMonths` × members. Both are dated policy parameters per region
 * prefix; where none is in force the layer does not exist (the reason says so).
 */
export const OTHER_HARDSHIP_PARAMETERS = ['otherHardship.incomeMultiplier', 'otherHardship.depositCapMonths'] as const satisfies readonly ParameterName[];
export const OTHER_HARDSHIP_REFERENCE =
  '“两项政策”衔接并轨：符合条件的原防止返贫致贫监测对象分类纳入低保、特困、低保边缘家庭、刚性支出困难家庭、其他困难人员等范围并标注（《瞭望》2025）；认定条件由地方确定';

export interface MergerReason {
  rule: string;
  passed: boolean;
  actual: number | null;
  limit: number | null;
  parameter: string | null;
  reference: string;
}

export interface Classification {
  layer: Layer | null;
  /** Monthly amount (fen) the layer pays the household (0 for layers without a cash benefit). */
  monthlyAmountFen: number;
  /** The reasons of the layer chosen; when none, the failed rules of the last two layers tried. */
  reasons: MergerReason[];
  perCapitaMonthlyIncomeFen: number;
}

const yuan = (fen: number) => Math.round(fen) / 100;

export function otherHardshipReasons(h: Household, t: Trace, policy: CompiledPolicy, riskTypes: readonly string[], inLayer: boolean): { eligible: boolean; reasons: MergerReason[] } {
  const p = policy.resolved.parameters;
  const mult = p['otherHardship.incomeMultiplier' as ParameterName];
  const months = p['otherHardship.depositCapMonths' as ParameterName];
  const reasons: MergerReason[] = [];
  reasons.push({ rule: 'otherHardship.exclusion.notInOtherLayers', passed: !inLayer, actual: inLayer ? 1 : 0, limit: 0, parameter: null, reference: OTHER_HARDSHIP_REFERENCE });
  if (!mult || !months) {
    reasons.push({ rule: 'otherHardship.localRuleInForce', passed: false, actual: null, limit: null, parameter: 'otherHardship.incomeMultiplier', reference: 'no local OTHER_HARDSHIP parameters in force for this region and date' });
    return { eligible: false, reasons };
  }
  const std = policy.v[parameterIndex(h.urban ? 'dibao.standard.urban' : 'dibao.standard.rural')]!;
  const incomeLimit = Math.round(std * mult.value);
  const incomeOk = t.perCapitaFen < incomeLimit;
  reasons.push({ rule: 'otherHardship.income.belowMultiple', passed: incomeOk, actual: yuan(t.perCapitaFen), limit: yuan(incomeLimit), parameter: 'otherHardship.incomeMultiplier', reference: mult.reference ?? OTHER_HARDSHIP_REFERENCE });
  const cap = std * months.value * h.members.length;
  const depositsOk = h.depositsFen <= cap;
  reasons.push({ rule: 'otherHardship.assets.deposits', passed: depositsOk, actual: yuan(h.depositsFen), limit: yuan(cap), parameter: 'otherHardship.depositCapMonths', reference: months.reference ?? OTHER_HARDSHIP_REFERENCE });
  const risk = riskTypes.length > 0;
  reasons.push({ rule: 'otherHardship.risk.recorded', passed: risk, actual: riskTypes.length, limit: 1, parameter: null, reference: OTHER_HARDSHIP_REFERENCE });
  return { eligible: !inLayer && incomeOk && depositsOk && risk, reasons };
}

const CODE_OF_LAYER: Record<Exclude<Layer, 'OTHER_HARDSHIP'>, CategoryCode> = { TEKUN: 'TEKUN', DIBAO: 'DIBAO', DIBAO_EDGE: 'DIBAO_EDGE', RIGID_EXPENDITURE: 'RIGID_EXPENDITURE' };

function reasonsOf(result: EligibilityResult, code: CategoryCode, onlyFailed: boolean): MergerReason[] {
  const c = result.categories.find((x) => x.code === code);
  return (c?.reasons ?? [])
    .filter((r) => !r.member && (!onlyFailed || (!r.passed && !r.informational)))
    .map((r) => ({ rule: r.rule, passed: r.passed, actual: r.actual, limit: r.limit, parameter: r.parameter, reference: r.reference }));
}

/**
 * The rules engine first (functions/domain/eligibility.ts, unchanged), then OTHER_HARDSHIP for a
 * household in none of the four layers. Reuse one Trace per batch.
 */
export function classify(h: Household, policy: CompiledPolicy, asOf: string, riskTypes: readonly string[], t: Trace = new Trace()): Classification {
  evaluateInto(t, h, policy, asOf);
  const result = materialize(t, h, policy);
  for (const layer of ['TEKUN', 'DIBAO', 'DIBAO_EDGE', 'RIGID_EXPENDITURE'] as const) {
    const c = result.categories.find((x) => x.code === CODE_OF_LAYER[layer]);
    if (c?.eligible) return { layer, monthlyAmountFen: Math.round(c.monthlyAmount * 100), reasons: reasonsOf(result, c.code, false), perCapitaMonthlyIncomeFen: t.perCapitaFen };
  }
  const other = otherHardshipReasons(h, t, policy, riskTypes, false);
  if (other.eligible) return { layer: OTHER_HARDSHIP, monthlyAmountFen: 0, reasons: other.reasons, perCapitaMonthlyIncomeFen: t.perCapitaFen };
  return { layer: null, monthlyAmountFen: 0, reasons: [...reasonsOf(result, 'DIBAO_EDGE', true), ...other.reasons.filter((r) => !r.passed)], perCapitaMonthlyIncomeFen: t.perCapitaFen };
}

// ---------------------------------------------------------------- coverage

export interface CoverageCounts {
  total: number;
  coveredAtImport: number;
  included: number;
  exited: number;
}

/** coverage = people covered by a social-assistance entitlement ÷ (records − exited) (API.md). */
export function coverageOf(c: CoverageCounts): { coverageAtImport: number | null; coverageNow: number | null; coverageAtImportPercent: number | null; coverageNowPercent: number | null } {
  const atImport = c.total > 0 ? c.coveredAtImport / c.total : null;
  const denominator = c.total - c.exited;
  const now = denominator > 0 ? (c.coveredAtImport + c.included) / denominator : null;
  const r4 = (x: number | null) => (x === null ? null : Math.round(x * 10000) / 10000);
  const pct = (x: number | null) => (x === null ? null : Math.round(x * 10000) / 100);
  return { coverageAtImport: r4(atImport), coverageNow: r4(now), coverageAtImportPercent: pct(atImport), coverageNowPercent: pct(now) };
}

/** The prefixes a village's counts roll up into: CN, province, city, county, town, village. */
export function rollupPrefixes(regionCode: string): string[] {
  return ['CN', regionCode.slice(0, 2), regionCode.slice(0, 4), regionCode.slice(0, 6), regionCode.slice(0, 9), regionCode];
}

// ---------------------------------------------------------------- assessment (市镇村三级研判)

export const ASSESSMENT_LEVELS = ['village', 'town', 'city'] as const;
export type AssessmentLevel = (typeof ASSESSMENT_LEVELS)[number];
export const NEXT_LEVEL: Record<AssessmentLevel, AssessmentLevel | null> = { village: 'town', town: 'city', city: null };

export function assessmentId(recordId: string, level: AssessmentLevel): string {
  return `${recordId}.${level}`;
}

export function parseAssessmentId(id: string): { recordId: string; level: AssessmentLevel } | undefined {
  const m = /^(mr_[A-Za-z0-9_-]{8,40})\.(village|town|city)$/.exec(id);
  return m ? { recordId: m[1]!, level: m[2] as AssessmentLevel } : undefined;
}

/** The notice an exit carries: the reasons and how to object (no article numbers cited). */
export function exitNotice(reason: string, decidedAt: string): { reasons: string[]; howToAppeal: string; issuedAt: string } {
  return {
    reasons: [`退出监测帮扶：${reason}`],
    howToAppeal: '对退出决定有异议的，可向所在乡镇（街道）或县级民政部门提出，并可依法申请行政复议或者提起行政诉讼。',
    issuedAt: decidedAt,
  };
}

// ---------------------------------------------------------------- the yearly survey (排查)

/** 庄浪: the two yearly surveys (July, September) became one, in September, on one A4 page. */
export const SURVEY_MONTH = '09';

export function surveyYearOf(date: string): string {
  return date.slice(0, 4);
}

/** A survey is due by the last day of September of its year; open after that, it is a warning. */
export function surveyDueOn(year: string): string {
  return `${year}-09-30`;
}

/** SURVEY_OVERDUE: a survey still open on a day after its due date (30 September) fires. */
export function surveyOverdue(s: { status: string; dueOn: string }, today: string): boolean {
  return s.status === 'OPEN' && today > s.dueOn;
}
