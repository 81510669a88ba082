/**
 * The monthly ledger run beside its baselines, in the same run against the same DynamoDB Local:
 *   - run:      runLedgerMonth over H households × 2 entitlements (sparse GSI by shard, one
 *               conditional put per household, category and month);
 *   - rerun:    the same month again (every put refused: nothing new written);
 *   - raw:      plain PutItem of as many ledger-sized items, same concurrency (the write ceiling);
 *   - scan:     reading the whole Households table (what the run would do without the index).
 *
 *   npx tsx bench/ledger.ts [households=2000]
 */
import { BatchWriteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../local/runtime.ts';
import '../local/plugins.ts';
import { tableName } from '../local/names.ts';
import { TEST_COUNTIES } from '../tests/support/local-stack.ts';
import { entitlementIndexKeys } from '../functions/adapters/households-table.ts';
import { runLedgerMonth } from '../functions/services/ledger.ts';

const H = Number(process.argv[2] ?? process.env.LEDGER_BENCH_HOUSEHOLDS ?? 2000);
const stack = await startLocalStack({ port: 0, awsPort: 0, regionCounties: TEST_COUNTIES });
try {
  const doc = stack.ctx.doc;
  const households = tableName('Households');
  const items: Record<string, unknown>[] = [];
  for (let h = 0; h < H; h++) {
    const hid = `hh_bench${String(h).padStart(16, '0')}`;
    const region = '610124121200';
    items.push({ pk: `HH#${hid}`, sk: 'PROFILE', householdId: hid, regionCode: region, household: { note: 'x'.repeat(600) } });
    for (const m of [0, 1]) {
      items.push({ pk: `HH#${hid}`, sk: `MEMBER#p${h}-${m}`, householdId: hid, birthDate: '1950-01-01' });
      items.push({ pk: `PERSON#p${h}-${m}`, sk: `HH#${hid}`, householdId: hid, regionCode: region });
    }
    for (const [category, fen] of [['DIBAO', 81_250], ['DISABILITY_CARE_SUBSIDY', 9_000]] as const) {
      const e = { householdId: hid, category, startMonth: '2027-01' };
      items.push({
        pk: `HH#${hid}`,
        sk: `ENT#${category}`,
        ...e,
        monthlyAmountFen: fen,
        amounts: [{ from: '2027-01', monthlyAmountFen: fen, reason: 'granted', at: '2026-12-01T00:00:00Z', by: 'system' }],
        applicationId: `app_${h}`,
        regionCode: region,
        grantedAt: '2026-12-01T00:00:00Z',
        status: 'ACTIVE',
        ...entitlementIndexKeys(e),
      });
    }
  }
  for (let i = 0; i < items.length; i += 25 * 8) {
    await Promise.all(
      Array.from({ length: 8 }, (_v, k) => items.slice(i + k * 25, i + k * 25 + 25)).filter((b) => b.length).map((batch) => doc.send(new BatchWriteCommand({ RequestItems: { [households]: batch.map((Item) => ({ PutRequest: { Item } })) } }))),
    );
  }
  console.log(`households: ${H} (${items.length} items in the Households table, ${2 * H} entitlements)`);

  let t0 = performance.now();
  const first = await runLedgerMonth('2027-02');
  const runS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const second = await runLedgerMonth('2027-02');
  const rerunS = (performance.now() - t0) / 1000;
  if (first.written !== 2 * H || second.written !== 0) throw new Error(`unexpected: first ${first.written}, second ${second.written}`);

  // Baseline: the same number of ledger-sized puts, same concurrency (8 shards × 16), no reads.
  const raw = tableName('Ledger');
  t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 128 }, async () => {
      for (let i = next++; i < 2 * H; i = next++) {
        await doc.send(
          new PutCommand({
            TableName: raw,
            Item: { pk: `HH#raw${i}`, sk: '2027-02#DIBAO#ENT', householdId: `raw${i}`, type: 'DIBAO', kind: 'monthly', month: '2027-02', amountFen: 81_250, source: 'gov.civil-affairs', department: '民政局', regionCode: '610124121200', ref: 'ENT', recordedAt: new Date().toISOString() },
          }),
        );
      }
    }),
  );
  const rawS = (performance.now() - t0) / 1000;

  t0 = performance.now();
  let scanned = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(new ScanCommand({ TableName: households, ...(start ? { ExclusiveStartKey: start } : {}) }));
    scanned += res.Items?.length ?? 0;
    start = res.LastEvaluatedKey;
  } while (start);
  const scanS = (performance.now() - t0) / 1000;

  const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en')}/s`;
  console.log(`run (first):   ${first.written} entries in ${runS.toFixed(2)} s = ${rate(first.written, runS)} (read ${first.itemsRead} index items)`);
  console.log(`run (again):   ${second.alreadyThere} refused puts, 0 written, in ${rerunS.toFixed(2)} s = ${rate(second.itemsRead, rerunS)}`);
  console.log(`baseline raw:  ${2 * H} plain puts in ${rawS.toFixed(2)} s = ${rate(2 * H, rawS)}`);
  console.log(`baseline scan: ${scanned} items scanned in ${scanS.toFixed(2)} s (the run reads ${first.itemsRead}: ${((first.itemsRead / scanned) * 100).toFixed(0)}% of the table)`);
  console.log(`ratio run / raw writes: ${(rawS / runS).toFixed(2)}`);
} finally {
  await stack.stop();
}
