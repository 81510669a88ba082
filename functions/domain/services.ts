import { z } from 'zod';
import { addDays, type DueMarks, type Finding } from './monitoring.ts';

/**
 * Service-type assistance (服务类社会救助) and resource linking (社会组织资源链接), as data and
 * pure rules: the service catalogue, organization kinds, the one-window programme catalogue
 * (一门受理), and when a monthly order or an open referral is due for a check. No I/O here.
 */

// ---------------------------------------------------------------- the service catalogue

/**
 * 肥城's 桃仙子 team gives "助洁、助医、助餐、助浴、助急、精神慰藉等8大类16小项服务" (the article).
 * The article names six categories and none of the sixteen items: the other two categories
 * (助行, 代办) and every item are ASSUMED from common home-care service lists; 医疗巡诊 and
 * 生活巡护 are the two services the article says the team gives 杜某.
 */
export const SERVICE_CATEGORIES = [
  { code: 'CLEANING', name: '助洁', sourced: true },
  { code: 'MEDICAL', name: '助医', sourced: true },
  { code: 'MEALS', name: '助餐', sourced: true },
  { code: 'BATHING', name: '助浴', sourced: true },
  { code: 'EMERGENCY', name: '助急', sourced: true },
  { code: 'COMFORT', name: '精神慰藉', sourced: true },
  { code: 'MOBILITY', name: '助行', sourced: false },
  { code: 'ERRANDS', name: '代办', sourced: false },
] as const;

export const SERVICE_ITEMS = [
  { code: 'HOME_CLEANING', category: 'CLEANING', name: '居室清洁' },
  { code: 'LAUNDRY', category: 'CLEANING', name: '衣物洗涤' },
  { code: 'MEDICAL_ROUNDS', category: 'MEDICAL', name: '医疗巡诊' },
  { code: 'ESCORT_TO_HOSPITAL', category: 'MEDICAL', name: '陪同就医' },
  { code: 'MEAL_DELIVERY', category: 'MEALS', name: '送餐上门' },
  { code: 'MEAL_PREPARATION', category: 'MEALS', name: '膳食制作' },
  { code: 'HOME_BATHING', category: 'BATHING', name: '上门助浴' },
  { code: 'HAIRCUT', category: 'BATHING', name: '理发修甲' },
  { code: 'LIFE_PATROL', category: 'EMERGENCY', name: '生活巡护' },
  { code: 'EMERGENCY_RESPONSE', category: 'EMERGENCY', name: '紧急救援' },
  { code: 'COUNSELLING', category: 'COMFORT', name: '心理疏导' },
  { code: 'COMPANIONSHIP', category: 'COMFORT', name: '陪伴聊天' },
  { code: 'ESCORTED_OUTINGS', category: 'MOBILITY', name: '陪同出行' },
  { code: 'REHABILITATION', category: 'MOBILITY', name: '康复训练' },
  { code: 'SHOPPING', category: 'ERRANDS', name: '代购代缴' },
  { code: 'PAPERWORK', category: 'ERRANDS', name: '政策咨询与代办' },
] as const;

export type ServiceCode = (typeof SERVICE_ITEMS)[number]['code'];
export const SERVICE_CODES = SERVICE_ITEMS.map((s) => s.code) as unknown as readonly [ServiceCode, ...ServiceCode[]];

export function serviceCatalog() {
  const categoryName = new Map<string, string>(SERVICE_CATEGORIES.map((c) => [c.code, c.name]));
  return {
    categories: SERVICE_CATEGORIES.map((c) => ({ code: c.code, name: c.name, source: c.sourced ? 'article' : 'assumed' })),
    items: SERVICE_ITEMS.map((s) => ({ code: s.code, category: categoryName.get(s.category)!, categoryCode: s.category, name: s.name })),
    source: '《瞭望》: 肥城“桃仙子”服务队 8大类16小项；six categories are named there, the other two and all items are assumed',
  };
}

// ---------------------------------------------------------------- organizations

export const ORGANIZATION_KINDS = ['SOCIAL_ORGANIZATION', 'SERVICE_TEAM', 'RAPID_RESPONSE_TEAM', 'SERVICE_STATION', 'CHARITY'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

/** Region codes of organizations and queries: 2, 4, 6, 9 or 12 digits. */
export const regionPrefixSchema = z.string().regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, 'regionCode must have 2, 4, 6, 9 or 12 digits');

export const organizationBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(ORGANIZATION_KINDS),
  regionCode: regionPrefixSchema,
  services: z
    .array(z.enum(SERVICE_CODES))
    .max(SERVICE_CODES.length)
    .refine((s) => new Set(s).size === s.length, 'each service once')
    .default([]),
  /** Head count (the 桃仙子 team: 140+); optional. */
  members: z.number().int().min(0).max(1_000_000).optional(),
  contact: z.string().trim().max(200).optional(),
});
export type OrganizationInput = z.output<typeof organizationBody>;

export const organizationIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{2,63}$/, 'organization id: 3–64 of a-z, 0-9, _ and -, starting with a letter or digit');

/** A village's rapid-response team is the one assigned to its warnings by default. */
export function teamForWarning<T extends { kind: string; regionCode: string; name: string }>(orgs: readonly T[], warningRegion: string): T | undefined {
  return orgs.filter((o) => o.kind === 'RAPID_RESPONSE_TEAM' && o.regionCode === warningRegion).sort((a, b) => a.name.localeCompare(b.name))[0];
}

// ---------------------------------------------------------------- orders and visits

export const orderBody = z.strictObject({
  householdId: z.string().regex(/^hh_[A-Za-z0-9_-]{8,64}$/, 'not a household id'),
  items: z.array(z.enum(SERVICE_CODES)).min(1, 'order at least one service item').max(SERVICE_CODES.length).refine((s) => new Set(s).size === s.length, 'each item once'),
  organizationId: organizationIdSchema,
  recurrence: z.enum(['ONCE', 'MONTHLY']),
  fromWarningId: z.string().regex(/^w_[A-Za-z0-9_-]{10,40}$/, 'not a warning id').optional(),
  notes: z.string().trim().max(2000).optional(),
  /** When the care plan began, if before today (an existing plan put on the platform): its months are checked from then. */
  since: z.iso.date('since must be a date YYYY-MM-DD').optional(),
});
export type OrderInput = z.output<typeof orderBody>;

export const visitBody = z.strictObject({
  at: z.iso.datetime({ offset: true, message: 'at must be an ISO-8601 instant' }),
  by: z.array(z.string().trim().min(1).max(100)).min(1, 'who visited').max(20),
  items: z.array(z.enum(SERVICE_CODES)).min(1, 'which items were given').max(SERVICE_CODES.length),
  notes: z.string().trim().max(2000).default(''),
});

export type OrderStatus = 'ACTIVE' | 'COMPLETED' | 'CANCELLED';

/** The date (Asia/Shanghai) of an instant. */
export function shanghaiDay(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
}

export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * Dated checks without lead days (a missed month, an overdue referral) sit in the same sparse
 * `dueByCounty` index under their own partition, `<county>#X#<YYYY-MM>`, which the daily run reads
 * only up to its own day: a check is read once, on the day it falls due.
 */
export function exactDueKey(regionCode: string, date: string): string {
  return `${regionCode.slice(0, 6)}#X#${date.slice(0, 7)}`;
}

/**
 * A MONTHLY order must see a visit in every calendar month from the month it was placed. The
 * check of month M falls due on the first day of M + 1. A visit in month V moves the check to
 * the month after V (it is due on the first day of V + 2), so an order that is visited every
 * month is never read by the daily run.
 */
export function visitCheckDue(regionCode: string, monthToCheck: string): DueMarks {
  const on = `${nextMonth(monthToCheck)}-01`;
  return { dueKey: exactDueKey(regionCode, on), dueOn: on, dueKinds: ['SERVICE_VISIT_MISSED'] };
}

/**
 * The first month from `month` on that has no visit: visits may be recorded out of order (a
 * paper record entered late), so a visit moves the check only over months that were visited.
 */
export function firstUnvisited(month: string, visited: readonly string[]): string {
  let m = month;
  for (let guard = 0; guard < 1200 && visited.includes(m); guard++) m = nextMonth(m);
  return m;
}

/** Months kept on a link item (enough to skip visited months; older ones never matter again). */
export const VISITED_MONTHS_KEPT = 24;

/** The month a visit-check mark checks (the month before its due date). */
export function monthChecked(dueOn: string): string {
  return addDays(dueOn, -1).slice(0, 7);
}

/** The partitions of exact checks one day's run reads: the months of asOf − lookback and asOf, up to asOf. */
export function exactPartitions(county: string, asOf: string, lookbackDays: number): { dueKey: string; until: string }[] {
  return [...new Set([addDays(asOf, -lookbackDays).slice(0, 7), asOf.slice(0, 7)])].map((m) => ({ dueKey: `${county}#X#${m}`, until: asOf }));
}

// ---------------------------------------------------------------- programmes and referrals

/**
 * The one-window catalogue (一门受理、协同办理): other departments' programmes a case can be
 * referred to. 宜川 put 56 programmes of 21 departments behind one window; the article names the
 * departments 民政、妇联、残联 and, for 邓某, 医疗救助, “急难重特”资金池救助 and 小天使基金. The list
 * below is a representative subset (ASSUMED beyond those names); each programme names the bus
 * source its department answers from and the ledger type of its grant.
 */
export const PROGRAMMES = [
  { code: 'MEDICAL_AID', department: '医疗保障局', source: 'gov.medical-insurance', name: '医疗救助', gives: '医保报销后个人自付医疗费用的部分救助', ledgerType: 'MEDICAL_AID', dueDays: 30, sourced: true },
  { code: 'CRITICAL_ILLNESS_INSURANCE', department: '医疗保障局', source: 'gov.medical-insurance', name: '大病保险倾斜支付', gives: '大病保险降低起付线、提高报销比例', ledgerType: 'MEDICAL_AID', dueDays: 30, sourced: false },
  { code: 'EMERGENCY_FUND', department: '民政局（县融救助中心）', source: 'gov.civil-affairs', name: '“急难重特”资金池救助', gives: '县级资金池对急难、重大或特殊困难的一次性救助', ledgerType: 'TEMPORARY', dueDays: 15, sourced: true },
  { code: 'LITTLE_ANGEL_FUND', department: '红十字会', source: 'gov.red-cross', name: '小天使基金', gives: '对患白血病的儿童和青少年的一次性资助', ledgerType: 'CHARITY', dueDays: 45, sourced: true },
  { code: 'CHARITY_AID', department: '慈善总会', source: 'gov.charity-federation', name: '慈善救助', gives: '慈善资金或物资救助', ledgerType: 'CHARITY', dueDays: 30, sourced: false },
  { code: 'EDUCATION_AID', department: '教育局', source: 'gov.education', name: '教育救助（助学金、学费减免）', gives: '为在校学生发放助学金、减免学费', ledgerType: 'EDUCATION_AID', dueDays: 30, sourced: false },
  { code: 'HOUSING_RENOVATION', department: '住房和城乡建设局', source: 'gov.housing', name: '农村危房改造', gives: '对危险住房给予改造补助', ledgerType: 'HOUSING_AID', dueDays: 60, sourced: false },
  { code: 'EMPLOYMENT', department: '人力资源和社会保障局', source: 'gov.human-resources', name: '就业援助（岗位推荐、技能培训）', gives: '岗位推荐、公益性岗位安置、技能培训', ledgerType: 'EMPLOYMENT_AID', dueDays: 30, sourced: false },
  { code: 'DISABILITY_REHABILITATION', department: '残疾人联合会', source: 'gov.disabled-persons-federation', name: '残疾人康复救助', gives: '康复服务和辅助器具', ledgerType: 'DISABILITY_REHABILITATION', dueDays: 30, sourced: true },
  { code: 'WOMEN_ASSISTANCE', department: '妇女联合会', source: 'gov.womens-federation', name: '困难妇女“两癌”救助', gives: '对患宫颈癌、乳腺癌的困难妇女给予救助', ledgerType: 'CHARITY', dueDays: 30, sourced: true },
  { code: 'ELECTRICITY_SUBSIDY', department: '发展和改革局', source: 'gov.energy', name: '电费补贴', gives: '对救助对象按月发放电费补贴', ledgerType: 'ELECTRICITY_SUBSIDY', dueDays: 30, sourced: false },
  { code: 'LEGAL_AID', department: '司法局', source: 'gov.justice', name: '法律援助', gives: '免费法律咨询和代理（如追索赡养费、抚养费）', ledgerType: 'LEGAL_AID', dueDays: 30, sourced: false },
] as const;

export type ProgrammeCode = (typeof PROGRAMMES)[number]['code'];
export const PROGRAMME_CODES = PROGRAMMES.map((p) => p.code) as unknown as readonly [ProgrammeCode, ...ProgrammeCode[]];
const programmeByCode = new Map<string, (typeof PROGRAMMES)[number]>(PROGRAMMES.map((p) => [p.code, p]));
export function programme(code: string) {
  return programmeByCode.get(code);
}

export const programmesField = z
  .array(z.enum(PROGRAMME_CODES))
  .max(PROGRAMME_CODES.length)
  .refine((p) => new Set(p).size === p.length, 'each programme once');

export type ReferralStatus = 'OPEN' | 'GRANTED' | 'DECLINED';

/** A referral is overdue the day after its due date (programme's dueDays after it was opened). */
export function referralDue(regionCode: string, openedOn: string, dueDays: number): DueMarks & { dueBy: string } {
  const dueBy = addDays(openedOn, dueDays);
  const on = addDays(dueBy, 1);
  return { dueKey: exactDueKey(regionCode, on), dueOn: on, dueKinds: ['REFERRAL_OVERDUE'], dueBy };
}

// ---------------------------------------------------------------- development-type help (发展型帮扶)

/** Working age for the employment offer: 16 to 59. */
export function workingAgeAble(age: number, laborAbility: string | undefined): boolean {
  return age >= 16 && age < 60 && (laborAbility === 'full' || laborAbility === 'partial');
}

// ---------------------------------------------------------------- the daily checks of links

/** What the daily run reads of a household's LINK#ORDER# / LINK#REF# item. */
export interface LinkItem {
  sk: string;
  householdId: string;
  regionCode: string;
  idHash: string;
  maskedId: string;
  status: string;
  dueOn: string;
  orderId?: string;
  organizationId?: string;
  lastVisitAt?: string;
  /** Months (YYYY-MM, Asia/Shanghai) with a visit. */
  visitedMonths?: string[];
  referralId?: string;
  programme?: string;
  dueBy?: string;
}

/**
 * One due link item: the warning it raises (a month without a visit; a referral past its due
 * date) and where its check moves next (the next month; a referral is checked once).
 */
export function checkLink(item: LinkItem): { findings: Finding[]; next: DueMarks | undefined } {
  const base = { idHash: item.idHash, person: item.maskedId, householdId: item.householdId, regionCode: item.regionCode };
  if (item.sk.startsWith('LINK#ORDER#')) {
    if (item.status !== 'ACTIVE') return { findings: [], next: undefined };
    const month = monthChecked(item.dueOn);
    const visited = item.visitedMonths ?? [];
    // A visit of that month whose move of the check raced the run still counts.
    const findings: Finding[] = visited.includes(month)
      ? []
      : [{ ...base, indicator: 'SERVICE_VISIT_MISSED', period: `${item.orderId}#${month}`, details: { serviceOrderId: item.orderId, organizationId: item.organizationId, month, ...(item.lastVisitAt ? { lastVisitAt: item.lastVisitAt } : {}) } }];
    return { findings, next: visitCheckDue(item.regionCode, firstUnvisited(nextMonth(month), visited)) };
  }
  if (item.sk.startsWith('LINK#REF#')) {
    if (item.status !== 'OPEN') return { findings: [], next: undefined };
    return { findings: [{ ...base, indicator: 'REFERRAL_OVERDUE', period: String(item.referralId), details: { referralId: item.referralId, programme: item.programme, dueBy: item.dueBy } }], next: undefined };
  }
  return { findings: [], next: undefined };
}

/** Whether the daily run of `asOf` reads an exact (same-day) mark. */
export function isExactDue(marks: Pick<DueMarks, 'dueKey' | 'dueOn'>, asOf: string, lookbackDays: number): boolean {
  return exactPartitions(marks.dueKey.slice(0, 6), asOf, lookbackDays).some((p) => p.dueKey === marks.dueKey && marks.dueOn <= p.until);
}
