import chineseDays from 'chinese-days';

/**
 * Statutory deadlines count working days on the official calendar, holidays and make-up
 * workdays (调休) included, via `chinese-days`.
 */
const { findWorkday, isWorkday } = chineseDays;

/** The date `n` working days after `date` (YYYY-MM-DD); n = 0 gives `date` if it is a workday, else the next one. */
export function addWorkingDays(date: string, n: number): string {
  return findWorkday(n, date);
}

export function isWorkingDay(date: string): boolean {
  return isWorkday(date);
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

export function shanghaiDate(instantMs: number): string {
  return new Date(instantMs + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** End of a working-day deadline: 18:00 Asia/Shanghai on the date `n` working days after `fromMs`. */
export function workingDayDeadline(fromMs: number, n: number): number {
  const day = addWorkingDays(shanghaiDate(fromMs), n);
  return Date.parse(`${day}T18:00:00+08:00`);
}
