/**
 * The 两项政策 merger import beside raw BatchWriteItem, in the same run on the same DynamoDB Local:
 *   - import: N rows (households of 1–4 people in 肥城's villages) POSTed as CSV in imports of
 *             2,500 rows (each body under the API's 256 KB), 4 at a time; each import's workflow
 *             Maps over its chunks (keyed-hash matching, classification by the rules, record
 *             writes, counting once). rows/s = N ÷ (first POST → last import SUCCEEDED).
 *   - raw:    N record-sized items by BatchWriteItem, 8 parallel callers, into the same table.
 *   - memory: the process's peak heap above its idle level while importing — all the Lambdas
 *             run in this process locally, so this bounds what one import Lambda holds
 *             (DynamoDB Local is a separate JVM and not counted).
 *
 *   npx tsx bench/merger.ts [rows=100000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../local/runtime.ts';
import '../local/plugins.ts';
import { tableName } from '../local/names.ts';
import { ApiClient, TEST_COUNTIES } from '../tests/support/local-stack.ts';
import { residentId } from '../tests/support/people.ts';

const N = Number(process.argv[2] ?? 100_000);
const PER_IMPORT = 2_500;
const VILLAGES = ['370983108201', '370983108202', '370983108203', '370983108204', '370983104201', '370983104202'];
const stack = await startLocalStack({ port: 0, awsPort: 0, regionCounties: TEST_COUNTIES });
try {
  const api = new ApiClient(stack.httpUrl);
  const token = await api.token('city', '370983', 'bench-city');
  const doc = stack.ctx.doc;

  // rows
  const header = 'householdRef,name,idNumber,relation,regionCode,riskTypes,monthlyIncome,deposits,identifiedOn';
  const lines: string[] = [];
  let h = 0;
  while (lines.length < N) {
    const size = 1 + (h % 4);
    const village = VILLAGES[h % VILLAGES.length]!;
    for (let m = 0; m < size && lines.length < N; m++) {
      const n = lines.length;
      const birth = `${1940 + (n % 70)}-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`;
      const id = residentId('370983', birth, 1 + (Math.floor(n / 420) % 999));
      lines.push(`H${h},成员${m},${id},${m === 0 ? 'self' : 'child'},${village},ILLNESS,${(n * 37) % 2000},${m === 0 ? (h * 131) % 30000 : ''},2023-0${1 + (h % 9)}-01`);
    }
    h++;
  }
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

  // raw BatchWriteItem baseline: record-sized items
  const table = tableName('Merger');
  const pad = 'x'.repeat(900);
  let t0 = performance.now();
  const items = Array.from({ length: N }, (_v, i) => ({ pk: `RAW#${i}`, sk: 'REC', pad }));
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
  const rawS = (performance.now() - t0) / 1000;
  console.log(`raw BatchWriteItem: ${N} items in ${rawS.toFixed(1)} s = ${Math.round(N / rawS)} items/s`);

  // import
  global.gc?.();
  const idleHeap = process.memoryUsage().heapUsed;
  let peakHeap = idleHeap;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  }, 20);
  t0 = performance.now();
  let next = 0;
  const reports: Record<string, any>[] = [];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const res = await api.request('POST', '/merger/imports', { token, rawBody: body, headers: { 'content-type': 'text/csv' } });
        if (res.status !== 202) throw new Error(`import: ${res.status} ${res.text}`);
        for (;;) {
          const r = await api.request('GET', `/merger/imports/${res.body.importId}`, { token });
          if (r.body.status === 'FAILED') throw new Error(JSON.stringify(r.body));
          if (r.body.status === 'SUCCEEDED') {
            reports.push(r.body);
            break;
          }
          await new Promise((x) => setTimeout(x, 100));
        }
      }
    }),
  );
  const importS = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const accepted = reports.reduce((a, r) => a + r.accepted, 0);
  const classified: Record<string, number> = {};
  for (const r of reports) for (const [k, v] of Object.entries(r.classified as Record<string, number>)) classified[k] = (classified[k] ?? 0) + v;
  const rowsPerS = Math.round(N / importS);
  const rawPerS = Math.round(N / rawS);
  const ratio = rowsPerS / rawPerS;
  console.log(`import: ${N} rows (${bodies.length} imports, ${accepted} accepted) in ${importS.toFixed(1)} s = ${rowsPerS} rows/s (${(ratio * 100).toFixed(0)}% of raw BatchWriteItem; goal ≥ 50%)`);
  console.log(`classified: ${JSON.stringify(classified)}`);
  console.log(`peak heap above idle: ${Math.round((peakHeap - idleHeap) / 1048576)} MB (peak RSS ${Math.round(peakRss / 1048576)} MB, whole process)`);
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'merger.json'),
    `${JSON.stringify({ name: 'merger', figures: { rows: N, accepted, importSeconds: importS, rowsPerSecond: rowsPerS, ratioToRaw: Math.round(ratio * 1000) / 1000, peakHeapAboveIdleMb: Math.round((peakHeap - idleHeap) / 1048576), peakRssMb: Math.round(peakRss / 1048576), classified }, baselines: { rawBatchWriteItemsPerSecond: rawPerS, rawSeconds: rawS }, at: new Date().toISOString() }, null, 2)}\n`,
  );
  if (accepted !== N) throw new Error(`accepted ${accepted} of ${N}: ${JSON.stringify(reports.flatMap((r) => r.errors).slice(0, 3))}`);
} finally {
  await stack.stop();
}
