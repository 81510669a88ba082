import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { forbidden, notFound, validationFailed } from '../commons/errors.ts';
import { httpHandler, routeGroup, type Caller } from '../commons/http.ts';
import { citizenMaySee } from '../services/household-access.ts';
import { ensureIdHashKey } from '../commons/id-hash.ts';
import { householdProfile } from '../adapters/households-table.ts';
import { anyLedgerEntry, deadLettersOf, ledgerOf } from '../adapters/ledger-table.ts';
import { recoveriesOf } from '../adapters/payments-table.ts';
import { ledgerView, monthSchema, shanghaiMonth, yearSchema } from '../domain/ledger.ts';
import { recoveryView } from '../domain/payments.ts';
import { covers } from '../domain/access.ts';
import { runLedgerMonth } from '../services/ledger.ts';
import { pageOf, pageQuery } from '../commons/pagination.ts';

/**
 * GET /households/{id}/ledger?year=YYYY — what the household received that year, by type, date
 * and amount, with totals. Visible to a citizen who applied for the household (their
 * application names it), to village/town/city reviewers whose jurisdiction covers it, and to
 * admins and monitors. A citizen learns nothing about other households (404); a reviewer
 * outside the jurisdiction gets 403.
 *
 * POST /ledger/runs {"month"} (admin) — the monthly run for a given month, synchronously.
 * GET /ledger/dead-letters?month=YYYY-MM (admin) — events the ledger could not take.
 */
const ledgerViewSchema = z.object({
  householdId: z.string(),
  year: z.number(),
  entries: z.array(z.object({ type: z.string(), label: z.string(), month: z.string().optional(), date: z.string().optional(), amount: z.number(), source: z.string(), department: z.string() })),
  total: z.number(),
  totals: z.object({ byType: z.record(z.string(), z.number()) }),
  recoveries: z.array(z.object({ id: z.string(), type: z.string(), label: z.string(), month: z.string(), amount: z.number(), reason: z.string(), status: z.string(), rosterId: z.string(), lineId: z.string() }).loose()),
});

const householdParams = z.object({ id: z.string().regex(/^hh_[A-Za-z0-9_-]{8,64}$/, 'not a household id') });
const ledgerQuery = z.object({ year: yearSchema.optional() });

async function regionOf(householdId: string): Promise<string | undefined> {
  const profile = await householdProfile(householdId);
  if (profile) return profile.regionCode;
  return (await anyLedgerEntry(householdId))?.regionCode;
}

async function mayRead(caller: Caller, householdId: string): Promise<void> {
  if (caller.role === 'admin' || caller.role === 'monitor') return;
  if (caller.role === 'citizen') {
    await ensureIdHashKey();
    if (!(await citizenMaySee(caller, householdId))) throw notFound(`household ${householdId} not found`);
    return;
  }
  const region = await regionOf(householdId);
  if (!region) throw notFound(`household ${householdId} not found`);
  if (!covers(caller, region)) throw forbidden('this household is outside your jurisdiction');
}

export const getLedger = httpHandler({ params: householdParams, query: ledgerQuery, response: ledgerViewSchema, summary: 'What the household received in a year: type, date or month, amount; totals' }, async ({ params, query, caller }) => {
  await mayRead(caller, params.id);
  const year = query.year ?? Number(shanghaiMonth(nowMs()).slice(0, 4));
  const [entries, recoveries] = await Promise.all([ledgerOf(params.id, year), recoveriesOf(params.id)]);
  // Payments to be recovered (追缴) for months of this year: paid after the entitlement had ended.
  return { status: 200, body: { ...ledgerView(params.id, year, entries), recoveries: recoveries.filter((r) => r.forMonth.startsWith(`${year}-`)).map(recoveryView) } };
});

export const runMonth = httpHandler({ body: z.object({ month: monthSchema }).strict(), roles: ['admin'], response: z.object({ month: z.string(), amount: z.number() }).loose(), summary: 'Run the monthly ledger for a month' }, async ({ body }) => {
  // A month that has not begun would pay ahead (and 9999-12 would write years of payments).
  const current = shanghaiMonth(nowMs());
  if (body.month > current) throw validationFailed('month not yet begun', [{ path: 'month', message: `must not be after the current month ${current}` }]);
  const result = await runLedgerMonth(body.month);
  const { amountFen, ...rest } = result;
  return { status: 200, body: { ...rest, amount: amountFen / 100 } };
});

export const listDeadLetters = httpHandler({ query: z.strictObject({ month: monthSchema.optional(), ...pageQuery }), roles: ['admin'], response: z.object({ month: z.string(), items: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().nullable() }), summary: 'Department events the ledger could not take' }, async ({ query }) => {
  const month = query.month ?? shanghaiMonth(nowMs());
  const page = pageOf(await deadLettersOf(month), query, (d) => `${d.receivedAt}#${d.eventId}`);
  return { status: 200, body: { month, ...page } };
});

export const handler = routeGroup({
  'GET /households/{id}/ledger': getLedger,
  'POST /ledger/runs': runMonth,
  'GET /ledger/dead-letters': listDeadLetters,
});
