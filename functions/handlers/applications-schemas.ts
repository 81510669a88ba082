import { z } from 'zod';
import { STATUSES } from '../domain/application.ts';
import { CATEGORY_CODES } from '../domain/eligibility.ts';
import { eligibilityResultSchema, reasonSchema } from './eligibility-schemas.ts';

/**
 * What GET /applications/{id} (and POST /applications) answer: API.md v1 and v2 fields. The
 * household comes back as submitted with every ID number masked. Loose: a case grows fields.
 */
const maskedPerson = z.object({ name: z.string().optional(), idNumber: z.string().meta({ description: 'masked' }), relation: z.string().optional() }).loose();

export const historyEntrySchema = z.object({ stage: z.string(), decision: z.string(), by: z.string(), at: z.string(), reason: z.string().optional() }).loose();

/** A decision letter (决定书, functions/domain/letters.ts). */
export const letterSchema = z
  .object({
    number: z.string(),
    kind: z.string(),
    title: z.string(),
    issuedAt: z.string(),
    issuedOn: z.string(),
    decidedBy: z.object({ level: z.string(), sub: z.string(), regionCode: z.string().optional() }).loose(),
    categories: z.array(z.object({ code: z.string(), monthlyAmount: z.number().optional(), previousMonthlyAmount: z.number().optional(), from: z.string().optional(), until: z.string().optional(), amount: z.number().optional() }).loose()),
    decisionItems: z.array(z.string()).optional(),
    reasons: z.array(z.string()),
    rulesApplied: z.array(z.object({ rule: z.string(), passed: z.boolean(), actual: z.number().nullable(), limit: z.number().nullable(), parameter: z.string().nullable(), reference: z.string() }).loose()),
    legalBasis: z.array(z.string()),
    appeal: z.object({ by: z.string(), how: z.string(), basis: z.array(z.string()) }).loose().nullable(),
  })
  .loose();

export const applicationViewSchema = z
  .object({
    id: z.string(),
    status: z.enum(STATUSES),
    householdId: z.string(),
    regionCode: z.string(),
    requested: z.array(z.enum(CATEGORY_CODES)),
    createdAt: z.string(),
    updatedAt: z.string(),
    household: z.object({ regionCode: z.string(), address: z.string().optional(), hukouType: z.string().optional(), members: z.array(maskedPerson), supporters: z.array(maskedPerson).optional() }).loose(),
    eligibility: eligibilityResultSchema.optional(),
    recommendation: z.object({ eligible: z.array(z.string()), monthlyAmount: z.number(), reasons: z.array(reasonSchema) }).loose().optional(),
    history: z.array(historyEntrySchema),
    discrepancies: z.array(z.object({ field: z.string(), person: z.string().optional(), declared: z.number(), found: z.number(), source: z.string() })).optional(),
    flags: z.array(z.object({ type: z.string(), detail: z.string() }).loose()).optional().meta({ description: 'reviewers only' }),
    publicNotice: z.object({ from: z.string(), until: z.string(), round: z.number().optional() }).optional(),
    objections: z.array(z.object({ by: z.string(), at: z.string(), reason: z.string() })).optional(),
    deadline: z.object({ due: z.string(), extendedTo: z.string().optional() }).loose().optional(),
    consent: z.object({ crossCheckAuthorized: z.boolean(), signedAt: z.string() }).loose().optional(),
    decision: z
      .object({
        approved: z.array(z.object({ code: z.string(), monthlyAmount: z.number(), startMonth: z.string() })),
        reasons: z.array(z.unknown()),
        letter: letterSchema.optional(),
      })
      .loose()
      .optional(),
    writtenNotice: z.object({ issuedAt: z.string(), dueBy: z.string(), reasons: z.array(z.string()), stage: z.string() }).optional(),
    programmes: z.array(z.string()).optional().meta({ description: "other departments' programmes the application referred the household to (its referrals are listed in `referrals`)" }),
  })
  .loose();

export const objectionAcceptedSchema = z.object({ applicationId: z.string(), status: z.string() }).loose();
