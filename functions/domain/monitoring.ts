import { covers } from './access.ts';
import { createHash } from 'node:crypto';
import { categoryIndex, evaluateInto, Trace, type CategoryCode } from './eligibility.ts';
import type { Household } from './household.ts';
import { HOUSEHOLD_RULES, type RuleContext } from './indicator-rules.ts';
import type { IndicatorCode } from './indicators.ts';
import { parameterIndex, type CompiledPolicy } from './policy.ts';
import { ageOn, dateOfAge } from './resident-id.ts';
import { addWorkingDays } from './working-days.ts';

/**
 * Monitoring's pure rules: which dated checks an item carries (the sparse `dueByCounty` GSI),
 * what each check finds, and warning identity. No I/O here.
 */

// ---------------------------------------------------------------- dates

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** `date` plus `n` months; the day is clamped to the target month's last day. */
export function addMonthsToDate(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const idx = y * 12 + (m - 1) + n;
  const ty = Math.floor(idx / 12);
  const tm = (idx % 12) + 1;
  const last = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  return `${ty}-${String(tm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Last day of a month YYYY-MM. */
export function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- the sparse GSI

/** GSI `dueByCounty`: partition = county (6 digits) + due month, sort = due date. */
export interface DueMarks {
  dueKey: string;
  dueOn: string;
  dueKinds: IndicatorCode[];
}

export function dueKeyOf(regionCode: string, date: string): string {
  return `${regionCode.slice(0, 6)}#${date.slice(0, 7)}`;
}

/** Days back the run still looks (a missed run, a mark written late in a month), as the scheduler's catch-up. */
export const DUE_LOOKBACK_DAYS = 10;

/**
 * The partitions one day's run reads: the months of asOf − lookback, asOf and asOf + lead
 * (usually two, at most three), each up to asOf + lead.
 */
export function duePartitions(county: string, asOf: string, leadDays: number): { dueKey: string; until: string }[] {
  const until = addDays(asOf, leadDays);
  const months = [...new Set([addDays(asOf, -DUE_LOOKBACK_DAYS).slice(0, 7), asOf.slice(0, 7), until.slice(0, 7)])];
  return months.map((m) => ({ dueKey: `${county}#${m}`, until }));
}

export interface MemberFacts {
  birthDate: string;
  orphaned?: boolean;
  deceasedOn?: string;
}

/** The age milestones that matter for a member of a household in `categories`. */
export function milestonesFor(m: MemberFacts, categories: readonly string[]): { age: number; kind: IndicatorCode }[] {
  const has = (c: string) => categories.includes(c);
  const out: { age: number; kind: IndicatorCode }[] = [];
  if (has('DIBAO')) out.push({ age: 18, kind: 'DIBAO_MINOR_18' }, { age: 70, kind: 'ELDERLY_70' }, { age: 80, kind: 'ELDERLY_80' });
  if (m.orphaned || has('ORPHAN')) out.push({ age: 18, kind: 'ORPHAN_TURNING_18' });
  if (has('TEKUN')) out.push({ age: 16, kind: 'TEKUN_MINOR_16' }, { age: 18, kind: 'TEKUN_MINOR_18' });
  else if (categories.length > 0) out.push({ age: 60, kind: 'TURNING_60_TEKUN' });
  return out;
}

/**
 * A member's next dated check strictly after `after` (a date), or undefined (none left, or
 * dead). Several kinds falling on one birthday share the item (e.g. 18: DIBAO minor and orphan).
 */
export function nextMemberDue(m: MemberFacts, categories: readonly string[], regionCode: string, after: string): DueMarks | undefined {
  if (m.deceasedOn) return undefined;
  let best: string | undefined;
  let kinds: IndicatorCode[] = [];
  for (const { age, kind } of milestonesFor(m, categories)) {
    const on = dateOfAge(m.birthDate, age);
    if (on <= after) continue;
    if (best === undefined || on < best) {
      best = on;
      kinds = [kind];
    } else if (on === best) kinds.push(kind);
  }
  return best ? { dueKey: dueKeyOf(regionCode, best), dueOn: best, dueKinds: kinds } : undefined;
}

export interface RawMember {
  idNumber: string;
  laborAbility?: string;
}

/** 6-monthly re-review for households with a working-age member able to work, else yearly (审核确认办法 第三十四条). */
export function reReviewMonths(members: readonly RawMember[], on: string): 6 | 12 {
  for (const m of members) {
    const birth = `${m.idNumber.slice(6, 10)}-${m.idNumber.slice(10, 12)}-${m.idNumber.slice(12, 14)}`;
    const age = ageOn(birth, on);
    if (age >= 16 && age < 60 && (m.laborAbility === 'full' || m.laborAbility === 'partial')) return 6;
  }
  return 12;
}

/** The household's next re-review after `after`, counted in whole intervals from approval. */
export function nextReReviewDue(members: readonly RawMember[], approvedOn: string, regionCode: string, after: string): DueMarks {
  const months = reReviewMonths(members, approvedOn);
  let k = 1;
  let due = addMonthsToDate(approvedOn, months);
  while (due <= after) due = addMonthsToDate(approvedOn, months * ++k);
  return { dueKey: dueKeyOf(regionCode, due), dueOn: due, dueKinds: [months === 6 ? 'REREVIEW_HALF_YEARLY' : 'REREVIEW_YEARLY'] };
}

/** RIGID_EXPENDITURE's validity ends on the last day of validUntilMonth. */
export function rigidValidityDue(regionCode: string, validUntilMonth: string): DueMarks {
  const on = lastDayOfMonth(validUntilMonth);
  return { dueKey: dueKeyOf(regionCode, on), dueOn: on, dueKinds: ['RIGID_VALIDITY_ENDING'] };
}

// ---------------------------------------------------------------- warnings

/** Deterministic: the same person, indicator and period is the same warning. */
export function warningId(personHash: string, indicator: string, period: string): string {
  return `w_${createHash('sha256').update(`${personHash}|${indicator}|${period}`).digest('base64url').slice(0, 26)}`;
}

/** Verification is due 5 working days after raising; later, the warning escalates. */
export const VERIFY_WORKING_DAYS = 5;
export function verifyDueBy(raisedOn: string): string {
  return addWorkingDays(raisedOn, VERIFY_WORKING_DAYS);
}

/** A check's result, before it becomes a stored warning. */
export interface Finding {
  indicator: IndicatorCode;
  /** Keyed hash of the person's ID (never the ID). */
  idHash: string;
  /** Masked ID for output. */
  person: string;
  householdId: string | null;
  regionCode: string;
  period: string;
  details: Record<string, unknown>;
}

/** Jurisdiction for verify/close: village, town or city whose regionCode prefixes the warning's. */
export function canHandleWarning(caller: { role: string; regionCode?: string | undefined }, warningRegion: string): boolean {
  return covers(caller, warningRegion);
}

// ---------------------------------------------------------------- event checks

const P_RESIDENT = parameterIndex('medical.rapidHelp.resident');
const P_KEY = parameterIndex('medical.rapidHelp.keyRecipient');
const P_LEAD = parameterIndex('monitoring.milestoneLeadDays');

export function leadDaysOf(policy: CompiledPolicy): number {
  const v = policy.v[P_LEAD];
  return v && v > 0 ? v : 30;
}

/** Rapid help on the calendar year's out-of-pocket total: strictly above the threshold fires. */
export function medicalIndicator(totalFen: number, keyRecipient: boolean, policy: CompiledPolicy): { indicator: IndicatorCode; thresholdFen: number } | undefined {
  const thresholdFen = policy.v[keyRecipient ? P_KEY : P_RESIDENT]!;
  if (!(thresholdFen > 0) || totalFen <= thresholdFen) return undefined;
  return { indicator: keyRecipient ? 'MEDICAL_OOP_KEY_RECIPIENT' : 'MEDICAL_OOP_RESIDENT', thresholdFen };
}

/** After a death: the indicators for that household (members already carry the death). */
export function deathIndicators(members: readonly MemberFacts[], date: string): IndicatorCode[] {
  const living = members.filter((m) => !m.deceasedOn);
  const out: IndicatorCode[] = ['DECEASED_STOP_PAYMENT'];
  if (living.length > 0) out.push('MEMBER_DECEASED_REASSESS');
  if (living.length > 0 && living.every((m) => ageOn(m.birthDate, date) < 18)) out.push('ORPHANED_MINORS_LEFT');
  return out;
}

/** A disability certificate for a member of a household with `active` categories (or none). */
export function disabilityIndicators(active: readonly string[], grade: number): IndicatorCode[] {
  const out: IndicatorCode[] = [];
  if (active.includes('DIBAO') && !active.includes('DISABILITY_LIVING_SUBSIDY')) out.push('DISABLED_DIBAO_NO_LIVING_SUBSIDY');
  if (grade <= 2 && !active.includes('DISABILITY_CARE_SUBSIDY')) out.push('SEVERE_DISABLED_NO_CARE_SUBSIDY');
  if (grade <= 2 && active.includes('DIBAO')) out.push('DISABILITY_SUPPLEMENT_REASSESS');
  return out;
}

// ---------------------------------------------------------------- full re-evaluation

export interface ReevaluationInput {
  householdId: string;
  regionCode: string;
  /** Living members only, parsed. */
  household: Household;
  /** Aligned with household.members. */
  people: readonly { idHash: string; maskedId: string }[];
  /** Categories with an ACTIVE entitlement. */
  active: readonly string[];
  /** DIBAO amount paid for asOf's month, fen (0 when none). */
  dibaoPaidFen: number;
  /** Programmes the household is referred to (open or granted referrals). */
  programmes?: readonly string[];
  /** Active MONTHLY service orders. */
  monthlyOrders?: number;
}

const LAYERS: readonly CategoryCode[] = ['TEKUN', 'DIBAO', 'DIBAO_EDGE', 'RIGID_EXPENDITURE'];
const MISSED: Record<string, IndicatorCode> = { TEKUN: 'MISSED_TEKUN', DIBAO: 'MISSED_DIBAO', DIBAO_EDGE: 'MISSED_DIBAO_EDGE', RIGID_EXPENDITURE: 'MISSED_RIGID_EXPENDITURE' };
const I = Object.fromEntries(['TEKUN', 'DIBAO', 'DIBAO_EDGE', 'RIGID_EXPENDITURE', 'ORPHAN'].map((c) => [c, categoryIndex(c as CategoryCode)])) as Record<string, number>;
const sharedTrace = new Trace();

/** Everything the re-evaluation finds in one household (period: the year of asOf). */
export function reevaluateHousehold(input: ReevaluationInput, policy: CompiledPolicy, asOf: string): Finding[] {
  const { household: h, people, active } = input;
  if (h.members.length === 0) return [];
  const t = evaluateInto(sharedTrace, h, policy, asOf);
  const year = asOf.slice(0, 4);
  const headIdx = Math.max(0, h.members.findIndex((m) => m.relation === 'self'));
  const out: Finding[] = [];
  const add = (indicator: IndicatorCode, i: number, details: Record<string, unknown>) =>
    out.push({ indicator, idHash: people[i]!.idHash, person: people[i]!.maskedId, householdId: input.householdId, regionCode: input.regionCode, period: year, details });
  const isActive = (c: string) => active.includes(c);

  // missed layers: eligible, not in it, and not already in a layer at or above it
  for (let li = 0; li < LAYERS.length; li++) {
    const c = LAYERS[li]!;
    if (t.eligible[I[c]!] && !isActive(c) && !LAYERS.slice(0, li + 1).some(isActive)) add(MISSED[c]!, headIdx, { category: c, monthlyAmount: t.amountFen[I[c]!]! / 100 });
  }
  for (const c of ['TEKUN', 'DIBAO', 'DIBAO_EDGE'] as const) {
    if (isActive(c) && !t.eligible[I[c]!]) add('NO_LONGER_ELIGIBLE', headIdx, { category: c, perCapitaMonthlyIncome: t.perCapitaFen / 100 });
  }
  if (isActive('DIBAO') && t.eligible[I.DIBAO!]) {
    const entitled = Math.round(t.amountFen[I.DIBAO!]!);
    if (entitled > input.dibaoPaidFen) add('DIBAO_AMOUNT_BELOW_ENTITLED', headIdx, { category: 'DIBAO', paid: input.dibaoPaidFen / 100, entitled: entitled / 100 });
  }
  h.members.forEach((m, i) => {
    const age = ageOn(`${String(m.birth).slice(0, 4)}-${String(m.birth).slice(4, 6)}-${String(m.birth).slice(6, 8)}`, asOf);
    if (m.orphaned && age < 18 && !isActive('ORPHAN')) add('ORPHAN_NO_BASIC_LIVING', i, { age });
    if (m.disability && isActive('DIBAO') && !isActive('DISABILITY_LIVING_SUBSIDY')) add('DISABLED_DIBAO_NO_LIVING_SUBSIDY', i, { disability: m.disability });
    if (m.disability && m.disability.grade <= 2 && !isActive('DISABILITY_CARE_SUBSIDY')) add('SEVERE_DISABLED_NO_CARE_SUBSIDY', i, { disability: m.disability });
  });
  // 发展型帮扶: working-age members able to work, without a job, are offered the employment programme.
  if (!(input.programmes ?? []).includes('EMPLOYMENT')) {
    h.members.forEach((m, i) => {
      const age = ageOn(`${String(m.birth).slice(0, 4)}-${String(m.birth).slice(4, 6)}-${String(m.birth).slice(6, 8)}`, asOf);
      if (age >= 16 && age < 60 && (m.laborAbility === 'full' || m.laborAbility === 'partial') && !m.inSchool && m.monthlyIncomeFen === 0) add('EMPLOYMENT_SUPPORT_NEEDED', i, { age, laborAbility: m.laborAbility });
    });
  }
  // The table of household rules (indicator-rules.ts): -1 is the household, reported on its head.
  const ages = h.members.map((m) => ageOn(`${String(m.birth).slice(0, 4)}-${String(m.birth).slice(4, 6)}-${String(m.birth).slice(6, 8)}`, asOf));
  const ctx: RuleContext = { h, t, policy, ages, active, dibaoPaidFen: input.dibaoPaidFen, programmes: input.programmes ?? [], monthlyOrders: input.monthlyOrders ?? 0 };
  for (const rule of HOUSEHOLD_RULES) for (const i of rule.check(ctx)) add(rule.code, i < 0 ? headIdx : i, i < 0 ? {} : { age: ages[i] });
  if (!h.housingSafe) add('HOUSING_UNSAFE', headIdx, {});
  if (!h.drinkingWaterSafe) add('DRINKING_WATER_UNSAFE', headIdx, {});
  if (h.members.length === 1 && Math.floor((Number(asOf.replace(/-/g, '')) - h.members[0]!.birth) / 10000) >= 80) add('ELDERLY_ALONE_80', 0, {});
  return out;
}

/** Whether the daily run of `asOf` reads an item with these marks (the same partitions and key condition as the query). */
export function isDue(marks: Pick<DueMarks, 'dueKey' | 'dueOn'>, asOf: string, leadDays: number): boolean {
  return duePartitions(marks.dueKey.slice(0, 6), asOf, leadDays).some((p) => p.dueKey === marks.dueKey && marks.dueOn <= p.until);
}
