import { z } from 'zod';
import { eligibilityResultSchema } from './eligibility-schemas.ts';
import { regionExists } from '../adapters/regions-table.ts';
import { todayInShanghai } from '../commons/clock.ts';
import { AppError, validationFailed } from '../commons/errors.ts';
import { httpHandler, rawJsonOnce } from '../commons/http.ts';
import { evaluateEligibility } from '../domain/eligibility.ts';
import { bornAfter, householdSchema } from '../domain/household.ts';
import { isoDateSchema, PolicyIncompleteError } from '../domain/policy.ts';
import { policyFor } from '../services/eligibility.ts';

export const evaluateRequestSchema = z.strictObject({
  household: householdSchema,
  /** Defaults to today in Asia/Shanghai. */
  asOf: isoDateSchema.optional(),
});

/** POST /eligibility/evaluate (any signed-in role): every category, amounts and reasons. */
export const handler = httpHandler({ body: evaluateRequestSchema, response: eligibilityResultSchema, summary: 'Every category with amounts and a reason per rule' }, async ({ body }) => {
  const household = body.household;
  const asOf = body.asOf ?? todayInShanghai();
  const unborn = bornAfter(household, asOf);
  if (unborn.length) throw validationFailed('a member is born after asOf', unborn);
  if (!(await regionExists(household.regionCode))) {
    throw validationFailed('unknown region', [{ path: 'household.regionCode', message: 'no such village/community code' }]);
  }
  try {
    const result = evaluateEligibility(household, await policyFor(household.regionCode, asOf), asOf);
    // The policy's part (6 of the 14 KB) is the same for every household under that policy.
    return { status: 200, body: { ...result, policy: rawJsonOnce(result.policy) } };
  } catch (err) {
    if (err instanceof PolicyIncompleteError) throw new AppError('UNPROCESSABLE', `policy incomplete for ${household.regionCode} on ${asOf}: ${err.message}`);
    throw err;
  }
});
