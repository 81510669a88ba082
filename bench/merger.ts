/**
 * The 两项政策 merger import beside raw BatchWriteItem, in the same run on the same DynamoDB Local:
 *   - import: N rows (households of 1–4 people in 肥城's villages) POSTed as CSV in imports of
 *             2,500 rows (each body under the API's 256 KB), 4 at a time; each import's workflow
 *             Maps over its chunks (keyed-hash matching, classification by the rules, record
 *             writes, counting once). rows/s = N ÷ (first POST → last import SUCCEEDED).
 *   - raw:    N copies of a real record item (taken from a small warm-up import: same size, same
 *             index attributes as an ASSESSING record) by BatchWriteItem, 8 parallel callers, into
 *             the same table — what writing the import's output alone costs.
 *   - memory: the chunk step (the import's worker Lambda) measured around its handler
 *             (functions/handlers/merger-steps.ts: heap sampled every 10 ms, resourceUsage maxRSS):
 *             once on one 500-row chunk alone (peakMemoryMb = its heap growth), and over the
 *             throughput run (several chunks at once in this one process, so an upper bound).
 *             The whole process's RSS is reported beside it (all local Lambdas share it;
 *             DynamoDB Local is a separate JVM and not counted).
 *
 *   npx tsx bench/merger.ts [rows=100000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startLocalStack } from '../local/runtime.ts';
import '../local/plugins.ts';
import { tableName } from '../local/names.ts';
import { ApiClient, TEST_COUNTIES } from '../tests/support/local-stack.ts';
import { residentId } from '../tests/support/people.ts';

const N = Number(process.argv[2] ?? 100_000);
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const PER_IMPORT = 2_500;
const VILLAGES = ['370983108201', '370983108202', '370983108203', '370983108204', '370983104201', '370983104202'];
const stack = await startLocalStack({ port: 0, awsPort: 0, regionCounties: TEST_COUNTIES });
try {
  // after the stack set the environment (the logger reads it when first loaded)
  const { chunkMemory, resetChunkMemory } = await import('../functions/handlers/merger-steps.ts');
  const api = new ApiClient(stack.httpUrl);
  const token = await api.token('city', '370983', 'bench-city');
  const doc = stack.ctx.doc;

  // rows: households of 1–4 people; `from` keeps ID numbers apart between the phases
  const header = 'householdRef,name,idNumber,relation,regionCode,riskTypes,monthlyIncome,deposits,identifiedOn';
  const makeLines = (count: number, from: number, tag: string) => {
    const lines: string[] = [];
    let h = 0;
    while (lines.length < count) {
      const size = 1 + (h % 4);
      const village = VILLAGES[h % VILLAGES.length]!;
      for (let m = 0; m < size && lines.length < count; m++) {
        const n = from + lines.length;
        const birth = `${1940 + (n % 70)}-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`;
        const id = residentId('370983', birth, 1 + (Math.floor(n / 420) % 999));
        lines.push(`${tag}${h},成员${m},${id},${m === 0 ? 'self' : 'child'},${village},ILLNESS,${(n * 37) % 2000},${m === 0 ? (h * 131) % 30000 : ''},2023-0${1 + (h % 9)}-01`);
      }
      h++;
    }
    return lines;
  };
  const importOne = async (body: string) => {
    const res = await api.request('POST', '/merger/imports', { token, rawBody: body, headers: { 'content-type': 'text/csv' } });
    if (res.status !== 202) throw new Error(`import: ${res.status} ${res.text}`);
    for (;;) {
      const r = await api.request('GET', `/merger/imports/${res.body.importId}`, { token });
      if (r.body.status === 'FAILED') throw new Error(JSON.stringify(r.body));
      if (r.body.status === 'SUCCEEDED') return r.body as Record<string, any>;
      await new Promise((x) => setTimeout(x, 100));
    }
  };
  // IDs: residentId(county, birth, seq) is unique for n < 70 × 12 × 28 × … — the phases use
  // disjoint ranges of n (warm-up and memory past the throughput rows).
  const lines = makeLines(N, 0, 'H');
  // keep households whole within an import
  const bodies: string[] = [];
  let cur: string[] = [];
  let curRef = '';
  for (const l of lines) {
    const ref = l.slice(0, l.indexOf(','));
    if (cur.length >= PER_IMPORT && ref !== curRef) {
      bodies.push([header, ...cur].join('\n'));
      cur = [];
    }
    cur.push(l);
    curRef = ref;
  }
  if (cur.length) bodies.push([header, ...cur].join('\n'));
  // warm-up (not timed): JIT, policies, the workflow; its first record is the raw baseline's item
  const warm = await importOne([header, ...makeLines(200, N + 10_000, 'W')].join('\n'));
  const table = tableName('Merger');
  const sample = (await doc.send(new QueryCommand({ TableName: table, IndexName: 'byLevel', KeyConditionExpression: 'levelKey = :k', ExpressionAttributeValues: { ':k': 'ASSESS#village#OPEN' }, Limit: 1 }))).Items?.[0];
  if (!sample || warm.accepted !== 200) throw new Error('warm-up import wrote no record');
  const template = (await doc.send(new GetCommand({ TableName: table, Key: { pk: sample.pk, sk: sample.sk } }))).Item!;
  const itemBytes = JSON.stringify(template).length;

  // raw BatchWriteItem baselines: N copies of that record (own keys, own index sort keys), and
  // N flat 900-byte items (the earlier baseline, for comparison)
  const rawWrite = async (items: Record<string, unknown>[]) => {
    const t = performance.now();
    for (let i = 0; i < items.length; i += 25 * 8) {
      await Promise.all(
        Array.from({ length: 8 }, (_v, k) => items.slice(i + k * 25, i + k * 25 + 25)).filter((b) => b.length).map(async (batch) => {
          let req: unknown[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
          while (req && req.length) {
            const res = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: req as never } }));
            req = res.UnprocessedItems?.[table] as unknown[] | undefined;
          }
        }),
      );
    }
    return (performance.now() - t) / 1000;
  };
  const rawS = await rawWrite(Array.from({ length: N }, (_v, i) => ({ ...template, pk: `RAW#${i}`, recordId: `raw_${i}`, levelSort: `${template.regionCode}#raw_${i}`, monSort: `${template.regionCode}#raw_${i}` })));
  console.log(`raw BatchWriteItem: ${N} record items (${itemBytes} B as JSON) in ${rawS.toFixed(1)} s = ${Math.round(N / rawS)} items/s`);
  const pad = 'x'.repeat(900);
  const padS = await rawWrite(Array.from({ length: N }, (_v, i) => ({ pk: `PAD#${i}`, sk: 'REC', pad })));
  console.log(`raw BatchWriteItem: ${N} flat 900 B items in ${padS.toFixed(1)} s = ${Math.round(N / padS)} items/s`);
  let t0 = performance.now();

  // import
  gc();
  resetChunkMemory();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  t0 = performance.now();
  let next = 0;
  const reports: Record<string, any>[] = [];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < bodies.length) reports.push(await importOne(bodies[next++]!));
    }),
  );
  const importS = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const concurrent = chunkMemory();
  const accepted = reports.reduce((a, r) => a + r.accepted, 0);
  const classified: Record<string, number> = {};
  for (const r of reports) for (const [k, v] of Object.entries(r.classified as Record<string, number>)) classified[k] = (classified[k] ?? 0) + v;
  const rowsPerS = Math.round(N / importS);
  const rawPerS = Math.round(N / rawS);
  const ratio = rowsPerS / rawPerS;
  const padPerS = Math.round(N / padS);
  console.log(`import: ${N} rows (${bodies.length} imports, ${accepted} accepted) in ${importS.toFixed(1)} s = ${rowsPerS} rows/s (${(ratio * 100).toFixed(0)}% of raw BatchWriteItem of the same records; goal ≥ 50%; ${((rowsPerS / padPerS) * 100).toFixed(0)}% of flat 900 B items)`);
  console.log(`classified: ${JSON.stringify(classified)}`);

  // memory: one 500-row chunk alone
  gc();
  resetChunkMemory();
  const alone = await importOne([header, ...makeLines(500, N + 20_000, 'M')].join('\n'));
  const one = chunkMemory();
  if (one.invocations !== 1 || alone.accepted !== 500) throw new Error(`memory phase: ${one.invocations} chunk invocations, ${alone.accepted} accepted`);
  console.log(`chunk step alone (500 rows): heap +${one.peakHeapAboveStartMb} MB (peak heap ${one.peakHeapMb} MB); over the run (${concurrent.invocations} chunks, up to 16 at once): heap +${concurrent.peakHeapAboveStartMb} MB; process peak RSS ${Math.round(peakRss / 1048576)} MB, maxRSS ${one.maxRssMb} MB`);
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'merger.json'),
    `${JSON.stringify(
      {
        name: 'merger',
        figures: {
          rows: N,
          accepted,
          importSeconds: Math.round(importS * 10) / 10,
          rowsPerSecond: rowsPerS,
          vsRawBatchWrite: Math.round(ratio * 1000) / 1000,
          vsRawFlatItems: Math.round((rowsPerS / padPerS) * 1000) / 1000,
          peakMemoryMb: one.peakHeapAboveStartMb,
          chunkPeakHeapMb: one.peakHeapMb,
          concurrentChunksPeakHeapAboveStartMb: concurrent.peakHeapAboveStartMb,
          processPeakRssMb: Math.round(peakRss / 1048576),
          processMaxRssMb: one.maxRssMb,
          classified,
        },
        baselines: { rawBatchWriteRowsPerSecond: rawPerS, rawSeconds: Math.round(rawS * 10) / 10, rawItemBytes: itemBytes, rawFlat900BItemsPerSecond: padPerS },
        at: new Date().toISOString(),
      },
      null,
      2,
    )}\n`,
  );
  if (accepted !== N) throw new Error(`accepted ${accepted} of ${N}: ${JSON.stringify(reports.flatMap((r) => r.errors).slice(0, 3))}`);
} finally {
  await stack.stop();
}
