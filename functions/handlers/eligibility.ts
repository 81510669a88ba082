import { z } from 'zod';
import { regionExists } from '../adapters/regions-table.ts';
import { tablesFromEnv, valuesFor } from '../adapters/policies-table.ts';
import { todayInShanghai } from '../commons/clock.ts';
import { AppError, validationFailed } from '../commons/errors.ts';
import { httpHandler } from '../commons/http.ts';
import { evaluateEligibility } from '../domain/eligibility.ts';
import { bornAfter, householdSchema } from '../domain/household.ts';
import { compilePolicy, isoDateSchema, PolicyIncompleteError, resolvePolicy, type CompiledPolicy } from '../domain/policy.ts';

export const evaluateRequestSchema = z.object({
  household: householdSchema,
  /** Defaults to today in Asia/Shanghai. */
  asOf: isoDateSchema.optional(),
});

/** Compiled policies per (policy version, region, date): resolution happens once per key. */
const compiled = new Map<string, CompiledPolicy>();

/** POST /eligibility/evaluate (any signed-in role): every category, amounts and reasons. */
export const handler = httpHandler({ body: evaluateRequestSchema }, async ({ body }) => {
  const household = body.household;
  const asOf = body.asOf ?? todayInShanghai();
  const unborn = bornAfter(household, asOf);
  if (unborn.length) throw validationFailed('a member is born after asOf', unborn);
  if (!(await regionExists(household.regionCode))) {
    throw validationFailed('unknown region', [{ path: 'household.regionCode', message: 'no such village/community code' }]);
  }
  const { version, values } = await valuesFor(tablesFromEnv(), household.regionCode);
  const key = `${version}|${household.regionCode}|${asOf}`;
  let policy = compiled.get(key);
  if (!policy) {
    try {
      policy = compilePolicy(resolvePolicy(values, household.regionCode, asOf));
    } catch (err) {
      if (err instanceof PolicyIncompleteError) throw new AppError('UNPROCESSABLE', `policy incomplete for ${household.regionCode} on ${asOf}: ${err.message}`);
      throw err;
    }
    if (compiled.size >= 2000) compiled.clear();
    compiled.set(key, policy);
  }
  return { status: 200, body: evaluateEligibility(household, policy, asOf) };
});
