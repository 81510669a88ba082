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
  .strictObject({
    category: z.enum(DISABILITY_CATEGORIES),
    grade: z.number().int('grade must be 1, 2, 3 or 4').min(1, 'grade must be 1..4').max(4, 'grade must be 1..4'),
  })
  .nullable();

/** Member status (v2): NORMAL members are counted; the other five are not counted as household members. */
export const MEMBER_STATUSES = ['NORMAL', 'SERVING_SENTENCE', 'COMPULSORY_REHAB', 'MISSING', 'CONSCRIPT', 'CLERGY_AWAY'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/**
 * Income types (v2). The first six are counted, the next five are not counted nationally; a
 * county's own items are `LOCAL_<CODE>` (counted unless the county lists them in
 * `income.nonCountableTypes`, which may also name national types, e.g. PENSION).
 * Index = the engine's income kind.
 */
export const INCOME_TYPES = [
  'WAGES',
  'BUSINESS',
  'PROPERTY',
  'TRANSFER',
  'PENSION',
  'SUPPORT',
  'PREFERENTIAL_CARE',
  'FAMILY_PLANNING',
  'SCHOLARSHIP',
  'BRAVERY_AWARD',
  'SOCIAL_ASSISTANCE',
] as const;
export type IncomeType = (typeof INCOME_TYPES)[number];
export const COUNTED_INCOME_TYPES = 6;
/** Engine kinds beyond INCOME_TYPES: a county's LOCAL_ code, and v1's `nonCountableIncome`. */
export const INCOME_KIND_LOCAL = INCOME_TYPES.length;
export const INCOME_KIND_V1_NON_COUNTABLE = INCOME_TYPES.length + 1;
const LOCAL_INCOME = /^LOCAL_[A-Z0-9_]{1,40}$/;
const INCOME_INDEX = new Map<string, number>(INCOME_TYPES.map((t, i) => [t, i]));

const incomeItemSchema = z
  .strictObject({
    type: z.string().refine((t) => INCOME_INDEX.has(t) || LOCAL_INCOME.test(t), `income type must be one of ${INCOME_TYPES.join(', ')} or a county's LOCAL_<CODE>`),
    monthly: yuanToFen,
  })
  .transform((i) => ({ kind: INCOME_INDEX.get(i.type) ?? INCOME_KIND_LOCAL, fen: i.monthly, type: i.type }));
export type IncomeItem = z.output<typeof incomeItemSchema>;

/** The 6 daily-living items of the self-care assessment (生活自理能力评估). */
export const SELF_CARE_ITEMS = ['eating', 'dressing', 'bed', 'toilet', 'indoorWalking', 'bathing'] as const;
const itemLevel = z.enum(['able', 'partly', 'unable']);
const selfCareItemsSchema = z.strictObject({
  eating: itemLevel,
  dressing: itemLevel,
  bed: itemLevel,
  toilet: itemLevel,
  indoorWalking: itemLevel,
  bathing: itemLevel,
});
export const SELF_CARE_GRADES = ['FULL', 'PARTIAL', 'NONE'] as const;
export type SelfCare = (typeof SELF_CARE_GRADES)[number];

/**
 * 全自理 / 半护理 / 全护理 from the 6 items: all 6 achieved → FULL; 1–3 not achieved → PARTIAL;
 * 4 or more not achieved → NONE. An item is achieved only when `able` (`partly` is not).
 */
export function selfCareGrade(items: Record<(typeof SELF_CARE_ITEMS)[number], 'able' | 'partly' | 'unable'>): SelfCare {
  let notAchieved = 0;
  for (const k of SELF_CARE_ITEMS) if (items[k] !== 'able') notAchieved++;
  return notAchieved === 0 ? 'FULL' : notAchieved <= 3 ? 'PARTIAL' : 'NONE';
}

/** School levels (v2): TEKUN's support past 18 covers only the first three. */
export const SCHOOL_LEVELS = ['COMPULSORY', 'SENIOR_HIGH', 'SECONDARY_VOCATIONAL', 'HIGHER', 'OTHER'] as const;
export type SchoolLevel = (typeof SCHOOL_LEVELS)[number];

export const memberSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'name is required').max(50),
    idNumber: residentIdSchema,
    relation: z.enum(RELATIONS),
    disability: disabilitySchema.optional().default(null),
    seriousIllness: z.boolean().optional().default(false),
    laborAbility: z.enum(['full', 'partial', 'none']),
    inSchool: z.boolean().optional(),
    orphaned: z.boolean().optional().default(false),
    /** v1: countable income, yuan per month; read as one WAGES item. Give this or `incomes`. */
    monthlyIncome: yuanToFen.optional(),
    /** v2: income as items (counted or not by type; see INCOME_TYPES). */
    incomes: z.array(incomeItemSchema).max(30).optional(),
    /**
     * Extension: income received but not counted (抚恤优待金, 奖励性补助, 政府发放的社会救助款物,
     * 临时性社会捐助 …), yuan per month. Reported in the trace, never counted.
     */
    nonCountableIncome: yuanToFen.optional().default(0),
    /** v2: NORMAL (default) or why the person is not counted as a household member. */
    status: z.enum(MEMBER_STATUSES).optional().default('NORMAL'),
    /** v2: 全自理 / 半护理 / 全护理; derived from `selfCareItems` when those are given. */
    selfCare: z.enum(SELF_CARE_GRADES).optional(),
    selfCareItems: selfCareItemsSchema.optional(),
    /** v2: the school level of a member in school (implies `inSchool`). */
    schoolLevel: z.enum(SCHOOL_LEVELS).optional(),
    /** v2: 事实无人抚养儿童 (parents alive but in fact not caring for the child), supported like orphans. */
    factuallyUnsupported: z.boolean().optional().default(false),
    /** v2: the member asks to be included in DIBAO alone (单人保, 经本人申请). */
    individualInclusion: z.boolean().optional().default(false),
    /** v2: where a TEKUN person or an orphan is supported: at home (分散/社会散居) or in an institution (集中). */
    placement: z.enum(['HOME', 'INSTITUTION']).optional().default('HOME'),
  })
  .superRefine((m, ctx) => {
    if (m.monthlyIncome === undefined && m.incomes === undefined) ctx.addIssue({ code: 'custom', path: ['monthlyIncome'], message: 'give monthlyIncome or incomes' });
    if (m.monthlyIncome !== undefined && m.incomes !== undefined) ctx.addIssue({ code: 'custom', path: ['incomes'], message: 'give monthlyIncome or incomes, not both' });
    if (m.selfCareItems && m.selfCare && selfCareGrade(m.selfCareItems) !== m.selfCare) {
      ctx.addIssue({ code: 'custom', path: ['selfCare'], message: `the 6 items give ${selfCareGrade(m.selfCareItems)}` });
    }
    if (m.schoolLevel !== undefined && m.inSchool === false) {
      ctx.addIssue({ code: 'custom', path: ['schoolLevel'], message: 'a school level needs inSchool (or leave inSchool out)' });
    }
  })
  // Field order matters for speed: what evaluation reads comes first (one cache line).
  .transform((m) => {
    const incomes: IncomeItem[] = m.incomes ?? [{ kind: 0, fen: m.monthlyIncome ?? 0, type: 'WAGES' }];
    if (m.nonCountableIncome > 0) incomes.push({ kind: INCOME_KIND_V1_NON_COUNTABLE, fen: m.nonCountableIncome, type: 'NON_COUNTABLE' });
    let nationallyCounted = 0;
    let employment = 0;
    for (const i of incomes) {
      if (i.kind < COUNTED_INCOME_TYPES || i.kind === INCOME_KIND_LOCAL) nationallyCounted += i.fen;
      if (i.kind <= 1) employment += i.fen; // WAGES, BUSINESS
    }
    const selfCare = m.selfCareItems ? selfCareGrade(m.selfCareItems) : m.selfCare;
    const d = m.disability;
    return {
      birth: Number(m.idNumber.slice(6, 14)),
      counted: m.status === 'NORMAL',
      /** Index into RELATIONS (the engine's duty table). */
      rel: RELATIONS.indexOf(m.relation),
      /** TEKUN 无劳动能力 by disability: intellectual/mental 1–3, physical/multiple 1–2, visual 1. */
      incapableByDisability:
        d !== null && (((d.category === 'intellectual' || d.category === 'mental') && d.grade <= 3) || ((d.category === 'physical' || d.category === 'multiple') && d.grade <= 2) || (d.category === 'visual' && d.grade === 1)),
      /** 0 not assessed, 1 FULL, 2 PARTIAL, 3 NONE. */
      selfCareGrade: selfCare === undefined ? 0 : SELF_CARE_GRADES.indexOf(selfCare) + 1,
      incomes,
      /**
       * The items counted nationally (what the engine counts where the county lists no
       * non-countable types; with a list it classifies each item).
       */
      monthlyIncomeFen: nationallyCounted,
      /** WAGES + BUSINESS (就业成本扣减 applies to these). */
      employmentIncomeFen: employment,
      disability: m.disability,
      orphaned: m.orphaned,
      factuallyUnsupported: m.factuallyUnsupported,
      inSchool: m.inSchool === true || m.schoolLevel !== undefined,
      schoolLevel: m.schoolLevel ?? null,
      seriousIllness: m.seriousIllness,
      male: sexOf(m.idNumber) === 'male',
      status: m.status,
      selfCare: selfCare ?? null,
      selfCareAssessed: m.selfCareItems !== undefined,
      placement: m.placement,
      individualInclusion: m.individualInclusion,
      nonCountableIncomeFen: m.nonCountableIncome,
      name: m.name,
      idNumber: m.idNumber,
      relation: m.relation,
      laborAbility: m.laborAbility,
    };
  });

const vehicleSchema = z
  .strictObject({ value: yuanToFen, forDisabilityMobility: z.boolean().optional().default(false) })
  .transform((v) => ({ valueFen: v.value, forDisabilityMobility: v.forDisabilityMobility }));

const machinerySchema = z.strictObject({ value: yuanToFen }).transform((m) => m.value);

const assetsSchema = z
  .strictObject({
    deposits: yuanToFen,
    vehicles: z.array(vehicleSchema).max(50).optional().default([]),
    /** Number of homes (residential real estate). */
    properties: z.number().int().min(0).max(1000).optional().default(0),
    businessRegistered: z.boolean().optional().default(false),
    /** v2: non-residential real estate (shops, offices, workshops …). */
    nonResidentialProperties: z.number().int().min(0).max(1000).optional().default(0),
    /** v2: large farm machinery (大型农机具), each with its value. */
    farmMachinery: z.array(machinerySchema).max(50).optional().default([]),
  })
  .transform((a) => ({
    depositsFen: a.deposits,
    vehicles: a.vehicles,
    properties: a.properties,
    businessRegistered: a.businessRegistered,
    nonResidentialProperties: a.nonResidentialProperties,
    farmMachineryFen: a.farmMachinery,
  }));

/**
 * Why a legal supporter cannot support (特困人员认定办法, 2021: 法定义务人无履行义务能力的情形): a
 * set, not a yes/no. TEKUN: is a TEKUN person; DIBAO_AGED_60: a dibao recipient aged 60+;
 * AGED_70_LOW_INCOME / SEVERE_DISABILITY_LOW_INCOME: 70+ / severely disabled (or grade-3
 * intellectual or mental disability) with own income below last year's local per-capita
 * disposable income and property within the dibao rules; NO_CIVIL_CAPACITY, DECLARED_MISSING,
 * SERVING_SENTENCE (property within the dibao rules); PROVINCIAL_OTHER: a situation the province adds.
 */
export const SUPPORTER_SITUATIONS = [
  'TEKUN',
  'DIBAO_AGED_60',
  'AGED_70_LOW_INCOME',
  'SEVERE_DISABILITY_LOW_INCOME',
  'NO_CIVIL_CAPACITY',
  'DECLARED_MISSING',
  'SERVING_SENTENCE',
  'PROVINCIAL_OTHER',
] as const;
export type SupporterSituation = (typeof SUPPORTER_SITUATIONS)[number];

const supporterSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(50),
    idNumber: residentIdSchema,
    /** v1: able to support. v2 gives `inability` instead (or as well, with `able: false`). */
    able: z.boolean().optional(),
    /** v2: the situations of the 认定办法 that make this supporter unable to support. */
    inability: z.array(z.enum(SUPPORTER_SITUATIONS)).max(SUPPORTER_SITUATIONS.length).optional(),
    /** v2: the members (ID numbers) this person is a legal supporter of; default: every member. */
    supports: z.array(residentIdSchema).min(1).max(MAX_MEMBERS).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.able === undefined && s.inability === undefined) ctx.addIssue({ code: 'custom', path: ['able'], message: 'give able or inability' });
    if (s.able === true && s.inability?.length) ctx.addIssue({ code: 'custom', path: ['inability'], message: 'an able supporter has no inability' });
  })
  .transform((s) => {
    let situations = 0;
    for (const x of s.inability ?? []) situations |= 1 << SUPPORTER_SITUATIONS.indexOf(x);
    return {
      /** v1 meaning kept: declared able (or no situation given). */
      able: s.able ?? situations === 0,
      situations,
      birth: Number(s.idNumber.slice(6, 14)),
      supports: s.supports ?? null,
      name: s.name,
      idNumber: s.idNumber,
    };
  });

export const householdSchema = z
  .strictObject({
    regionCode: villageCodeSchema,
    address: z.string().max(200).optional(),
    hukouType: z.enum(['urban', 'rural']),
    members: z.array(memberSchema).min(1, 'a household has at least one member').max(MAX_MEMBERS, `at most ${MAX_MEMBERS} members`),
    assets: assetsSchema,
    livingConditions: z
      .strictObject({ housingSafe: z.boolean(), drinkingWaterSafe: z.boolean() })
      .optional()
      .default({ housingSafe: true, drinkingWaterSafe: true }),
    /** Essential spending in the previous 12 months; v2 adds basic living and accident costs. */
    rigidExpenditure12m: z
      .strictObject({
        medical: yuanToFen,
        education: yuanToFen,
        rehabilitation: yuanToFen,
        basicLiving: yuanToFen.optional().default(0),
        accident: yuanToFen.optional().default(0),
      })
      .optional()
      .default({ medical: 0, education: 0, rehabilitation: 0, basicLiving: 0, accident: 0 }),
    supporters: z.array(supporterSchema).max(50).optional().default([]),
  })
  .superRefine((h, ctx) => {
    const seen = new Map<string, number>();
    h.members.forEach((m, i) => {
      const first = seen.get(m.idNumber);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['members', i, 'idNumber'], message: `same person as members.${first}` });
      else seen.set(m.idNumber, i);
    });
    if (!h.members.some((m) => m.counted)) ctx.addIssue({ code: 'custom', path: ['members'], message: 'no member is counted (every status is one the law does not count)' });
    h.supporters.forEach((s, i) => {
      s.supports?.forEach((id, j) => {
        if (!seen.has(id)) ctx.addIssue({ code: 'custom', path: ['supporters', i, 'supports', j], message: 'not a member of the household' });
      });
    });
  })
  // Field order matters for speed: what evaluation reads comes first.
  .transform((h) => ({
    members: h.members,
    urban: h.hukouType === 'urban',
    depositsFen: h.assets.depositsFen,
    vehicles: h.assets.vehicles,
    supporters: h.supporters,
    medicalFen: h.rigidExpenditure12m.medical,
    educationFen: h.rigidExpenditure12m.education,
    rehabilitationFen: h.rigidExpenditure12m.rehabilitation,
    basicLivingFen: h.rigidExpenditure12m.basicLiving,
    accidentFen: h.rigidExpenditure12m.accident,
    housingSafe: h.livingConditions.housingSafe,
    drinkingWaterSafe: h.livingConditions.drinkingWaterSafe,
    regionCode: h.regionCode,
    address: h.address,
    hukouType: h.hukouType,
    properties: h.assets.properties,
    businessRegistered: h.assets.businessRegistered,
    nonResidentialProperties: h.assets.nonResidentialProperties,
    farmMachineryFen: h.assets.farmMachineryFen,
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
