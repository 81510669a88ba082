import { covers } from './access.ts';
import { workingDayDeadline } from './working-days.ts';

/**
 * An application (申请) and its way through the 村-镇-市 review (最低生活保障审核确认办法 2021):
 * SUBMITTED → VERIFYING → VILLAGE_REVIEW → TOWN_REVIEW → PUBLIC_NOTICE → CITY_REVIEW → APPROVED,
 * or REJECTED at any step, with reasons.
 */
export const STATUSES = ['SUBMITTED', 'VERIFYING', 'VILLAGE_REVIEW', 'TOWN_REVIEW', 'PUBLIC_NOTICE', 'CITY_REVIEW', 'APPROVED', 'REJECTED', 'DECIDED'] as const;
export type ApplicationStatus = (typeof STATUSES)[number];

/** Final: APPROVED and REJECTED (applications), DECIDED (re-reviews). */
export const OPEN_STATUSES: readonly ApplicationStatus[] = STATUSES.filter((s) => s !== 'APPROVED' && s !== 'REJECTED' && s !== 'DECIDED');

export const REVIEW_LEVELS = ['village', 'town', 'city'] as const;
export type ReviewLevel = (typeof REVIEW_LEVELS)[number];

export const STATUS_OF_LEVEL: Record<ReviewLevel, ApplicationStatus> = {
  village: 'VILLAGE_REVIEW',
  town: 'TOWN_REVIEW',
  city: 'CITY_REVIEW',
};

/**
 * Working days each level has for its part. The town's 10 covers the household investigation
 * (to start within 3 working days) and the first opinion; the city decides within 10 working
 * days (特困: 15). The village's 3 is the project's choice for its assisting opinion.
 */
export function reviewWorkingDays(level: ReviewLevel, requested: readonly string[]): number {
  if (level === 'village') return 3;
  if (level === 'town') return 10;
  return requested.includes('TEKUN') ? 15 : 10;
}

/** After an escalation the level gets this many more working days before the next one. */
export const ESCALATION_GRACE_WORKING_DAYS = 2;

export const PUBLIC_NOTICE_DAYS = 7;

export function reviewDueAt(level: ReviewLevel, requested: readonly string[], fromMs: number): number {
  return workingDayDeadline(fromMs, reviewWorkingDays(level, requested));
}

/** The notice runs 7 full days from when it is posted. */
export function noticeUntil(fromMs: number): number {
  return fromMs + PUBLIC_NOTICE_DAYS * 86_400_000;
}

/** Payment starts the month after approval (YYYY-MM), reckoned in Asia/Shanghai. */
export function startMonthAfter(approvedAtMs: number): string {
  const d = new Date(approvedAtMs + 8 * 3600_000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** A reviewer's role must match the level, and the case must lie inside their jurisdiction. */
export function canDecide(caller: { role: string; regionCode?: string }, task: { level: string; regionCode: string }): boolean {
  if (task.level === 'admin') return caller.role === 'admin';
  return caller.role === task.level && covers(caller, task.regionCode);
}

/** Who may read a case: its applicant, reviewers whose jurisdiction covers it, admins and monitors. */
export function canRead(caller: { sub: string; role: string; regionCode?: string }, app: { ownerSub: string; regionCode: string }): boolean {
  if (caller.role === 'citizen') return caller.sub === app.ownerSub;
  if (caller.role === 'admin' || caller.role === 'monitor') return true;
  return covers(caller, app.regionCode);
}

export interface HistoryEntry {
  stage: string;
  decision: string;
  by: string;
  at: string;
  reason?: string;
}

export interface Investigation {
  visitedAt: string;
  investigators: string[];
  notes?: string;
}

/** Declared assets against what other departments hold (核对). */
export interface Discrepancy {
  field: string;
  person?: string;
  declared: number;
  found: number;
  source: string;
}
