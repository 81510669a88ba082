import type { ApplicationRecord } from '../adapters/applications-table.ts';
import type { CategoryResult, EligibilityResult, Reason } from '../domain/eligibility.ts';
import type { LetterRule } from '../domain/letters.ts';
import { failedRuleLine, qualifiesUnrequested } from '../domain/wording.ts';
import type { ApplicationEvaluation } from './eligibility.ts';
import { policyFor } from './eligibility.ts';

/** What the procedure reads from the policy in force: the county's delegation, the gradual exit, the town's cap. */
export async function procedurePolicy(regionCode: string, date: string): Promise<{ townDecides: boolean; gradualExitMonths: number; townApprovalCapFen: number }> {
  const p = (await policyFor(regionCode, date)).resolved.parameters;
  return {
    townDecides: p['review.townDecides']?.value === 1,
    gradualExitMonths: p['dibao.gradualExitMonths']?.value ?? 6,
    townApprovalCapFen: Math.round((p['temporary.townApprovalCap']?.value ?? 0) * 100),
  };
}

const failedLine = (code: string, r: Reason) => failedRuleLine(code, r);

/**
 * The rules' recommendation: the categories the household qualifies for (requested or not: 一次认定
 * lets the decider grant TEKUN to a household that asked for DIBAO), what the requested ones
 * would pay, and why the others fail. It never refuses: people decide after the investigation.
 */
export function recommendationOf(app: Pick<ApplicationRecord, 'requested'>, outcome: ApplicationEvaluation): NonNullable<ApplicationRecord['recommendation']> {
  const eligible = outcome.result.categories.filter((c) => c.evaluated && c.eligible).map((c) => c.code as string);
  const requestedEligible = outcome.eligibleRequested.filter((c) => c !== 'TEMPORARY' || app.requested.includes('TEMPORARY')) as string[];
  const reasons = [...outcome.reasons];
  for (const c of eligible) if (!app.requested.includes(c)) reasons.push(qualifiesUnrequested(c));
  // What an approval grants unless the decider names categories: what was asked and qualifies, else what was asked.
  const proposed = requestedEligible.length ? requestedEligible : [...app.requested];
  const amountOf = (code: string) => outcome.result.categories.find((c) => c.code === code)?.monthlyAmount ?? 0;
  const monthlyFen = proposed.reduce((s, c) => s + Math.round(amountOf(c) * 100), 0);
  return { eligible, requestedEligible, monthlyAmount: monthlyFen / 100, reasons, proposed };
}

export function categoryOf(result: EligibilityResult | undefined, code: string): CategoryResult | undefined {
  return result?.categories.find((c) => c.code === code);
}

/** The rules a letter cites for the given categories: the failed ones, or all when none failed. */
export function rulesFor(result: EligibilityResult | undefined, codes: readonly string[], which: 'failed' | 'all'): LetterRule[] {
  const out: LetterRule[] = [];
  for (const code of codes) {
    for (const r of categoryOf(result, code)?.reasons ?? []) {
      if (r.informational) continue;
      if (which === 'failed' && r.passed) continue;
      out.push({ rule: r.rule, passed: r.passed, actual: r.actual, limit: r.limit, parameter: r.parameter, reference: r.reference });
    }
  }
  return out;
}

export function failedReasons(result: EligibilityResult | undefined, codes: readonly string[]): string[] {
  const out: string[] = [];
  for (const code of codes) for (const r of categoryOf(result, code)?.reasons ?? []) if (!r.passed && !r.informational) out.push(failedLine(code, r));
  return out;
}
