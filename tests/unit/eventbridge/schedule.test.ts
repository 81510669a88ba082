import { describe, expect, it } from 'vitest';
import { fromWall, InvalidScheduleError, nextOccurrence, parseSchedule, previousOccurrence, toWall } from '../../../local/eventbridge/schedule.ts';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('schedule expressions (AWS dialect)', () => {
  it('rate(5 minutes) fires every five minutes from its anchor', () => {
    const s = parseSchedule('rate(5 minutes)');
    const anchor = t('2026-01-01T00:00:30Z');
    expect(iso(nextOccurrence(s, anchor, anchor))).toBe('2026-01-01T00:05:30.000Z');
    expect(iso(nextOccurrence(s, t('2026-01-01T00:05:30Z'), anchor))).toBe('2026-01-01T00:10:30.000Z');
    expect(iso(previousOccurrence(s, t('2026-01-01T00:10:31Z'), anchor))).toBe('2026-01-01T00:10:30.000Z');
  });

  it('cron(0 2 * * ? *) in Asia/Shanghai fires at 02:00 China time (18:00 UTC the day before)', () => {
    const s = parseSchedule('cron(0 2 * * ? *)', 'Asia/Shanghai');
    expect(iso(nextOccurrence(s, t('2026-03-01T12:00:00Z'), 0))).toBe('2026-03-01T18:00:00.000Z');
    expect(iso(nextOccurrence(s, t('2026-03-01T18:00:00Z'), 0))).toBe('2026-03-02T18:00:00.000Z');
    expect(iso(previousOccurrence(s, t('2026-03-01T18:00:00Z'), 0))).toBe('2026-02-28T18:00:00.000Z');
  });

  it('the monthly ledger cron(0 0 1 * ? *) in Asia/Shanghai fires at local midnight on the 1st', () => {
    const s = parseSchedule('cron(0 0 1 * ? *)', 'Asia/Shanghai');
    expect(iso(nextOccurrence(s, t('2026-01-15T00:00:00Z'), 0))).toBe('2026-01-31T16:00:00.000Z');
  });

  it('cron with L (last day of month) and a weekday list', () => {
    expect(iso(nextOccurrence(parseSchedule('cron(0 12 L * ? *)'), t('2026-02-03T00:00:00Z'), 0))).toBe('2026-02-28T12:00:00.000Z');
    // 2026-03-02 is a Monday; MON-FRI from Saturday 2026-02-28 noon → Monday 08:00.
    expect(iso(nextOccurrence(parseSchedule('cron(0 8 ? * MON-FRI *)'), t('2026-02-28T12:00:00Z'), 0))).toBe('2026-03-02T08:00:00.000Z');
  });

  it('time zones with daylight saving: a skipped wall time fires just after the gap', () => {
    // America/New_York springs forward on 2026-03-08 at 02:00 → 03:00.
    const s = parseSchedule('cron(30 2 * * ? *)', 'America/New_York');
    expect(iso(nextOccurrence(s, t('2026-03-07T12:00:00Z'), 0))).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(nextOccurrence(s, t('2026-03-08T08:00:00Z'), 0))).toBe('2026-03-09T06:30:00.000Z');
    // Wall time round trip and the repeated hour in autumn (2026-11-01 01:30 happens twice).
    expect(fromWall(toWall(t('2026-06-01T12:00:00Z'), 'Asia/Shanghai'), 'Asia/Shanghai')).toEqual([t('2026-06-01T12:00:00Z')]);
    expect(fromWall(t('2026-11-01T01:30:00Z'), 'America/New_York')).toHaveLength(2);
  });

  it('refuses invalid expressions and time zones', () => {
    for (const bad of ['rate(1 minutes)', 'rate(5 minute)', 'rate(0 minutes)', 'rate(5 weeks)', 'cron(0 10 * * * *)', 'cron(0 10 * * ?)', 'cron(0 10 ? * ? *)', 'every day']) {
      expect(() => parseSchedule(bad), bad).toThrow(InvalidScheduleError);
    }
    expect(() => parseSchedule('rate(1 day)', 'Mars/Olympus')).toThrow(InvalidScheduleError);
  });
});
