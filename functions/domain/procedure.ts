import { addWorkingDays } from './working-days.ts';

/**
 * The lawful procedure (最低生活保障审核确认办法 2021, 特困人员认定办法 2021): the rules recommend,
 * the village gives an opinion, the town investigates and proposes, the city (or a town the
 * county has authorized, `review.townDecides`) decides. Pure: routing, deadlines, the TEKUN
 * spot-check draw, the appeal window. The workflows and the review handler share these, so the
 * status a decision's response reports is the one the workflow goes to.
 */

export type Level = 'village' | 'town' | 'city';
export type Route = 'TOWN' | 'NOTICE' | 'CITY' | 'GRANT' | 'REJECT';

/** Children's support: no public notice (privacy). */
export const CHILD_SUPPORT_CATEGORIES: readonly string[] = ['ORPHAN'];

/** 公示 is for categories other than children's support and one-off temporary aid. */
export function noticeRequired(categories: readonly string[]): boolean {
  return categories.some((c) => !CHILD_SUPPORT_CATEGORIES.includes(c) && c !== 'TEMPORARY');
}

export interface RouteContext {
  /** The county's `review.townDecides` = 1: the town's decision is final. */
  townDecides: boolean;
  /** The categories the case would be granted (the town's proposal, else the recommendation). */
  proposed: readonly string[];
}

/**
 * Where a decision sends the case. The village only gives an opinion; the town's approval goes
 * to the notice (or straight on when none is due), its rejection to the city as a proposal; the
 * city's decision, or a deciding town's, is final.
 */
export function routeAfter(level: Level, decision: 'approve' | 'reject', ctx: RouteContext): { route: Route; afterNotice?: Route } {
  if (level === 'village') return { route: 'TOWN' };
  if (level === 'city') return { route: decision === 'approve' ? 'GRANT' : 'REJECT' };
  const next: Route = ctx.townDecides ? 'GRANT' : 'CITY';
  if (decision === 'reject') return { route: ctx.townDecides ? 'REJECT' : 'CITY' };
  return noticeRequired(ctx.proposed) ? { route: 'NOTICE', afterNotice: next } : { route: next };
}

export const STATUS_AFTER: Record<Route, string> = {
  TOWN: 'TOWN_REVIEW',
  NOTICE: 'PUBLIC_NOTICE',
  CITY: 'CITY_REVIEW',
  GRANT: 'APPROVED',
  REJECT: 'REJECTED',
};

// ---------------------------------------------------------------- the case's clock

/** The whole case: 30 working days from acceptance, 45 once the town extends it with a reason. */
export const CASE_WORKING_DAYS = 30;
export const EXTENDED_CASE_WORKING_DAYS = 45;
/** The open task escalates this many working days before the case's time runs out. */
export const CASE_WARNING_WORKING_DAYS = 5;

export interface CaseDeadline {
  acceptedOn: string;
  due: string;
  extendedTo?: string;
  extensionReason?: string;
  extendedBy?: string;
}

export function caseDeadline(acceptedOn: string): CaseDeadline {
  return { acceptedOn, due: addWorkingDays(acceptedOn, CASE_WORKING_DAYS) };
}

export function extendedDeadline(d: CaseDeadline, reason: string, by: string): CaseDeadline {
  return { ...d, extendedTo: addWorkingDays(d.acceptedOn, EXTENDED_CASE_WORKING_DAYS), extensionReason: reason, extendedBy: by };
}

/** The last day the case may take, extended or not. */
export function effectiveDue(d: CaseDeadline): string {
  return d.extendedTo ?? d.due;
}

/** 18:00 Asia/Shanghai of the working day `CASE_WARNING_WORKING_DAYS` before the case is due. */
export function caseWarningAt(d: CaseDeadline): number {
  return Date.parse(`${addWorkingDays(effectiveDue(d), -CASE_WARNING_WORKING_DAYS)}T18:00:00+08:00`);
}

export function caseDueAt(d: CaseDeadline): number {
  return Date.parse(`${effectiveDue(d)}T18:00:00+08:00`);
}

export type EscalationReason = 'LEVEL_DUE' | 'CASE_DEADLINE_NEAR' | 'CASE_DEADLINE_PASSED';

/**
 * When the open review task escalates next: its level's due time (then every `repeatAtMs` step
 * while it stays undecided), the case's warning time and the case's end, whichever comes first
 * after now. Escalation never decides.
 */
export function nextEscalationAt(taskDueMs: number, d: CaseDeadline | undefined, nowMs: number, repeatAtMs: number): number {
  const candidates = [taskDueMs > nowMs ? taskDueMs : repeatAtMs];
  if (d) for (const t of [caseWarningAt(d), caseDueAt(d)]) if (t > nowMs) candidates.push(t);
  return Math.min(...candidates);
}

/** Why an escalation at `nowMs` happens: the gravest threshold passed. */
export function escalationReason(d: CaseDeadline | undefined, nowMs: number): EscalationReason {
  if (d && nowMs >= caseDueAt(d)) return 'CASE_DEADLINE_PASSED';
  if (d && nowMs >= caseWarningAt(d)) return 'CASE_DEADLINE_NEAR';
  return 'LEVEL_DUE';
}

// ---------------------------------------------------------------- TEKUN spot-check

/** 特困人员认定办法: the county spot-checks at least 30% of its TEKUN cases by home visit. */
export const TEKUN_SPOT_CHECK_SHARE = 0.3;

/**
 * The n-th TEKUN case of a county (1-based) is drawn when drawing it keeps the county at or
 * above the share after every case: ceil(share × n) > ceil(share × (n − 1)). So the first case
 * is drawn, and any run of cases has at least 30% drawn.
 */
export function spotCheckDrawn(n: number, share = TEKUN_SPOT_CHECK_SHARE): boolean {
  return Math.ceil(share * n - 1e-9) > Math.ceil(share * (n - 1) - 1e-9);
}

// ---------------------------------------------------------------- appeals

/** An appeal (复核/行政复议) is taken within 60 days of the decision letter. */
export const APPEAL_DAYS = 60;

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export function appealBy(issuedOn: string): string {
  return addDays(issuedOn, APPEAL_DAYS);
}

/**
 * Who hears an appeal: the level above the one that decided. A town's decision goes to the city;
 * a county's (6-digit city jurisdiction) to the prefecture city (4 digits); a prefecture city's
 * to the admin (standing in for the province).
 */
export function appealLevel(decidedBy: { level: Level | 'admin'; regionCode?: string }): { level: 'city' | 'admin'; maxJurisdictionLength: number } {
  if (decidedBy.level === 'town' || decidedBy.level === 'village') return { level: 'city', maxJurisdictionLength: 6 };
  if ((decidedBy.regionCode?.length ?? 4) > 4) return { level: 'city', maxJurisdictionLength: 4 };
  return { level: 'admin', maxJurisdictionLength: 0 };
}
