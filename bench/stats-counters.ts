/**
 * What the statistics counters add to a transaction (functions/adapters/stats-table.ts): one
 * case-sized Put with the counters a change moves, as a submission's or a grant's transaction
 * carries them — two Updates (the county's day and the village's own) against the earlier
 * layout's six (CN, 2, 4, 6, 9, 12-digit prefixes), rounds interleaved, on DynamoDB Local.
 * Time and CPU (this process + the JVM) per transaction; the baseline is the six-counter form.
 *
 *   npx tsx bench/stats-counters.ts [transactions per round=400] [rounds=3]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../local/runtime.ts';
import '../local/plugins.ts';
import { TEST_COUNTIES } from '../tests/support/local-stack.ts';
import { cpuMeter } from './support/ddb-calls.ts';

const N = Number(process.argv[2] ?? 400);
const ROUNDS = Number(process.argv[3] ?? 3);
const stack = await startLocalStack({ port: 0, awsPort: 0, regionCounties: TEST_COUNTIES });
const cpu = cpuMeter(stack.ctx.dynamoEndpoint);
const DAY = '2026-12-02';
const VILLAGE = '610124121200';
const counter = (pk: string, sk: string) => ({
  Update: {
    TableName: 'jiuzhu-Stats',
    Key: { pk, sk },
    UpdateExpression: 'ADD #a :v, #b :v',
    ExpressionAttributeNames: { '#a': 'applications.received', '#b': 'applications.byCategory.DIBAO' },
    ExpressionAttributeValues: { ':v': 1 },
  },
});
const forms = {
  six: () => ['CN', '61', '6101', '610124', '610124121', VILLAGE].map((p) => counter(`S#${p}`, `D#${DAY}`)),
  two: () => [counter('S#CN', `C#610124#D#${DAY}`), counter('S#610124', `R#${VILLAGE}#D#${DAY}`)],
};
let seq = 0;
async function round(form: keyof typeof forms) {
  const c0 = cpu();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const put = { Put: { TableName: 'jiuzhu-Audit', Item: { pk: `BENCH-STATS#${seq++}`, sk: 'x', blob: 'x'.repeat(3000) } } };
    await stack.ctx.doc.send(new TransactWriteCommand({ TransactItems: [put, ...forms[form]()] as never }));
  }
  const c1 = cpu();
  return { ms: (performance.now() - t0) / N, cpuMs: (c1.node - c0.node + (c1.dynamo - c0.dynamo)) / N };
}
const acc = { six: { ms: 0, cpuMs: 0 }, two: { ms: 0, cpuMs: 0 } };
for (let r = 0; r < ROUNDS; r++) {
  for (const form of ['six', 'two'] as const) {
    const x = await round(form);
    acc[form].ms += x.ms / ROUNDS;
    acc[form].cpuMs += x.cpuMs / ROUNDS;
  }
}
const f2 = (x: number) => Math.round(x * 100) / 100;
console.log(`== a case-sized Put + its counters, ${N} transactions × ${ROUNDS} rounds, interleaved  [load ${loadavg()[0]!.toFixed(1)}]`);
console.log(`  six counters (baseline)  ${acc.six.ms.toFixed(2)} ms, CPU ${acc.six.cpuMs.toFixed(2)} ms per transaction`);
console.log(`  two counters             ${acc.two.ms.toFixed(2)} ms, CPU ${acc.two.cpuMs.toFixed(2)} ms per transaction`);
console.log(`  ratio two/six: time ${(acc.two.ms / acc.six.ms).toFixed(2)}, CPU ${(acc.two.cpuMs / acc.six.cpuMs).toFixed(2)}`);
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, 'stats-counters.json'),
  `${JSON.stringify({ name: 'stats-counters', figures: { msPerTransaction: f2(acc.two.ms), cpuMsPerTransaction: f2(acc.two.cpuMs), timeRatioToSix: f2(acc.two.ms / acc.six.ms), cpuRatioToSix: f2(acc.two.cpuMs / acc.six.cpuMs) }, baselines: { sixCountersMsPerTransaction: f2(acc.six.ms), sixCountersCpuMsPerTransaction: f2(acc.six.cpuMs) }, at: new Date().toISOString() }, null, 2)}\n`,
);
await stack.stop();
process.exit(0);
