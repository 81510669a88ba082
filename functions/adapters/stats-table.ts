import { QueryCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableNameFrom } from './dynamo.ts';

/**
 * The Stats table: counters maintained as things happen (GET /stats/overview reads them; it
 * never scans cases, warnings or ledgers). A change is counted at two levels, and the levels in
 * between are summed when read:
 *   pk = S#CN,          sk = C#<county>#D#<YYYY-MM-DD>   the county's day (CN, 2, 4, 6-digit reads:
 *                                                       begins_with(sk, C#<prefix>))
 *   pk = S#<county>,    sk = R#<region>#D#<YYYY-MM-DD>   the region's own day, for regions finer
 *                                                       than a county (9, 12-digit reads:
 *                                                       begins_with(sk, R#<prefix>))
 * (one item per level, region and day; each counter a top-level attribute named by its dotted
 * path, e.g. "applications.received", "paidFen", "recipients.DIBAO.households" — stock changes:
 * +1 granted, −1 ended). Two Updates per change instead of one per prefix (six for a village):
 * a transaction stays small and no single item takes every change of the city (S#CN had one
 * item a day that every transaction in the country updated).
 * The earlier layout — pk = S#<prefix> (CN and every 2/4/6/9/12-digit prefix), sk = D#<day> —
 * is still read and summed with this one (counters written before this layout, and the ledger
 * run's `setStats`, which sets whole per-prefix totals there).
 * Writers add `statsItems(...)` to the transaction that makes the change (so a counter moves
 * exactly when the change lands), or call `recordStats` after an idempotent change.
 * Paid amounts are counted on the first day of the ledger month they pay.
 */
const table = () => tableNameFrom('STATS_TABLE');

export type StatDeltas = Record<string, number>;

export function statPrefixes(regionCode: string): string[] {
  const out = ['CN'];
  for (const n of [2, 4, 6, 9, 12]) if (regionCode.length >= n && /^\d+$/.test(regionCode.slice(0, n))) out.push(regionCode.slice(0, n));
  return out;
}

/** The county of a region code (its first 6 digits), or the code itself when shorter (or not digits). */
function countyOf(regionCode: string): string {
  return /^\d{6}/.test(regionCode) ? regionCode.slice(0, 6) : /^\d+$/.test(regionCode) ? regionCode : '-';
}

/** The two counter items a change in `regionCode` on `day` moves (one for a county or coarser code). */
function counterKeys(regionCode: string, day: string): { pk: string; sk: string }[] {
  const county = countyOf(regionCode);
  const keys = [{ pk: 'S#CN', sk: `C#${county}#D#${day}` }];
  if (/^\d+$/.test(regionCode) && regionCode.length > 6) keys.push({ pk: `S#${county}`, sk: `R#${regionCode}#D#${day}` });
  return keys;
}

function update(key: { pk: string; sk: string }, deltas: StatDeltas) {
  const entries = Object.entries(deltas).filter(([, v]) => v !== 0 && Number.isFinite(v));
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  entries.forEach(([k, v], i) => {
    names[`#a${i}`] = k;
    values[`:v${i}`] = v;
  });
  return {
    TableName: table(),
    Key: key,
    UpdateExpression: `ADD ${entries.map((_e, i) => `#a${i} :v${i}`).join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Counter updates for a transaction: two Updates (the county's day and the region's own; one for a county). */
export function statsItems(regionCode: string, day: string, deltas: StatDeltas): NonNullable<TransactWriteCommandInput['TransactItems']> {
  if (!Object.values(deltas).some((v) => v !== 0)) return [];
  return counterKeys(regionCode, day).map((k) => ({ Update: update(k, deltas) }));
}

/**
 * Counter updates for a transaction that moves counters on several days or regions: one Update
 * per counter item, the deltas of the same item merged (a transaction may touch an item once).
 */
export function statsItemsMany(changes: readonly { regionCode: string; day: string; deltas: StatDeltas }[]): NonNullable<TransactWriteCommandInput['TransactItems']> {
  const merged = new Map<string, { key: { pk: string; sk: string }; deltas: StatDeltas }>();
  for (const c of changes) {
    if (!Object.values(c.deltas).some((v) => v !== 0)) continue;
    for (const key of counterKeys(c.regionCode, c.day)) {
      const id = `${key.pk}|${key.sk}`;
      const m = merged.get(id) ?? { key, deltas: {} };
      for (const [k, v] of Object.entries(c.deltas)) m.deltas[k] = (m.deltas[k] ?? 0) + v;
      merged.set(id, m);
    }
  }
  return [...merged.values()].filter((m) => Object.values(m.deltas).some((v) => v !== 0)).map((m) => ({ Update: update(m.key, m.deltas) }));
}

/**
 * Counters a run recomputes whole (SET, not ADD): a re-run of the same run sets the same values,
 * so a crash between its writes and this never counts twice. `totals` maps prefix → counters.
 */
export async function setStats(day: string, totals: ReadonlyMap<string, StatDeltas>): Promise<void> {
  const all = [...totals];
  for (let i = 0; i < all.length; i += 16) {
    await Promise.all(
      all.slice(i, i + 16).map(([prefix, counters]) => {
        const entries = Object.entries(counters);
        if (!entries.length) return undefined;
        return documentClient().send(
          new UpdateCommand({
            TableName: table(),
            Key: { pk: `S#${prefix}`, sk: `D#${day}` },
            UpdateExpression: `SET ${entries.map((_e, k) => `#a${k} = :v${k}`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(entries.map(([n], k) => [`#a${k}`, n])),
            ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], k) => [`:v${k}`, v])),
          }),
        );
      }),
    );
  }
}

/** The same counters outside a transaction (after a change that is itself idempotent). */
export async function recordStats(regionCode: string, day: string, deltas: StatDeltas): Promise<void> {
  if (!Object.values(deltas).some((v) => v !== 0)) return;
  await Promise.all(counterKeys(regionCode, day).map((k) => documentClient().send(new UpdateCommand(update(k, deltas)))));
}

type DayCounters = { day: string; counters: Record<string, number> };

async function queryAll(input: { KeyConditionExpression: string; ExpressionAttributeValues: Record<string, string> }, dayOf: (sk: string) => string, to: string): Promise<DayCounters[]> {
  const out: DayCounters[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await documentClient().send(new QueryCommand({ TableName: table(), ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    for (const item of res.Items ?? []) {
      const { pk: _p, sk, ...counters } = item;
      const day = dayOf(String(sk));
      if (day <= to) out.push({ day, counters: counters as Record<string, number> });
    }
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}

/**
 * The day items of a prefix up to `to` (several per day: one per county or finer region with
 * activity, and the earlier layout's), for `overview` to sum. Two Queries, run together.
 */
export async function statDays(prefix: string, to: string): Promise<DayCounters[]> {
  const daySuffix = (sk: string) => sk.slice(sk.lastIndexOf('#D#') + 3);
  const current =
    prefix === 'CN' || prefix.length <= 6
      ? { KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': 'S#CN', ':s': prefix === 'CN' ? 'C#' : `C#${prefix}` } }
      : { KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': `S#${prefix.slice(0, 6)}`, ':s': `R#${prefix}` } };
  const earlier = { KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b', ExpressionAttributeValues: { ':p': `S#${prefix}`, ':a': 'D#', ':b': `D#${to}` } };
  const [a, b] = await Promise.all([queryAll(earlier, (sk) => sk.slice(2), to), queryAll(current, daySuffix, to)]);
  return [...a, ...b].sort((x, y) => x.day.localeCompare(y.day));
}
