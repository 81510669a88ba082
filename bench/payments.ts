/**
 * A county's payment roster beside its baseline, in the same run against the same DynamoDB Local:
 *   - roster:   buildRoster for H households (one ledger entry each, a payee each): the index
 *               windows, holds, stops, payees (BatchGet), the lines written (BatchWrite), totals;
 *   - raw:      a plain paginated Query of the same ledger entries (GSI byCountyMonth), nothing else;
 *   - file:     the bank file (masked copy) from the stored lines.
 * Prints seconds and items read per line, and writes bench/results/payments.json.
 *
 *   npx tsx bench/payments.ts [households=100000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../local/runtime.ts';
import '../local/plugins.ts';
import { tableName } from '../local/names.ts';
import { TEST_COUNTIES } from '../tests/support/local-stack.ts';
import { nowMs } from '../functions/commons/clock.ts';
import { ledgerItem } from '../functions/adapters/ledger-table.ts';
import { encryptAccount } from '../functions/adapters/payments-kms.ts';
import { createRoster, getRoster, linesOf } from '../functions/adapters/payments-table.ts';
import { bankFile, maskAccount, rosterIdOf, SETTLE_MS, type PayeeRecord } from '../functions/domain/payments.ts';
import type { LedgerEntry } from '../functions/domain/ledger.ts';
import { buildRoster } from '../functions/services/payments.ts';

const H = Number(process.argv[2] ?? process.env.PAYMENTS_BENCH_HOUSEHOLDS ?? 100_000);
const COUNTY = '610124';
const MONTH = '2027-02';
const TOWNS = ['610124100', '610124101', '610124102', '610124103', '610124121'];

const stack = await startLocalStack({ port: 0, awsPort: 0, regionCounties: TEST_COUNTIES });
try {
  const doc = stack.ctx.doc;
  const write = async (table: string, items: Record<string, unknown>[]) => {
    let next = 0;
    const chunks: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let c = next++; c < chunks.length; c = next++) {
          let req: unknown[] | undefined = chunks[c]!.map((Item) => ({ PutRequest: { Item } }));
          while (req?.length) {
            const res: { UnprocessedItems?: Record<string, unknown[]> } = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: req as never } }));
            req = res.UnprocessedItems?.[table];
          }
        }
      }),
    );
  };

  // Prepare: H ledger entries of the month (as the monthly run writes them, recorded two hours
  // before the roster) and H payees with encrypted accounts.
  const recordedAt = new Date(nowMs() - 2 * 3600_000).toISOString();
  const ledger: Record<string, unknown>[] = [];
  const payees: Record<string, unknown>[] = [];
  let ledgerFen = 0;
  let t0 = performance.now();
  for (let h = 0; h < H; h++) {
    const householdId = `hh_bench${String(h).padStart(16, '0')}`;
    const regionCode = `${TOWNS[h % TOWNS.length]}${String(200 + (h % 7)).padStart(3, '0')}`;
    const amountFen = 50_000 + (h % 997);
    ledgerFen += amountFen;
    const e: LedgerEntry = { householdId, type: h % 10 === 0 ? 'TEKUN' : 'DIBAO', kind: 'monthly', month: MONTH, amountFen, source: 'gov.civil-affairs', department: '民政局', regionCode, ref: 'ENT', recordedAt };
    ledger.push(ledgerItem(e));
    const account = `6228${String(h).padStart(15, '0')}`;
    const p: PayeeRecord = {
      householdId,
      regionCode,
      name: '收款人',
      personHash: `bench${h}`,
      person: '610124********0015',
      bank: '中国农业银行周至县支行',
      channel: 'BANK',
      accountCipher: await encryptAccount(account, householdId),
      accountMasked: maskAccount(account),
      updatedAt: recordedAt,
      updatedBy: 'bench',
      version: 1,
    };
    payees.push({ pk: `PAYEE#${householdId}`, sk: 'PAYEE', ...p });
  }
  const encryptS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  await write(tableName('Ledger'), ledger);
  await write(tableName('Payments'), payees);
  const seedS = (performance.now() - t0) / 1000;
  console.log(`households: ${H}; seeded ${ledger.length} ledger entries and ${payees.length} payees in ${seedS.toFixed(1)} s (${H} accounts encrypted in ${encryptS.toFixed(2)} s)`);

  // The roster header, as POST /payments/rosters writes it (without the event: the build runs here).
  const id = rosterIdOf(COUNTY, MONTH);
  const createdAt = new Date(nowMs()).toISOString();
  const cutoff = new Date(nowMs() - SETTLE_MS).toISOString();
  await createRoster(
    { id, county: COUNTY, month: MONTH, status: 'BUILDING', createdBy: 'bench', createdByRole: 'city', createdAt, cutoff, returned: { lines: 0, amountFen: 0 }, stopped: { lines: 0, amountFen: 0 } },
    { entity: `ROSTER#${id}`, action: 'ROSTER_CREATED', by: 'bench', role: 'city', at: createdAt },
  );

  // Act: the roster.
  t0 = performance.now();
  const built = await buildRoster(id);
  const rosterS = (performance.now() - t0) / 1000;
  const header = await getRoster(id);
  if (built.lines !== H || header?.totals?.amountFen !== ledgerFen) throw new Error(`unexpected: ${built.lines} lines, ${header?.totals?.amountFen} fen vs ledger ${ledgerFen}`);

  // Baseline: a raw paginated Query of the same entries.
  t0 = performance.now();
  let rawRead = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(
      new QueryCommand({ TableName: tableName('Ledger'), IndexName: 'byCountyMonth', KeyConditionExpression: 'payKey = :k AND paySort < :c', ExpressionAttributeValues: { ':k': `${COUNTY}#${MONTH}`, ':c': cutoff }, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    rawRead += res.Items?.length ?? 0;
    start = res.LastEvaluatedKey;
  } while (start);
  const rawS = (performance.now() - t0) / 1000;

  // The bank file (masked copy) from the stored lines — only up to what one Lambda response can
  // carry (6 MB, about 25,000 lines; docs/payments.md): past that it belongs in S3.
  const FILE_MAX = 25_000;
  t0 = performance.now();
  const file = H <= FILE_MAX ? bankFile(await linesOf(id)) : { csv: '', lines: 0 };
  const fileS = (performance.now() - t0) / 1000;

  const figures = {
    households: H,
    lines: built.lines!,
    rosterSeconds: Number(rosterS.toFixed(2)),
    itemsRead: built.itemsRead!,
    itemsReadPerLine: Number((built.itemsRead! / built.lines!).toFixed(3)),
    ledgerEntriesReadPerLine: Number((built.entriesRead! / built.lines!).toFixed(3)),
    linesPerSecond: Math.round(built.lines! / rosterS),
    totalFen: header.totals.amountFen,
    ledgerFen,
    ...(H <= FILE_MAX ? { fileSeconds: Number(fileS.toFixed(2)), fileBytes: Buffer.byteLength(file.csv) } : {}),
  };
  const baselines = { rawQuerySeconds: Number(rawS.toFixed(2)), rawQueryItemsRead: rawRead, rawQueryItemsReadPerLine: Number((rawRead / built.lines!).toFixed(3)) };
  // Print as soon as measured (a loaded machine makes the rest slow).
  console.log(`roster:        ${figures.lines} lines in ${rosterS.toFixed(2)} s = ${figures.linesPerSecond}/s; ${figures.itemsRead} items read = ${figures.itemsReadPerLine} per line (ledger entries ${figures.ledgerEntriesReadPerLine} per line, the rest payees)`);
  console.log(`baseline raw:  Query of the same entries: ${rawRead} items in ${rawS.toFixed(2)} s = ${baselines.rawQueryItemsReadPerLine} per line`);
  console.log(`ratio roster / raw query: ${(rosterS / rawS).toFixed(1)}× the time (the roster also reads payees and writes every line)`);
  console.log(`totals: roster ${figures.totalFen} fen = ledger ${ledgerFen} fen`);
  if (H <= FILE_MAX) console.log(`bank file:     ${file.lines} rows, ${((figures.fileBytes ?? 0) / 1e6).toFixed(1)} MB in ${fileS.toFixed(2)} s`);
  else console.log(`bank file:     not timed above ${FILE_MAX} lines (a Lambda response carries at most 6 MB)`);
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'payments.json'), `${JSON.stringify({ name: 'payments', figures, baselines, at: new Date().toISOString() }, null, 2)}\n`);
} finally {
  await stack.stop();
}
