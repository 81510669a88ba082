import { z } from 'zod';
import { CATEGORY_CODES } from '../domain/eligibility.ts';

/** What POST /eligibility/evaluate answers (functions/domain/eligibility.ts EligibilityResult). */
export const reasonSchema = z.object({
  rule: z.string(),
  passed: z.boolean(),
  actual: z.number().nullable(),
  limit: z.number().nullable(),
  parameter: z.string().nullable(),
  reference: z.string(),
  member: z.string().optional().meta({ description: 'masked ID of the member the rule is about' }),
  basis: z.string().optional(),
  amount: z.number().optional(),
  informational: z.literal(true).optional(),
});

export const categoryResultSchema = z.object({
  code: z.enum(CATEGORY_CODES),
  eligible: z.boolean(),
  evaluated: z.boolean(),
  monthlyAmount: z.number(),
  members: z.array(z.string()),
  reasons: z.array(reasonSchema),
  note: z.string().optional(),
});

export const eligibilityResultSchema = z
  .object({
    asOf: z.string(),
    regionCode: z.string(),
    perCapitaMonthlyIncome: z.number(),
    income: z.object({ countableMonthlyTotal: z.number(), nonCountableMonthlyTotal: z.number(), members: z.number() }).optional(),
    people: z.array(z.object({ idNumber: z.string(), age: z.number(), sex: z.enum(['male', 'female']) })).optional(),
    categories: z.array(categoryResultSchema),
    primary: z.enum(CATEGORY_CODES).nullable(),
    policy: z
      .object({
        regionCode: z.string(),
        date: z.string(),
        parameters: z.record(z.string(), z.object({ value: z.number(), regionCode: z.string(), effectiveFrom: z.string(), reference: z.string().optional() })),
      })
      .optional(),
  })
  .loose();
