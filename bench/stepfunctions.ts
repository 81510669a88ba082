/**
 * The local Step Functions engine's throughput beside DynamoDB Local's raw write throughput,
 * measured in the same run against the same DynamoDB Local (file-backed, as `npm start` runs it).
 *
 *   npx tsx bench/stepfunctions.ts [executions=1000] [concurrency=32]
 *   SFN_BENCH_EXECUTIONS=200 npx tsx bench/stepfunctions.ts
 *
 * Workflow: 10 states (Pass, Choice, Lambda task, Pass, Wait 0 s, Choice, Pass, DynamoDB putItem
 * task, Pass, Succeed), started through @aws-sdk/client-sfn on the local AWS endpoint.
 * Goal: transitions/s ≥ 0.5 × raw DynamoDB Local writes/s (persistence is the only real cost).
 */
import { rmSync } from 'node:fs';
import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startLocalStack } from '../local/runtime.ts';
import '../local/plugins.ts';
import { currentEngine } from '../local/stepfunctions/plugin.ts';
import { registerLocalFunction } from '../local/stepfunctions/integrations.ts';
import { tempDataDir, TEST_COUNTIES } from '../tests/support/local-stack.ts';

const N = Number(process.argv[2] ?? process.env.SFN_BENCH_EXECUTIONS ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? process.env.SFN_BENCH_CONCURRENCY ?? 32);
const RAW_WRITES = Number(process.env.SFN_BENCH_RAW_WRITES ?? 3000);
const STATES_PER_EXECUTION = 10;

async function pool(total: number, width: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    for (let i = next++; i < total; i = next++) await job(i);
  }));
}

const dataDir = tempDataDir('jiuzhu-bench-sfn-');
const stack = await startLocalStack({ port: 0, awsPort: 0, dataDir, regionCounties: TEST_COUNTIES });
try {
  const ddb = stack.ctx.ddb;
  const engine = currentEngine!;
  await ddb.send(new CreateTableCommand({ TableName: 'bench-raw', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }));
  await ddb.send(new CreateTableCommand({ TableName: 'bench-items', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }));
  // A history item is a few KB of JSON; the raw baseline writes items of that size.
  const payload = 'x'.repeat(2048);
  const raw = async (label: string) => {
    const t0 = performance.now();
    await pool(RAW_WRITES, CONCURRENCY, async (i) => {
      await ddb.send(new PutItemCommand({ TableName: 'bench-raw', Item: { pk: { S: `${label}-${i}` }, body: { S: payload } } }));
    });
    return RAW_WRITES / ((performance.now() - t0) / 1000);
  };

  registerLocalFunction('bench-step', (event) => ({ ...(event as object), scored: true }));
  const sfn = new SFNClient({ endpoint: stack.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const definition = JSON.stringify({
    QueryLanguage: 'JSONata',
    StartAt: 'Init',
    States: {
      Init: { Type: 'Pass', Assign: { id: '{% $states.input.id %}' }, Output: { id: '{% $states.input.id %}', n: '{% $states.input.n %}' }, Next: 'Route' },
      Route: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.n >= 0 %}', Next: 'Score' }], Default: 'Done' },
      Score: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:bench-step', Next: 'Shape' },
      Shape: { Type: 'Pass', Output: { id: '{% $id %}', scored: '{% $states.input.scored %}' }, Next: 'Settle' },
      Settle: { Type: 'Wait', Seconds: 0, Next: 'Again' },
      Again: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.scored %}', Next: 'Stamp' }], Default: 'Done' },
      Stamp: { Type: 'Pass', Assign: { at: '{% $states.context.State.EnteredTime %}' }, Next: 'Save' },
      Save: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Arguments: { TableName: 'bench-items', Item: { id: { S: '{% $id %}' }, at: { S: '{% $at %}' } } }, Output: { id: '{% $id %}' }, Next: 'Summarize' },
      Summarize: { Type: 'Pass', Output: { id: '{% $id %}', ok: true }, Next: 'Done' },
      Done: { Type: 'Succeed' },
    },
  });
  const sm = (await sfn.send(new CreateStateMachineCommand({ name: 'bench-10-states', definition, roleArn: 'arn:aws:iam::000000000000:role/bench' }))).stateMachineArn!;

  // Warm up (JIT, connections), then measure.
  await raw('warm');
  const rawBefore = await raw('before');

  const transitions0 = engine.transitions;
  const writes0 = engine.persistedWrites;
  const t0 = performance.now();
  const arns: string[] = [];
  await pool(N, CONCURRENCY, async (i) => {
    const res = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: `run-${i}`, input: JSON.stringify({ id: `app-${i}`, n: i }) }));
    arns.push(res.executionArn!);
  });
  for (;;) {
    const open = arns.filter((a) => engine.executions.get(a)?.rec.status === 'RUNNING').length;
    if (open === 0) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const seconds = (performance.now() - t0) / 1000;
  const failed = arns.filter((a) => engine.executions.get(a)?.rec.status !== 'SUCCEEDED').length;
  const transitions = engine.transitions - transitions0;
  const writes = engine.persistedWrites - writes0;

  const rawAfter = await raw('after');
  const rawWps = (rawBefore + rawAfter) / 2;
  const execPerS = N / seconds;
  const transPerS = transitions / seconds;
  const line = (k: string, v: string) => console.log(`${k.padEnd(44)} ${v}`);
  console.log(`\nStep Functions engine vs DynamoDB Local — ${N} executions × ${STATES_PER_EXECUTION} states, concurrency ${CONCURRENCY}\n`);
  line('raw DynamoDB Local PutItem (2 KB), writes/s', `${rawWps.toFixed(0)}   (before ${rawBefore.toFixed(0)}, after ${rawAfter.toFixed(0)})`);
  line('engine executions/s', execPerS.toFixed(1));
  line('engine transitions/s (states entered)', `${transPerS.toFixed(0)}   (${transitions} transitions, ${failed} not SUCCEEDED)`);
  line('engine DynamoDB writes (history + records)', `${writes}  = ${(writes / N).toFixed(1)} per execution, ${(writes / seconds).toFixed(0)}/s`);
  line('task writes (putItem state)', `${N}`);
  line('ratio transitions/s ÷ raw writes/s', `${(transPerS / rawWps).toFixed(2)}   (goal ≥ 0.5)`);
  line('ratio DynamoDB writes/s (engine+task) ÷ raw', `${((writes + N) / seconds / rawWps).toFixed(2)}`);
  if (failed) process.exitCode = 1;
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
