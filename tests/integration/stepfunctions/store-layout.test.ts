import { rmSync } from 'node:fs';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, expect, it } from 'vitest';
import type { LocalStack } from '../../../local/runtime.ts';
import { currentEngine } from '../../../local/stepfunctions/plugin.ts';
import { TABLES } from '../../../local/stepfunctions/store.ts';
import { startTestStack, tempDataDir } from '../../support/local-stack.ts';
import { assertWellFormed, create, describe, history, machine, sfnClient, start, types, waitFor } from './sfn-helpers.ts';

/**
 * The engine's store: an execution is one item at its start and its close (record + the step's
 * chunk), the definition is stored once by hash; and a data directory written by the earlier
 * layout (definition in every record, a history item for every step) still loads and resumes.
 */
const dataDir = tempDataDir('jiuzhu-sfn-layout-');
let stack: LocalStack | undefined;
afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const ACCOUNT = 'arn:aws:states:us-east-1:000000000000';

it('stores definitions once, runs a short execution in one write, and resumes an execution of the earlier layout', { timeout: 120_000 }, async () => {
  // Prepare: an execution of the earlier layout, RUNNING, its one history item at state Finish.
  stack = await startTestStack({ dataDir });
  const doc = stack.ctx.doc;
  const definition = machine({ Finish: { Type: 'Pass', Output: '{% $states.input.a + 1 %}', End: true } });
  const smArn = `${ACCOUNT}:stateMachine:legacy-sm`;
  const oldArn = `${ACCOUNT}:execution:legacy-sm:old-run`;
  const startedAt = Date.now();
  await doc.send(new PutCommand({ TableName: TABLES.machines, Item: { pk: smArn, arn: smArn, name: 'legacy-sm', definition, roleArn: 'arn:aws:iam::000000000000:role/t', type: 'STANDARD', creationDate: startedAt, revision: 1 } }));
  await doc.send(
    new PutCommand({
      TableName: TABLES.executions,
      Item: { pk: oldArn, arn: oldArn, smArn, name: 'old-run', status: 'RUNNING', input: '{"a":41}', startDate: startedAt, definition, roleArn: 'arn:aws:iam::000000000000:role/t' },
    }),
  );
  const started = { timestamp: startedAt / 1000, type: 'ExecutionStarted', id: 1, previousEventId: 0, executionStartedEventDetails: { input: '{"a":41}', inputDetails: { truncated: false }, roleArn: 'arn:aws:iam::000000000000:role/t' } };
  const snapshot = { nextEventId: 2, seq: 1, nonce: 0, threadSeq: 0, threads: { 0: { id: '0', scope: [], state: 'Finish', input: { a: 41 }, vars: {}, phase: 'enter', enteredAt: startedAt, retries: [], retryCount: 0, lastEvent: 1 } } };
  await doc.send(new PutCommand({ TableName: TABLES.history, Item: { pk: oldArn, seq: 0, events: JSON.stringify([started]), snap: JSON.stringify(snapshot) } }));
  await stack.stop();

  // Act: restart on the same data directory; run a new execution too.
  stack = await startTestStack({ dataDir });
  const c = sfnClient(stack.awsUrl);
  const old = await waitFor(c, oldArn);
  const sm = await create(c, machine({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } }));
  const writes0 = currentEngine!.persistedWrites;
  const fresh = await waitFor(c, await start(c, sm, { x: 1 }));
  const writes = currentEngine!.persistedWrites - writes0;

  // Assert: the old execution finished on its own definition, its history whole and in order.
  expect(old.status).toBe('SUCCEEDED');
  expect(old.output).toBe('42');
  const oldEvents = await history(c, oldArn);
  expect(types(oldEvents)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  assertWellFormed(oldEvents);
  // The new one: started and closed in one step, one item, no history item of its own.
  expect(fresh.status).toBe('SUCCEEDED');
  expect(writes).toBe(1);
  const freshEvents = await history(c, fresh.executionArn!);
  expect(types(freshEvents)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
  assertWellFormed(freshEvents);
  const items = (await stack.ctx.doc.send(new ScanCommand({ TableName: TABLES.history }))).Items ?? [];
  expect(items.filter((it) => it.pk === fresh.executionArn)).toHaveLength(0);
  const rec = (await stack.ctx.doc.send(new GetCommand({ TableName: TABLES.executions, Key: { pk: fresh.executionArn } }))).Item!;
  expect(rec.definition).toBeUndefined();
  expect(typeof rec.definitionHash).toBe('string');
  // Both machines' definitions are stored once each, by hash (the legacy one on start-up).
  const defs = (await stack.ctx.doc.send(new ScanCommand({ TableName: TABLES.definitions }))).Items ?? [];
  expect(defs.map((d) => d.definition)).toEqual(expect.arrayContaining([definition, (await c.send(new DescribeStateMachineCommand({ stateMachineArn: sm }))).definition]));
  expect(new Set(defs.map((d) => d.pk)).size).toBe(defs.length);
  expect((await describe(c, oldArn)).status).toBe('SUCCEEDED');
});

