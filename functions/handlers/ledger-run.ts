import { nowMs } from '../commons/clock.ts';
import { MONTH_RE, shanghaiMonth } from '../domain/ledger.ts';
import { runLedgerMonth, type MonthRunResult } from '../services/ledger.ts';

/**
 * The monthly ledger run, on the schedule `cron(0 2 1 * ? *)` Asia/Shanghai. The scheduler's
 * event carries the scheduled instant (`time`): the run is for that instant's month in
 * Asia/Shanghai, so a late or caught-up firing still pays the month it was due for. A constant
 * input `{"month": "YYYY-MM"}` runs that month.
 */
export async function handler(event: { month?: unknown; time?: unknown } | undefined): Promise<MonthRunResult> {
  const month =
    typeof event?.month === 'string' && MONTH_RE.test(event.month)
      ? event.month
      : shanghaiMonth(typeof event?.time === 'string' && !Number.isNaN(Date.parse(event.time)) ? Date.parse(event.time) : nowMs());
  return runLedgerMonth(month);
}
