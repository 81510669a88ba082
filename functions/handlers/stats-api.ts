import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { validationFailed } from '../commons/errors.ts';
import { httpHandler, routeGroup } from '../commons/http.ts';
import { regionScope } from '../commons/jurisdiction.ts';
import { statDays } from '../adapters/stats-table.ts';
import { overview } from '../domain/stats.ts';
import { shanghaiDate } from '../domain/working-days.ts';

/** GET /stats/overview: counters maintained as things happen (adapters/stats-table.ts), never a scan. */
const query = z.object({
  regionCode: z.string().regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, 'regionCode must have 2, 4, 6, 9 or 12 digits').optional(),
  from: z.iso.date('from must be a date YYYY-MM-DD').optional(),
  to: z.iso.date('to must be a date YYYY-MM-DD').optional(),
});

export const overviewRoute = httpHandler({
  roles: ['village', 'town', 'city', 'admin', 'monitor'],
  query,
  response: z.looseObject({ applications: z.record(z.string(), z.unknown()), recipients: z.record(z.string(), z.unknown()), temporaryAid: z.object({ grants: z.number(), amount: z.number() }), warnings: z.record(z.string(), z.number()), paid: z.array(z.object({ month: z.string(), amount: z.number() })) }),
  summary: 'Applications, recipients, temporary aid, warnings and payments for a region prefix and period (counters, never a scan)',
}, async ({ caller, query: q }) => {
  const prefix = regionScope(caller, q.regionCode) ?? 'CN';
  const today = shanghaiDate(nowMs());
  const to = q.to ?? today;
  const from = q.from ?? `${to.slice(0, 4)}-01-01`;
  if (from > to) throw validationFailed('invalid period', [{ path: 'from', message: 'from is after to' }]);
  return { status: 200, body: { regionCode: prefix, ...overview(await statDays(prefix, to), from, to) } };
});

export const handler = routeGroup({ 'GET /stats/overview': overviewRoute });
