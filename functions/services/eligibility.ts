import { tablesFromEnv, valuesFor } from '../adapters/policies-table.ts';
import type { ApplicationRecord } from '../adapters/applications-table.ts';
import { evaluateEligibility, type CategoryCode, type EligibilityResult } from '../domain/eligibility.ts';
import { householdSchema, type Household } from '../domain/household.ts';
import { failedRuleLine } from '../domain/wording.ts';
import { compilePolicy, resolvePolicy, type CompiledPolicy } from '../domain/policy.ts';
import type { DeclaredAssets } from '../domain/cross-check.ts';

/**
 * The rules engine behind a case and behind POST /eligibility/evaluate: the policy in force in
 * the household's region on the date, compiled once per (policy version, region, date).
 */
const compiled = new Map<string, CompiledPolicy>();

export async function policyFor(regionCode: string, date: string): Promise<CompiledPolicy> {
  const { version, values } = await valuesFor(tablesFromEnv(), regionCode);
  const key = `${version}|${regionCode}|${date}`;
  let policy = compiled.get(key);
  if (!policy) {
    policy = compilePolicy(resolvePolicy(values, regionCode, date));
    if (compiled.size >= 2000) compiled.clear();
    compiled.set(key, policy);
  }
  return policy;
}

export interface ApplicationEvaluation {
  result: EligibilityResult;
  /** Requested categories the rules allow (TEMPORARY goes to the reviewers: rules do not decide it). */
  eligibleRequested: CategoryCode[];
  /** Why requested categories were refused, one line per failed rule. */
  reasons: string[];
  approvals: { code: CategoryCode; monthlyAmountFen: number }[];
}

/** Evaluates a case's household with the assets the cross-check verified. */
export async function evaluateApplication(app: ApplicationRecord & { verifiedAssets?: DeclaredAssets }, asOf: string): Promise<ApplicationEvaluation> {
  const parsed = householdSchema.parse(app.household);
  const household: Household = app.verifiedAssets ? { ...parsed, ...app.verifiedAssets } : parsed;
  const result = evaluateEligibility(household, await policyFor(household.regionCode, asOf), asOf);
  const eligibleRequested: CategoryCode[] = [];
  const reasons: string[] = [];
  const approvals: ApplicationEvaluation['approvals'] = [];
  for (const code of app.requested as CategoryCode[]) {
    const category = result.categories.find((c) => c.code === code);
    if (!category) continue;
    if (!category.evaluated || category.eligible) {
      eligibleRequested.push(code);
      approvals.push({ code, monthlyAmountFen: Math.round(category.monthlyAmount * 100) });
      continue;
    }
    for (const r of category.reasons.filter((x) => !x.passed && !x.informational)) {
      reasons.push(failedRuleLine(code, r));
    }
  }
  return { result, eligibleRequested, reasons, approvals };
}
