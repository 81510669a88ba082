import { QueryCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableNameFrom } from './dynamo.ts';

/**
 * The Stats table: counters maintained as things happen (GET /stats/overview reads them; it
 * never scans cases, warnings or ledgers).
 *   pk = S#<prefix>  (CN, and the 2/4/6/9/12-digit prefixes of the region)
 *   sk = D#<YYYY-MM-DD>   one item per prefix and day, each counter a top-level attribute named
 *                         by its dotted path, e.g. "applications.received", "paidFen",
 *                         "recipients.DIBAO.households" (stock changes: +1 granted, −1 ended)
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

function update(prefix: string, day: string, deltas: StatDeltas) {
  const entries = Object.entries(deltas).filter(([, v]) => v !== 0 && Number.isFinite(v));
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  entries.forEach(([k, v], i) => {
    names[`#a${i}`] = k;
    values[`:v${i}`] = v;
  });
  return {
    TableName: table(),
    Key: { pk: `S#${prefix}`, sk: `D#${day}` },
    UpdateExpression: `ADD ${entries.map((_e, i) => `#a${i} :v${i}`).join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Counter updates for a transaction: one Update per prefix of `regionCode` (six for a village). */
export function statsItems(regionCode: string, day: string, deltas: StatDeltas): NonNullable<TransactWriteCommandInput['TransactItems']> {
  if (!Object.values(deltas).some((v) => v !== 0)) return [];
  return statPrefixes(regionCode).map((p) => ({ Update: update(p, day, deltas) }));
}

/**
 * Counter updates for a transaction that moves counters on several days or regions: one Update
 * per (prefix, day), the deltas of the same item merged (a transaction may touch an item once).
 */
export function statsItemsMany(changes: readonly { regionCode: string; day: string; deltas: StatDeltas }[]): NonNullable<TransactWriteCommandInput['TransactItems']> {
  const merged = new Map<string, { prefix: string; day: string; deltas: StatDeltas }>();
  for (const c of changes) {
    if (!Object.values(c.deltas).some((v) => v !== 0)) continue;
    for (const prefix of statPrefixes(c.regionCode)) {
      const key = `${prefix}|${c.day}`;
      const m = merged.get(key) ?? { prefix, day: c.day, deltas: {} };
      for (const [k, v] of Object.entries(c.deltas)) m.deltas[k] = (m.deltas[k] ?? 0) + v;
      merged.set(key, m);
    }
  }
  return [...merged.values()].filter((m) => Object.values(m.deltas).some((v) => v !== 0)).map((m) => ({ Update: update(m.prefix, m.day, m.deltas) }));
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
  await Promise.all(statPrefixes(regionCode).map((p) => documentClient().send(new UpdateCommand(update(p, day, deltas)))));
}

/** The day items of a prefix up to `to`, oldest first (one per day with activity). */
export async function statDays(prefix: string, to: string): Promise<{ day: string; counters: Record<string, number> }[]> {
  const out: { day: string; counters: Record<string, number> }[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await documentClient().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':p': `S#${prefix}`, ':a': 'D#', ':b': `D#${to}` },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of res.Items ?? []) {
      const { pk: _p, sk, ...counters } = item;
      out.push({ day: String(sk).slice(2), counters: counters as Record<string, number> });
    }
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}
