import { z } from 'zod';
import { fenToYuan } from './benefits.ts';
import { maskId, residentIdSchema } from './resident-id.ts';

/**
 * The household ledger (救助台账): everything a household received, whichever department paid
 * it — "types, dates and amounts at a glance". Pure: keys, validation, totals. Money is integer
 * fen inside, yuan on the way out.
 *
 * Two kinds of entry:
 *   - monthly: one per household, entitlement category and month (the monthly ledger run),
 *     keyed `<YYYY-MM>#<category>#ENT` so a second run for the month writes nothing;
 *   - grant: a department's AssistanceGranted event, keyed by the event (its `reference` when the
 *     department gives one, else EventBridge's event id), dated `YYYY-MM-DD`.
 */

export const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
export const monthSchema = z.string().regex(MONTH_RE, 'month must be YYYY-MM');

/** Ledger years the API answers for (a household cannot have received anything before 2000). */
export const yearSchema = z
  .string()
  .regex(/^\d{4}$/, 'year must be YYYY')
  .transform(Number)
  .refine((y) => y >= 2000 && y <= 2100, 'year must be between 2000 and 2100');

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** The month (YYYY-MM) of an instant, in Asia/Shanghai. */
export function shanghaiMonth(atMs: number): string {
  return new Date(atMs + 8 * 3600_000).toISOString().slice(0, 7);
}

/** Human names of the entry types the ledger knows; others show their code. */
export const TYPE_LABELS: Record<string, string> = {
  DIBAO: '最低生活保障',
  TEKUN: '特困人员救助供养',
  DIBAO_EDGE: '低保边缘家庭',
  RIGID_EXPENDITURE: '刚性支出困难家庭救助',
  ORPHAN: '孤儿基本生活保障',
  DISABILITY_LIVING_SUBSIDY: '困难残疾人生活补贴',
  DISABILITY_CARE_SUBSIDY: '重度残疾人护理补贴',
  TEMPORARY: '临时救助',
  ELECTRICITY_SUBSIDY: '电费补贴',
  SPRING_FESTIVAL_SUBSIDY: '春节补贴',
  HEATING_SUBSIDY: '取暖补贴',
  EDUCATION_AID: '教育救助',
  MEDICAL_AID: '医疗救助',
  HOUSING_AID: '住房救助',
  EMPLOYMENT_AID: '就业救助',
  DISASTER_RELIEF: '受灾人员救助',
  CHARITY: '社会慈善帮扶',
  SKILL_CERTIFICATE_GRANT: '技能证书助学金（发展型帮扶）',
  DISABILITY_REHABILITATION: '残疾人康复救助',
  LEGAL_AID: '法律援助',
};

/** The department the monthly run names for entitlements (the civil-affairs bureau pays them). */
export const ENTITLEMENT_SOURCE = 'gov.civil-affairs';
export const ENTITLEMENT_DEPARTMENT = '民政局';

export interface LedgerEntry {
  householdId: string;
  /** Category (monthly) or the department's grant type. */
  type: string;
  kind: 'monthly' | 'grant';
  /** YYYY-MM: the month paid (monthly) or the month of `date` (grant). */
  month: string;
  /** YYYY-MM-DD (grants only). */
  date?: string;
  amountFen: number;
  /** Event source (`gov.education`) or `gov.civil-affairs` for entitlements. */
  source: string;
  department: string;
  regionCode?: string;
  /** What made it: `ENT` for the monthly run, the event id or `<source>:<reference>` for grants. */
  ref: string;
  /** Masked ID of the person a grant was for. */
  person?: string;
  /** The referral (一门受理) a department's grant answers, when it names one. */
  referralId?: string;
  recordedAt: string;
  /** Only for entries a seed script wrote (demo data), saying so. */
  seeded?: string;
}

export function ledgerKey(e: Pick<LedgerEntry, 'householdId' | 'month' | 'type' | 'kind' | 'ref'>): { pk: string; sk: string } {
  return { pk: `HH#${e.householdId}`, sk: e.kind === 'monthly' ? `${e.month}#${e.type}#ENT` : `${e.month}#${e.type}#EVT#${e.ref}` };
}

export interface LedgerView {
  householdId: string;
  year: number;
  entries: { type: string; label: string; month?: string; date?: string; amount: number; source: string; department: string }[];
  total: number;
  totals: { byType: Record<string, number> };
}

/** The API's view of a year: entries by date, totals by type and overall (summed in fen). */
export function ledgerView(householdId: string, year: number, entries: LedgerEntry[]): LedgerView {
  const sorted = [...entries].sort((a, b) => (a.date ?? `${a.month}-00`).localeCompare(b.date ?? `${b.month}-00`) || a.type.localeCompare(b.type));
  const byTypeFen: Record<string, number> = {};
  let totalFen = 0;
  for (const e of sorted) {
    byTypeFen[e.type] = (byTypeFen[e.type] ?? 0) + e.amountFen;
    totalFen += e.amountFen;
  }
  return {
    householdId,
    year,
    entries: sorted.map((e) => ({
      type: e.type,
      label: TYPE_LABELS[e.type] ?? e.type,
      ...(e.kind === 'grant' ? { date: e.date } : { month: e.month }),
      amount: fenToYuan(e.amountFen),
      source: e.source,
      department: e.department,
    })),
    total: fenToYuan(totalFen),
    totals: { byType: Object.fromEntries(Object.entries(byTypeFen).map(([t, f]) => [t, fenToYuan(f)])) },
  };
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a real date');

/** Yuan > 0 with at most 2 decimals → fen. */
const positiveYuan = z
  .number({ error: 'amount must be a number of yuan' })
  .finite()
  .positive('amount must be > 0')
  .max(10_000_000, 'amount must be ≤ 10,000,000 yuan')
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'money has at most 2 decimals')
  .transform((v) => Math.round(v * 100));

/** API.md's AssistanceGranted detail, plus an optional department reference (idempotency). */
export const assistanceGrantedSchema = z.object({
  idNumber: residentIdSchema,
  type: z.string().regex(/^[A-Z][A-Z0-9_]{1,47}$/, 'type must be an upper-case code such as MEDICAL_AID'),
  amount: positiveYuan,
  date: isoDate,
  department: z.string().trim().min(1, 'department is required').max(100),
  reference: z.string().regex(/^[\x21-\x7e]{1,100}$/, 'reference must be 1–100 printable ASCII characters').optional(),
  /** The referral this grant answers (ReferralCreated's referralId): the referral closes. */
  referralId: z.string().regex(/^ref_[A-Za-z0-9_-]{10,40}$/, 'referralId must be a referral id from ReferralCreated').optional(),
});
export type AssistanceGranted = z.output<typeof assistanceGrantedSchema>;

export const personDeceasedSchema = z.object({ idNumber: residentIdSchema, date: isoDate });

/** The envelope a Lambda target receives from EventBridge. */
export const eventEnvelopeSchema = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  'detail-type': z.string().min(1),
  time: z.string().optional(),
  detail: z.unknown(),
});

// 15 or more digits (an X may end them), white space between them allowed: masked by value.
const ID_LIKE = /\d(?:\s*\d){13,}(?:\s*[\dXx])?/g;

/**
 * What a dead letter may keep of an event: ID-like strings anywhere are masked (digits 7–14
 * never kept), so neither the store nor a listing ever shows a raw resident ID.
 */
export function scrubIds(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(ID_LIKE, (m) => maskId(m));
  if (Array.isArray(value)) return value.map(scrubIds);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubIds(v)]));
  return value;
}
