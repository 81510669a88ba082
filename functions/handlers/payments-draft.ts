import { nowMs } from '../commons/clock.ts';
import { logger } from '../commons/logger.ts';
import { listCounties } from '../adapters/monitoring-table.ts';
import { MONTH_RE, shanghaiMonth } from '../domain/ledger.ts';
import { requestRoster } from '../services/payments.ts';

/**
 * The monthly schedule `cron(0 3 5 * ? *)` Asia/Shanghai: on the 5th, after the ledger run of
 * the 1st, a draft roster for every county with approved households (the monitored counties),
 * for the month of the scheduled instant (a caught-up firing drafts the month it was due for).
 * Drafted by the system, so any city user of the county may approve. `{"month"}` as the
 * schedule's input drafts that month. Counties that already have the month's roster: nothing new.
 */
export async function handler(event: { month?: unknown; time?: unknown } | undefined): Promise<{ month: string; created: number; existing: number; refused: number }> {
  const month =
    typeof event?.month === 'string' && MONTH_RE.test(event.month)
      ? event.month
      : shanghaiMonth(typeof event?.time === 'string' && !Number.isNaN(Date.parse(event.time)) ? Date.parse(event.time) : nowMs());
  const { counties } = await listCounties();
  const out = { month, created: 0, existing: 0, refused: 0 };
  for (const county of counties) {
    const r = await requestRoster(county, month, { sub: 'system:monthlyRosters', role: 'system' });
    if (r.outcome === 'CREATED') out.created++;
    else if (r.outcome === 'EXISTS') out.existing++;
    else out.refused++;
  }
  logger.info('rosters drafted', out);
  return out;
}
