import { z } from 'zod';
import { residentIdSchema, sexOf } from './resident-id.ts';
import { villageCodeSchema } from './regions.ts';

/**
 * The household of API.md as zod schemas. Money arrives as yuan numbers with at most two
 * decimals and leaves the schema as integer fen (`…Fen`); IDs are checked (GB 11643) and
 * normalized; each member's birth date comes from the ID as a yyyymmdd integer so ages on any
 * date are one subtraction (see `ageAt`).
 */

export const MAX_MEMBERS = 30;
const MAX_YUAN = 100_000_000;

/** Yuan with at most 2 decimals, 0 ≤ x ≤ 100,000,000 → integer fen. */
export const yuanToFen = z
  .number({ error: 'must be a number of yuan' })
  .finite()
  .min(0, 'must be ≥ 0')
  .max(MAX_YUAN, `must be ≤ ${MAX_YUAN}`)
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'money has at most 2 decimals')
  .transform((v) => Math.round(v * 100));

export const RELATIONS = ['self', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other'] as const;
export const DISABILITY_CATEGORIES = ['physical', 'visual', 'hearing', 'speech', 'intellectual', 'mental', 'multiple'] as const;
export type DisabilityCategory = (typeof DISABILITY_CATEGORIES)[number];

const disabilitySchema = z
  .object({
    category: z.enum(DISABILITY_CATEGORIES),
    grade: z.number().int('grade must be 1, 2, 3 or 4').min(1, 'grade must be 1..4').max(4, 'grade must be 1..4'),
  })
  .nullable();

export const memberSchema = z
  .object({
    name: z.string().trim().min(1, 'name is required').max(50),
    idNumber: residentIdSchema,
    relation: z.enum(RELATIONS),
    disability: disabilitySchema.optional().default(null),
    seriousIllness: z.boolean().optional().default(false),
    laborAbility: z.enum(['full', 'partial', 'none']),
    inSchool: z.boolean().optional().default(false),
    orphaned: z.boolean().optional().default(false),
    /** Countable income (wages, business, property, transfers that count), yuan per month. */
    monthlyIncome: yuanToFen,
    /**
     * Extension: income received but not counted (抚恤优待金, 奖励性补助, 政府发放的社会救助款物,
     * 临时性社会捐助 …), yuan per month. Reported in the trace, never counted.
     */
    nonCountableIncome: yuanToFen.optional().default(0),
  })
  .transform((m) => ({
    name: m.name,
    idNumber: m.idNumber,
    relation: m.relation,
    disability: m.disability,
    seriousIllness: m.seriousIllness,
    laborAbility: m.laborAbility,
    inSchool: m.inSchool,
    orphaned: m.orphaned,
    monthlyIncomeFen: m.monthlyIncome,
    nonCountableIncomeFen: m.nonCountableIncome,
    birth: Number(m.idNumber.slice(6, 14)),
    male: sexOf(m.idNumber) === 'male',
  }));

const vehicleSchema = z
  .object({ value: yuanToFen, forDisabilityMobility: z.boolean().optional().default(false) })
  .transform((v) => ({ valueFen: v.value, forDisabilityMobility: v.forDisabilityMobility }));

const assetsSchema = z
  .object({
    deposits: yuanToFen,
    vehicles: z.array(vehicleSchema).max(50).optional().default([]),
    properties: z.number().int().min(0).max(1000).optional().default(0),
    businessRegistered: z.boolean().optional().default(false),
  })
  .transform((a) => ({ depositsFen: a.deposits, vehicles: a.vehicles, properties: a.properties, businessRegistered: a.businessRegistered }));

const supporterSchema = z.object({
  name: z.string().trim().min(1).max(50),
  idNumber: residentIdSchema,
  able: z.boolean(),
});

export const householdSchema = z
  .object({
    regionCode: villageCodeSchema,
    address: z.string().max(200).optional(),
    hukouType: z.enum(['urban', 'rural']),
    members: z.array(memberSchema).min(1, 'a household has at least one member').max(MAX_MEMBERS, `at most ${MAX_MEMBERS} members`),
    assets: assetsSchema,
    livingConditions: z
      .object({ housingSafe: z.boolean(), drinkingWaterSafe: z.boolean() })
      .optional()
      .default({ housingSafe: true, drinkingWaterSafe: true }),
    rigidExpenditure12m: z
      .object({ medical: yuanToFen, education: yuanToFen, rehabilitation: yuanToFen })
      .optional()
      .default({ medical: 0, education: 0, rehabilitation: 0 }),
    supporters: z.array(supporterSchema).max(50).optional().default([]),
  })
  .superRefine((h, ctx) => {
    const seen = new Map<string, number>();
    h.members.forEach((m, i) => {
      const first = seen.get(m.idNumber);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['members', i, 'idNumber'], message: `same person as members.${first}` });
      else seen.set(m.idNumber, i);
    });
  })
  .transform((h) => ({
    regionCode: h.regionCode,
    address: h.address,
    hukouType: h.hukouType,
    urban: h.hukouType === 'urban',
    members: h.members,
    depositsFen: h.assets.depositsFen,
    vehicles: h.assets.vehicles,
    properties: h.assets.properties,
    businessRegistered: h.assets.businessRegistered,
    housingSafe: h.livingConditions.housingSafe,
    drinkingWaterSafe: h.livingConditions.drinkingWaterSafe,
    medicalFen: h.rigidExpenditure12m.medical,
    educationFen: h.rigidExpenditure12m.education,
    rehabilitationFen: h.rigidExpenditure12m.rehabilitation,
    supporters: h.supporters,
  }));

/** The household as evaluation reads it (money in fen, birth dates as yyyymmdd integers). */
export type Household = z.output<typeof householdSchema>;
export type Member = Household['members'][number];
export type HouseholdInput = z.input<typeof householdSchema>;

/** YYYY-MM-DD → yyyymmdd integer. */
export function dateToInt(date: string): number {
  return Number(date.slice(0, 4)) * 10000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10));
}

/**
 * Completed years at `asOf` (yyyymmdd integers). Equal to resident-id.ts `ageOn` (someone born
 * on 29 Feb turns a year older on 1 Mar in common years), without string work.
 */
export function ageAt(birth: number, asOf: number): number {
  return Math.floor((asOf - birth) / 10000);
}

/** Field paths of members born after `asOf` (an ID cannot belong to someone not yet born). */
export function bornAfter(household: Household, asOf: string): { path: string; message: string }[] {
  const d = dateToInt(asOf);
  const out: { path: string; message: string }[] = [];
  household.members.forEach((m, i) => {
    if (m.birth > d) out.push({ path: `household.members.${i}.idNumber`, message: `born after ${asOf}` });
  });
  return out;
}
