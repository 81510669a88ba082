import awsCronParser from 'aws-cron-parser';

/**
 * `rate(...)` and `cron(...)` in AWS's dialect, evaluated in an IANA time zone as EventBridge
 * Scheduler does (rules' schedules are UTC). Pure: instants are epoch milliseconds.
 */

export class InvalidScheduleError extends Error {}

export type Schedule =
  | { kind: 'rate'; periodMs: number; expression: string }
  | { kind: 'cron'; parsed: ReturnType<typeof awsCronParser.parse>; timezone: string; expression: string };

const UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function parseSchedule(expression: string, timezone = 'UTC'): Schedule {
  if (!isValidTimeZone(timezone)) throw new InvalidScheduleError(`Invalid time zone: ${timezone}`);
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    if (value < 1) throw new InvalidScheduleError(`Parameter ScheduleExpression is not valid: the rate value must be positive (${expression})`);
    // AWS: a value of 1 takes the singular unit, larger values the plural.
    if ((value === 1) !== !unit.endsWith('s')) throw new InvalidScheduleError(`Parameter ScheduleExpression is not valid: use the singular unit for 1 and the plural otherwise (${expression})`);
    return { kind: 'rate', periodMs: value * UNITS[unit.replace(/s$/, '')]!, expression };
  }
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6) throw new InvalidScheduleError(`Parameter ScheduleExpression is not valid: cron takes 6 fields (${expression})`);
    const [, , dom, , dow] = fields;
    // AWS: exactly one of day-of-month and day-of-week is '?'.
    if ((dom === '?') === (dow === '?')) throw new InvalidScheduleError(`Parameter ScheduleExpression is not valid: one of day-of-month and day-of-week must be '?' (${expression})`);
    const allowed = /^[0-9A-Za-z*?,\-/#LW]+$/;
    if (!fields.every((f) => allowed.test(f))) throw new InvalidScheduleError(`Parameter ScheduleExpression is not valid (${expression})`);
    let parsed: ReturnType<typeof awsCronParser.parse>;
    try {
      parsed = awsCronParser.parse(fields.join(' '));
    } catch (err) {
      throw new InvalidScheduleError(`Parameter ScheduleExpression is not valid: ${(err as Error).message} (${expression})`);
    }
    for (const f of ['minutes', 'hours', 'daysOfMonth', 'months', 'daysOfWeek', 'years'] as const) {
      if (parsed[f].some((x) => typeof x === 'number' && Number.isNaN(x))) throw new InvalidScheduleError(`Parameter ScheduleExpression is not valid (${expression})`);
    }
    if (awsCronParser.next(parsed, new Date(Date.UTC(1970, 0, 1))) === null) throw new InvalidScheduleError(`Parameter ScheduleExpression is not valid: it never fires (${expression})`);
    return { kind: 'cron', parsed, timezone, expression };
  }
  throw new InvalidScheduleError(`Parameter ScheduleExpression is not valid (${expression})`);
}

/** The first occurrence strictly after `after`; rate schedules count from `anchor`. */
export function nextOccurrence(s: Schedule, after: number, anchor: number): number | undefined {
  if (s.kind === 'rate') {
    if (after < anchor) return anchor + s.periodMs;
    return anchor + (Math.floor((after - anchor) / s.periodMs) + 1) * s.periodMs;
  }
  // Walk in wall-clock time of the zone (as a fake-UTC date, which is what the parser reads).
  let wallFrom = toWall(after, s.timezone);
  for (let guard = 0; guard < 1000; guard++) {
    const w = awsCronParser.next(s.parsed, new Date(wallFrom));
    if (!w) return undefined;
    const candidates = fromWall(w.getTime(), s.timezone).filter((t) => t > after);
    if (candidates.length > 0) return Math.min(...candidates);
    wallFrom = w.getTime();
  }
  return undefined;
}

/** The latest occurrence strictly before `before` (and not before the anchor for rates). */
export function previousOccurrence(s: Schedule, before: number, anchor: number): number | undefined {
  if (s.kind === 'rate') {
    if (before <= anchor + s.periodMs) return undefined;
    return anchor + Math.ceil((before - anchor) / s.periodMs - 1) * s.periodMs;
  }
  let wallFrom = toWall(before, s.timezone) + 60_000;
  for (let guard = 0; guard < 1000; guard++) {
    const w = awsCronParser.prev(s.parsed, new Date(wallFrom));
    if (!w) return undefined;
    const candidates = fromWall(w.getTime(), s.timezone).filter((t) => t < before);
    if (candidates.length > 0) return Math.max(...candidates);
    wallFrom = w.getTime();
  }
  return undefined;
}

// ------------------------------------------------------------------------------ time zones

const formatters = new Map<string, Intl.DateTimeFormat>();

export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The zone's wall-clock reading at `instant`, as epoch ms of that reading taken as UTC. */
export function toWall(instant: number, tz: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const ms = ((instant % 1000) + 1000) % 1000;
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!, ms);
}

/**
 * Instants whose wall-clock reading is `wall`: one normally, two in a fall-back hour. A reading
 * skipped by a spring-forward gap maps to the instant just after the gap (shifted by its size).
 */
export function fromWall(wall: number, tz: string): number[] {
  const out = new Set<number>();
  for (const probe of [wall - 36 * 3_600_000, wall, wall + 36 * 3_600_000]) {
    const offset = toWall(probe, tz) - probe;
    const t = wall - offset;
    if (toWall(t, tz) === wall) out.add(t);
  }
  if (out.size === 0) {
    const before = toWall(wall - 36 * 3_600_000, tz) - (wall - 36 * 3_600_000);
    out.add(wall - before);
  }
  return [...out].sort((a, b) => a - b);
}
