import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { fenToYuan } from './benefits.ts';
import { addMonths, ENTITLEMENT_SOURCE, ledgerKey, monthSchema, TYPE_LABELS, type LedgerEntry } from './ledger.ts';
import { residentIdSchema } from './resident-id.ts';

/**
 * Payments (发放): the monthly roster (发放名册) a county's civil-affairs bureau draws up from the
 * ledger, approves with a second person, sends to the bank as a file, and corrects with the
 * bank's returns; payments after a death reported late become recovery items (追缴). Pure: keys,
 * windows, lines and totals, the bank file. Money is integer fen inside, yuan on the way out.
 *
 * Which ledger entries a roster takes. The Ledger's sparse GSI `byCountyMonth` holds every
 * civil-affairs entry under `payKey = <county>#<month it is for>`, sorted by `paySort =
 * <recordedAt>#<household>#<ledger sk>`. A roster is created at an instant; its cutoff is
 * SETTLE_MS earlier (entries stamped but not yet written, and the index's propagation, settle
 * meanwhile). Rosters of a county go forward month by month, and each takes the entries recorded
 * before its cutoff that no earlier roster took:
 *   - its own month: every entry recorded before the cutoff;
 *   - a month no roster covered (skipped): the same;
 *   - a month an earlier roster covered: the entries recorded since the previous roster's cutoff
 *     (a later ledger change: it goes to this roster as an ADJUSTMENT line).
 * Half-open windows [previous cutoff, cutoff) make every entry land on exactly one roster.
 * A county's first roster takes its own month only (what came before was paid before the platform).
 */

/** Entries the roster pays: what the civil-affairs bureau pays (entitlements and its own grants). */
export const PAYMENT_SOURCE = ENTITLEMENT_SOURCE;
/** Entries recorded this shortly before a roster's creation wait for the next one. */
export const SETTLE_MS = 15 * 60_000;
/** How far back a roster looks for late changes to months an earlier roster covered. */
export const LOOKBACK_MONTHS = 24;
/** Returns of one payee within a year that raise PAYMENT_REPEATEDLY_FAILED. */
export const REPEATED_FAILURES = 2;

export const countySchema = z.string().regex(/^\d{6}$/, 'countyCode must be a 6-digit county code');

/** Index keys a ledger item carries so the roster can find it (none for other departments' grants). */
export function paymentIndexKeys(e: LedgerEntry): { payKey: string; paySort: string } | Record<string, never> {
  if (e.source !== PAYMENT_SOURCE || !e.regionCode || !/^\d{6}/.test(e.regionCode)) return {};
  return { payKey: `${e.regionCode.slice(0, 6)}#${e.month}`, paySort: `${e.recordedAt}#${e.householdId}#${ledgerKey(e).sk}` };
}

export function rosterIdOf(county: string, month: string): string {
  return `ro_${county}_${month.replace('-', '')}`;
}
export const rosterIdSchema = z.string().regex(/^ro_\d{6}_\d{6}$/, 'not a roster id');

/** Deterministic: the same roster and source is the same line (a retried build writes the same). */
export function lineIdOf(rosterId: string, source: string): string {
  return `ln_${createHash('sha256').update(`${rosterId}|${source}`).digest('base64url').slice(0, 22)}`;
}
export const lineIdSchema = z.string().regex(/^ln_[A-Za-z0-9_-]{22}$/, 'not a line id');

export interface Window {
  month: string;
  /** paySort ≥ from (absent: no lower bound). */
  from?: string;
  /** paySort < before. */
  before: string;
}

export interface PreviousRoster {
  rosterId: string;
  month: string;
  cutoff: string;
}

/** The index ranges a roster reads (see the header). */
export function rosterWindows(month: string, cutoff: string, prev: PreviousRoster | undefined): Window[] {
  const windows: Window[] = [{ month, before: cutoff }];
  if (!prev) return windows;
  for (let j = addMonths(month, -LOOKBACK_MONTHS); j < month; j = addMonths(j, 1)) {
    windows.push(j > prev.month ? { month: j, before: cutoff } : { month: j, from: prev.cutoff, before: cutoff });
  }
  return windows;
}

export type LineKind = 'CURRENT' | 'ADJUSTMENT' | 'REPAYMENT';
/** PAYABLE goes in the bank file; HELD waits for a payee (or a corrected one); RETURNED came back
 *  from the bank; STOPPED was for a month after the household's entitlement ended (not paid). */
export type LineStatus = 'PAYABLE' | 'HELD' | 'RETURNED' | 'STOPPED';
export type HoldReason = 'NO_PAYEE' | 'ACCOUNT_RETURNED' | 'RETURNED';

export interface PayeeSnapshot {
  name: string;
  /** Masked ID of the account holder. */
  person: string;
  bank: string;
  channel: PayeeChannel;
  accountMasked: string;
  /** The account, encrypted (payments-kms); decrypted only for the bank's copy of the file. */
  accountCipher: string;
}

export interface RosterLine {
  rosterId: string;
  lineId: string;
  householdId: string;
  regionCode: string;
  town: string;
  category: string;
  forMonth: string;
  amountFen: number;
  kind: LineKind;
  /** The ledger entry it pays (CURRENT, ADJUSTMENT), or the line it pays again (REPAYMENT). */
  ledgerSk?: string;
  originalLineId?: string;
  originalRosterId?: string;
  payee?: PayeeSnapshot;
  status: LineStatus;
  holdReason?: HoldReason;
  returnReason?: string;
  returnedAt?: string;
  stoppedReason?: string;
}

/** A payment owed but not made: paid on a later roster once the household has a usable payee. */
export interface Hold {
  county: string;
  householdId: string;
  regionCode: string;
  lineId: string;
  rosterId: string;
  category: string;
  forMonth: string;
  amountFen: number;
  reason: HoldReason;
  bankReason?: string;
  heldAt: string;
}

export type PayeeChannel = 'BANK' | 'SOCIAL_SECURITY_CARD';

export interface PayeeRecord {
  householdId: string;
  regionCode: string;
  name: string;
  personHash: string;
  person: string;
  bank: string;
  channel: PayeeChannel;
  accountCipher: string;
  accountMasked: string;
  updatedAt: string;
  updatedBy: string;
  version: number;
  /** Set by a return; cleared when the payee is corrected. New lines are held meanwhile. */
  blockedSince?: string;
  /** The bank's returns for this payee (most recent last). */
  returns?: { at: string; rosterId: string; lineId: string; reason: string }[];
}

export const usablePayee = (p: PayeeRecord | undefined): p is PayeeRecord => !!p && !p.blockedSince;

export function snapshotOf(p: PayeeRecord): PayeeSnapshot {
  return { name: p.name, person: p.person, bank: p.bank, channel: p.channel, accountMasked: p.accountMasked, accountCipher: p.accountCipher };
}

/** A ledger entry as the roster reads it from the index. */
export type IndexedEntry = LedgerEntry & { sk: string };

export interface Totals {
  lines: number;
  amountFen: number;
  byCategory: Record<string, number>;
  byTown: Record<string, number>;
  byKind: Partial<Record<LineKind, number>>;
  payable: { lines: number; amountFen: number };
  held: { lines: number; amountFen: number };
  stopped: { lines: number; amountFen: number };
}

export function totalsOf(lines: readonly RosterLine[]): Totals {
  const t: Totals = { lines: 0, amountFen: 0, byCategory: {}, byTown: {}, byKind: {}, payable: { lines: 0, amountFen: 0 }, held: { lines: 0, amountFen: 0 }, stopped: { lines: 0, amountFen: 0 } };
  for (const l of lines) {
    t.lines++;
    t.amountFen += l.amountFen;
    t.byCategory[l.category] = (t.byCategory[l.category] ?? 0) + l.amountFen;
    t.byTown[l.town] = (t.byTown[l.town] ?? 0) + l.amountFen;
    t.byKind[l.kind] = (t.byKind[l.kind] ?? 0) + l.amountFen;
    const bucket = l.status === 'HELD' ? t.held : l.status === 'STOPPED' ? t.stopped : t.payable;
    bucket.lines++;
    bucket.amountFen += l.amountFen;
  }
  return t;
}

const yuanMap = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, fenToYuan(v)]));

/** Totals as the API shows them (yuan). */
export function totalsView(t: Totals) {
  return {
    lines: t.lines,
    amount: fenToYuan(t.amountFen),
    byCategory: yuanMap(t.byCategory),
    byTown: yuanMap(t.byTown),
    byKind: yuanMap(t.byKind as Record<string, number>),
    payable: { lines: t.payable.lines, amount: fenToYuan(t.payable.amountFen) },
    held: { lines: t.held.lines, amount: fenToYuan(t.held.amountFen) },
    stopped: { lines: t.stopped.lines, amount: fenToYuan(t.stopped.amountFen) },
  };
}

export interface BuildInput {
  rosterId: string;
  county: string;
  month: string;
  at: string;
  entries: readonly IndexedEntry[];
  payees: ReadonlyMap<string, PayeeRecord>;
  /** The county's open holds (held or returned lines of earlier rosters). */
  holds: readonly Hold[];
  /** Households whose entitlement ended after the ledger had paid on (a death reported late). */
  stops?: readonly Stop[];
}

/** Nothing is paid for a household (or one category) after `lastMonth`. */
export interface Stop {
  county: string;
  householdId: string;
  category?: string;
  lastMonth: string;
  reason: RecoveryReason;
  at: string;
}

export function stoppedBy(stops: readonly Stop[] | undefined, householdId: string, category: string, forMonth: string): Stop | undefined {
  return stops?.find((s) => s.householdId === householdId && (!s.category || s.category === category) && forMonth > s.lastMonth);
}

export interface BuildResult {
  lines: RosterLine[];
  /** Holds paid again on this roster (to remove). */
  repaid: Hold[];
  /** Lines of this roster that are held (to add). */
  newHolds: Hold[];
}

function heldFor(p: PayeeRecord | undefined): HoldReason {
  return p ? 'ACCOUNT_RETURNED' : 'NO_PAYEE';
}

/**
 * The roster's lines: one per household, category and ledger entry (CURRENT for the roster's
 * month, ADJUSTMENT for a late change to an earlier month), plus a REPAYMENT for each hold whose
 * household now has a usable payee. A line without one is HELD and becomes a hold itself.
 */
export function buildLines(input: BuildInput): BuildResult {
  const lines: RosterLine[] = [];
  const newHolds: Hold[] = [];
  const repaid: Hold[] = [];
  for (const e of input.entries) {
    if (e.source !== PAYMENT_SOURCE || !e.regionCode) continue;
    const payee = input.payees.get(e.householdId);
    const lineId = lineIdOf(input.rosterId, `LEDGER#${e.householdId}#${e.sk}`);
    const stop = stoppedBy(input.stops, e.householdId, e.type, e.month);
    const line: RosterLine = {
      rosterId: input.rosterId,
      lineId,
      householdId: e.householdId,
      regionCode: e.regionCode,
      town: e.regionCode.slice(0, 9),
      category: e.type,
      forMonth: e.month,
      amountFen: e.amountFen,
      kind: e.month === input.month ? 'CURRENT' : 'ADJUSTMENT',
      ledgerSk: e.sk,
      status: stop ? 'STOPPED' : usablePayee(payee) ? 'PAYABLE' : 'HELD',
      ...(stop ? { stoppedReason: `${stop.reason}: nothing is due after ${stop.lastMonth}` } : usablePayee(payee) ? { payee: snapshotOf(payee) } : { holdReason: heldFor(payee) }),
    };
    lines.push(line);
    if (line.status === 'HELD') newHolds.push(holdOf(line, input.county, line.holdReason!, input.at));
  }
  for (const h of input.holds) {
    if (h.rosterId === input.rosterId) continue; // its own, from an interrupted attempt
    if (stoppedBy(input.stops, h.householdId, h.category, h.forMonth)) continue;
    const payee = input.payees.get(h.householdId);
    if (!usablePayee(payee)) continue;
    repaid.push(h);
    lines.push({
      rosterId: input.rosterId,
      lineId: lineIdOf(input.rosterId, `HOLD#${h.lineId}`),
      householdId: h.householdId,
      regionCode: h.regionCode,
      town: h.regionCode.slice(0, 9),
      category: h.category,
      forMonth: h.forMonth,
      amountFen: h.amountFen,
      kind: 'REPAYMENT',
      originalLineId: h.lineId,
      originalRosterId: h.rosterId,
      payee: snapshotOf(payee),
      status: 'PAYABLE',
    });
  }
  lines.sort((a, b) => a.town.localeCompare(b.town) || a.householdId.localeCompare(b.householdId) || a.forMonth.localeCompare(b.forMonth) || a.category.localeCompare(b.category) || a.lineId.localeCompare(b.lineId));
  return { lines, repaid, newHolds };
}

export function holdOf(line: RosterLine, county: string, reason: HoldReason, at: string, bankReason?: string): Hold {
  return {
    county,
    householdId: line.householdId,
    regionCode: line.regionCode,
    lineId: line.lineId,
    rosterId: line.rosterId,
    category: line.category,
    forMonth: line.forMonth,
    amountFen: line.amountFen,
    reason,
    ...(bankReason ? { bankReason } : {}),
    heldAt: at,
  };
}

/** 6217001234567890123 → 6217***********0123: the bank's BIN and the last four, never the rest. */
export function maskAccount(account: string): string {
  if (account.length >= 12) return `${account.slice(0, 4)}${'*'.repeat(account.length - 8)}${account.slice(-4)}`;
  return `${'*'.repeat(Math.max(0, account.length - 4))}${account.slice(-4)}`;
}

// ---------------------------------------------------------------- requests

const text = (what: string, max: number) => z.string().trim().min(1, `${what} is required`).max(max);

export const createRosterSchema = z.object({ month: monthSchema, countyCode: countySchema }).strict();

export const returnsSchema = z
  .object({
    lines: z
      .array(z.object({ lineId: lineIdSchema, reason: text('reason', 200) }).strict())
      .min(1, 'at least one line')
      .max(500, 'at most 500 lines per request'),
  })
  .strict()
  .refine((b) => new Set(b.lines.map((l) => l.lineId)).size === b.lines.length, { message: 'a line appears twice', path: ['lines'] });

export const payeeSchema = z
  .object({
    name: text('name', 50),
    idNumber: residentIdSchema,
    bank: text('bank', 100),
    accountNumber: z.string().trim().regex(/^\d{8,32}$/, 'accountNumber must be 8–32 digits'),
    channel: z.enum(['BANK', 'SOCIAL_SECURITY_CARD']).default('BANK'),
  })
  .strict();

// ---------------------------------------------------------------- the bank file

/**
 * The bank file's columns (docs/payments.md): one row per PAYABLE line, by town and household.
 * Chinese headers for the staff's spreadsheets; the keys in brackets are what the layout calls them.
 */
export const FILE_COLUMNS = [
  ['seq', '序号'],
  ['lineId', '明细编号'],
  ['town', '乡镇代码'],
  ['householdId', '户编号'],
  ['payeeName', '收款人姓名'],
  ['payeeId', '收款人身份证号'],
  ['channel', '发放渠道'],
  ['bank', '开户行'],
  ['account', '账号'],
  ['amount', '金额(元)'],
  ['category', '救助类别'],
  ['categoryName', '类别名称'],
  ['forMonth', '所属月份'],
  ['kind', '类型'],
] as const;

const KIND_NAMES: Record<LineKind, string> = { CURRENT: '当月', ADJUSTMENT: '补发', REPAYMENT: '退回重发' };
const CHANNEL_NAMES: Record<PayeeChannel, string> = { BANK: '银行卡', SOCIAL_SECURITY_CARD: '社保卡' };

/** A cell a spreadsheet would run as a formula gets a leading apostrophe. */
const cell = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

/**
 * The bank file: UTF-8 with a BOM (so spreadsheets read the Chinese), CRLF rows, RFC 4180 quoting.
 * `accounts` holds the decrypted accounts for the bank's own copy; without it accounts are masked.
 */
export function bankFile(lines: readonly RosterLine[], accounts?: ReadonlyMap<string, string>): { csv: string; lines: number; amountFen: number } {
  const payable = lines.filter((l) => l.status === 'PAYABLE' && l.payee);
  const rows = payable.map((l, i) => [
    String(i + 1),
    l.lineId,
    l.town,
    l.householdId,
    cell(l.payee!.name),
    l.payee!.person,
    CHANNEL_NAMES[l.payee!.channel],
    cell(l.payee!.bank),
    accounts?.get(l.lineId) ?? l.payee!.accountMasked,
    (l.amountFen / 100).toFixed(2),
    l.category,
    TYPE_LABELS[l.category] ?? l.category,
    l.forMonth,
    KIND_NAMES[l.kind],
  ]);
  const csv = stringify([FILE_COLUMNS.map(([, h]) => h), ...rows], { record_delimiter: '\r\n' });
  return { csv: `\uFEFF${csv}`, lines: payable.length, amountFen: payable.reduce((s, l) => s + l.amountFen, 0) };
}

// ---------------------------------------------------------------- recoveries

export type RecoveryReason = 'DECEASED' | 'TERMINATED';
export type RecoveryStatus = 'OPEN' | 'RECOVERED' | 'WAIVED';

/** A payment made for a month after the household's entitlement ended: to be recovered (追缴). */
export interface Recovery {
  id: string;
  householdId: string;
  regionCode: string;
  rosterId: string;
  lineId: string;
  category: string;
  forMonth: string;
  amountFen: number;
  reason: RecoveryReason;
  /** The last month the household was entitled to (month of death, or the entitlement's end). */
  lastEntitledMonth: string;
  status: RecoveryStatus;
  raisedAt: string;
  closedBy?: string;
  closedAt?: string;
  closeNote?: string;
}

export const recoveryIdOf = (lineId: string) => `rc_${lineId.slice(3)}`;
export const recoveryIdSchema = z.string().regex(/^rc_[A-Za-z0-9_-]{22}$/, 'not a recovery id');
export const closeRecoverySchema = z.object({ outcome: z.enum(['RECOVERED', 'WAIVED']), note: text('note', 2000) }).strict();

export function recoveryView(r: Recovery) {
  return {
    id: r.id,
    householdId: r.householdId,
    regionCode: r.regionCode,
    rosterId: r.rosterId,
    lineId: r.lineId,
    type: r.category,
    label: TYPE_LABELS[r.category] ?? r.category,
    month: r.forMonth,
    amount: fenToYuan(r.amountFen),
    reason: r.reason,
    lastEntitledMonth: r.lastEntitledMonth,
    status: r.status,
    raisedAt: r.raisedAt,
    ...(r.closedAt ? { closedBy: r.closedBy, closedAt: r.closedAt, closeNote: r.closeNote } : {}),
  };
}

/**
 * What a late end means for the lines already on rosters: a line for a month after
 * `lastMonth` (of `category`, or of any category) that was paid (PAYABLE on an approved roster)
 * becomes a recovery; one not yet paid (a draft roster, or held) is stopped.
 */
export function afterEnd(
  lines: readonly (RosterLine & { rosterStatus: string })[],
  lastMonth: string,
  category: string | undefined,
): { recover: RosterLine[]; stop: RosterLine[] } {
  const recover: RosterLine[] = [];
  const stop: RosterLine[] = [];
  for (const l of lines) {
    if (l.forMonth <= lastMonth || (category && l.category !== category)) continue;
    if (l.status === 'PAYABLE' && l.rosterStatus === 'APPROVED') recover.push(l);
    else if (l.status === 'PAYABLE' || l.status === 'HELD') stop.push(l);
  }
  return { recover, stop };
}

/** The payee's returns within the 12 months up to `at` (the warning's count). */
export function recentReturns(p: Pick<PayeeRecord, 'returns'>, at: string): number {
  const since = new Date(Date.parse(at) - 365 * 86_400_000).toISOString();
  return (p.returns ?? []).filter((r) => r.at >= since).length;
}
