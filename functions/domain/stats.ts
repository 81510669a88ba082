/**
 * GET /stats/overview from the day counters of functions/adapters/stats-table.ts (pure).
 * Flows (applications, aid, warnings, payments) are summed over the period; stocks (recipients,
 * labelled households) are the running sum of their changes up to `to`.
 */
export interface DayCounters {
  day: string;
  counters: Record<string, number>;
}

const STOCK = /^(recipients|labels)\./;
/** Paid amounts: `paidFen` (added as entries are written) and `paidFen.<run>` (set whole by a run). */
const isPaid = (k: string) => k === 'paidFen' || k.startsWith('paidFen.');

export function overview(days: readonly DayCounters[], from: string, to: string) {
  const flow: Record<string, number> = {};
  const stock: Record<string, number> = {};
  const paid = new Map<string, number>();
  for (const d of days) {
    if (d.day > to) continue;
    for (const [k, v] of Object.entries(d.counters)) {
      if (typeof v !== 'number') continue;
      if (STOCK.test(k)) stock[k] = (stock[k] ?? 0) + v;
      else if (d.day >= from || (isPaid(k) && d.day.slice(0, 7) >= from.slice(0, 7))) {
        if (isPaid(k)) paid.set(d.day.slice(0, 7), (paid.get(d.day.slice(0, 7)) ?? 0) + v);
        else flow[k] = (flow[k] ?? 0) + v;
      }
    }
  }
  const f = (k: string) => flow[k] ?? 0;
  const byCategory: Record<string, number> = {};
  for (const [k, v] of Object.entries(flow)) if (k.startsWith('applications.byCategory.') && v) byCategory[k.slice('applications.byCategory.'.length)] = v;
  const nested = (prefix: string) => {
    const out: Record<string, { households: number; people: number }> = {};
    for (const [k, v] of Object.entries(stock)) {
      if (!k.startsWith(prefix)) continue;
      const [code, what] = k.slice(prefix.length).split('.') as [string, string];
      const e = (out[code] ??= { households: 0, people: 0 });
      if (what === 'households' || what === 'people') e[what] += v;
    }
    for (const [code, e] of Object.entries(out)) if (!e.households && !e.people) delete out[code];
    return out;
  };
  return {
    from,
    to,
    applications: { received: f('applications.received'), decided: f('applications.decided'), approved: f('applications.approved'), rejected: f('applications.rejected'), byCategory },
    recipients: nested('recipients.'),
    temporaryAid: { grants: f('temporaryAid.grants'), amount: f('temporaryAid.amountFen') / 100 },
    warnings: { raised: f('warnings.raised'), verified: f('warnings.verified'), closed: f('warnings.closed'), adjusted: f('warnings.adjusted') },
    paid: [...paid].filter(([m]) => m <= to.slice(0, 7)).sort(([a], [b]) => a.localeCompare(b)).map(([month, fen]) => ({ month, amount: fen / 100 })),
    labels: nested('labels.'),
  };
}
