import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteStateMachineCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe as group, expect, it } from 'vitest';
import type { LocalStack } from '../../../local/runtime.ts';
import { encodeToken } from '../../../local/stepfunctions/engine.ts';
import { registerLocalFunction } from '../../../local/stepfunctions/integrations.ts';
import { startTestStack } from '../../support/local-stack.ts';
import { assertWellFormed, create, describe, history, machine, sfnClient, start, tokenFrom, types, uniq, waitFor, waitForEvent } from './sfn-helpers.ts';

/**
 * Task integrations (Lambda, DynamoDB, EventBridge), the callback pattern and the API surface,
 * each case citing the Step Functions documentation it checks.
 */
let stack: LocalStack;
let c: SFNClient;
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const TABLE = 'sfn-test-items';
const busEntries: Record<string, unknown>[] = [];
const received: Record<string, unknown>[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  c = sfnClient(stack.awsUrl);
  registerLocalFunction('test-echo', (event) => {
    received.push(event as Record<string, unknown>);
    return { echoed: event };
  });
  registerLocalFunction('test-boom', () => {
    const err = new Error('it broke');
    err.name = 'Boom.Error';
    throw err;
  });
  await stack.ctx.ddb.send(
    new CreateTableCommand({ TableName: TABLE, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }),
  );
  // The event bus is another part of the runtime; this suite stands in a tiny one that records
  // PutEvents (AWS JSON 1.1, X-Amz-Target AWSEvents.PutEvents), as the SDK sends it.
  stack.ctx.aws.register({
    targetPrefix: 'AWSEvents',
    contentType: 'application/x-amz-json-1.1',
    async handle(action, input) {
      if (action !== 'PutEvents') throw new Error(action);
      const entries = input.Entries as Record<string, unknown>[];
      busEntries.push(...entries);
      return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `ev-${busEntries.length}-${i}` })) };
    },
  });
});
afterAll(() => stack?.stop());

group('Lambda (connect-lambda.html)', () => {
  it('lambda:invoke passes Arguments.Payload and returns {Payload, StatusCode}; TaskScheduled carries the resolved parameters', async () => {
    const sm = await create(
      c,
      machine({ T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: fnArn('test-echo'), Payload: { n: '{% $states.input.n + 1 %}' } }, Output: '{% $states.result.Payload %}', End: true } }),
    );
    const ex = await start(c, sm, { n: 1 });
    const d = await waitFor(c, ex);
    expect(JSON.parse(d.output!)).toEqual({ echoed: { n: 2 } });
    const h = await history(c, ex);
    assertWellFormed(h);
    const sched = h.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!;
    expect(sched.resourceType).toBe('lambda');
    expect(sched.resource).toBe('invoke');
    expect(JSON.parse(sched.parameters!)).toEqual({ FunctionName: fnArn('test-echo'), Payload: { n: 2 } });
    expect(types(h)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(JSON.parse(h.find((e) => e.type === 'TaskSucceeded')!.taskSucceededEventDetails!.output!).StatusCode).toBe(200);
  });

  it('a bare function ARN gets the state input as its event and records LambdaFunction* events', async () => {
    const sm = await create(c, machine({ T: { Type: 'Task', Resource: fnArn('test-echo'), End: true } }));
    const ex = await start(c, sm, { a: 'b' });
    const d = await waitFor(c, ex);
    expect(JSON.parse(d.output!)).toEqual({ echoed: { a: 'b' } });
    expect(types(await history(c, ex))).toEqual(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
  });

  it('a function error surfaces under its error name with the Lambda cause JSON', async () => {
    const sm = await create(c, machine({ T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: fnArn('test-boom'), Payload: {} }, End: true } }));
    const d = await waitFor(c, await start(c, sm));
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('Boom.Error');
    expect(JSON.parse(d.cause!)).toMatchObject({ errorType: 'Boom.Error', errorMessage: 'it broke' });
  });

  it('an unknown function fails with Lambda.ResourceNotFoundException', async () => {
    const sm = await create(c, machine({ T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: fnArn('no-such-fn'), Payload: {} }, End: true } }));
    const d = await waitFor(c, await start(c, sm));
    expect(d.error).toBe('Lambda.ResourceNotFoundException');
  });
});

group('callbacks: .waitForTaskToken (connect-to-resource.html#connect-wait-token)', () => {
  const callbackMachine = (extra: Record<string, unknown> = {}) =>
    machine({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Arguments: { FunctionName: fnArn('test-echo'), Payload: { token: '{% $states.context.Task.Token %}', who: '{% $states.input.who %}' } },
        Output: '{% $states.result %}',
        ...extra,
        Next: 'Done',
      },
      Done: { Type: 'Pass', End: true },
      ...(extra.Catch ? { Caught: { Type: 'Pass', End: true } } : {}),
    });

  it('SendTaskSuccess completes the task with its output; the function got the token; TaskSubmitted recorded', async () => {
    const sm = await create(c, callbackMachine());
    const who = uniq('w');
    const ex = await start(c, sm, { who });
    await waitForEvent(c, ex, 'TaskSubmitted');
    const token = (received.find((r) => r.who === who) as { token: string }).token;
    expect(token).toBe(tokenFrom(await history(c, ex), (p) => p.Payload.token));
    await c.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }));
    const d = await waitFor(c, ex);
    expect(JSON.parse(d.output!)).toEqual({ approved: true });
    expect(types(await history(c, ex))).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    // A second answer to the same token: the task no longer exists.
    await expect(c.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('SendTaskFailure fails the task with its error and cause, which Catch handles', async () => {
    const sm = await create(c, callbackMachine({ Catch: [{ ErrorEquals: ['Review.Rejected'], Next: 'Caught' }] }));
    const ex = await start(c, sm, { who: uniq('w') });
    await waitForEvent(c, ex, 'TaskSubmitted');
    const token = tokenFrom(await history(c, ex), (p) => p.Payload.token);
    await c.send(new SendTaskFailureCommand({ taskToken: token, error: 'Review.Rejected', cause: 'incomplete papers' }));
    const d = await waitFor(c, ex);
    expect(JSON.parse(d.output!)).toEqual({ Error: 'Review.Rejected', Cause: 'incomplete papers' });
    expect(types(await history(c, ex))).toContain('TaskFailed');
  });

  it('TimeoutSeconds elapsing on the clock fails with States.Timeout; the token is then TaskTimedOut', async () => {
    const sm = await create(c, callbackMachine({ TimeoutSeconds: 3600 }));
    const ex = await start(c, sm, { who: uniq('w') });
    await waitForEvent(c, ex, 'TaskSubmitted');
    const token = tokenFrom(await history(c, ex), (p) => p.Payload.token);
    await stack.clock.advance(3_599_000);
    expect((await describe(c, ex)).status).toBe('RUNNING');
    await stack.clock.advance(2_000);
    const d = await waitFor(c, ex);
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('States.Timeout');
    const timedOut = (await history(c, ex)).find((e) => e.type === 'TaskTimedOut')!;
    expect(timedOut.taskTimedOutEventDetails!.error).toBe('States.Timeout');
    await expect(c.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('SendTaskHeartbeat keeps a task alive; missing HeartbeatSeconds fails with States.HeartbeatTimeout', async () => {
    const sm = await create(c, callbackMachine({ TimeoutSeconds: 10_000, HeartbeatSeconds: 100 }));
    const ex = await start(c, sm, { who: uniq('w') });
    await waitForEvent(c, ex, 'TaskSubmitted');
    const token = tokenFrom(await history(c, ex), (p) => p.Payload.token);
    await stack.clock.advance(80_000);
    await c.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await stack.clock.advance(80_000);
    expect((await describe(c, ex)).status).toBe('RUNNING');
    await stack.clock.advance(25_000);
    const d = await waitFor(c, ex);
    expect(d.error).toBe('States.HeartbeatTimeout');
    await expect(c.send(new SendTaskHeartbeatCommand({ taskToken: token }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('a malformed token is InvalidToken; a well-formed token of no execution is TaskDoesNotExist', async () => {
    await expect(c.send(new SendTaskSuccessCommand({ taskToken: 'garbage!', output: '{}' }))).rejects.toMatchObject({ name: 'InvalidToken' });
    const forged = encodeToken('arn:aws:states:us-east-1:000000000000:execution:nope:nope', '0', 1);
    await expect(c.send(new SendTaskFailureCommand({ taskToken: forged, error: 'x' }))).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
  });

  it('StopExecution aborts a waiting execution and kills its token', async () => {
    const sm = await create(c, callbackMachine());
    const ex = await start(c, sm, { who: uniq('w') });
    await waitForEvent(c, ex, 'TaskSubmitted');
    const token = tokenFrom(await history(c, ex), (p) => p.Payload.token);
    await c.send(new StopExecutionCommand({ executionArn: ex, error: 'Operator.Stop', cause: 'withdrawn' }));
    const d = await describe(c, ex);
    expect(d.status).toBe('ABORTED');
    expect(d.error).toBe('Operator.Stop');
    expect(types(await history(c, ex)).pop()).toBe('ExecutionAborted');
    await expect(c.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });
});

group('DynamoDB (connect-ddb.html)', () => {
  it('putItem, updateItem, getItem and deleteItem run against DynamoDB Local', async () => {
    const id = uniq('item');
    const sm = await create(
      c,
      machine({
        Put: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Arguments: { TableName: TABLE, Item: { id: { S: '{% $states.input.id %}' }, n: { N: '1' } } }, Output: '{% $states.input %}', Next: 'Update' },
        Update: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:updateItem',
          Arguments: { TableName: TABLE, Key: { id: { S: '{% $states.input.id %}' } }, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': { N: '1' } }, ReturnValues: 'ALL_NEW' },
          Assign: { n: '{% $number($states.result.Attributes.n.N) %}' },
          Output: '{% $states.input %}',
          Next: 'Get',
        },
        Get: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:getItem', Arguments: { TableName: TABLE, Key: { id: { S: '{% $states.input.id %}' } } }, Assign: { got: '{% $states.result.Item.n.N %}' }, Output: '{% $states.input %}', Next: 'Delete' },
        Delete: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:deleteItem', Arguments: { TableName: TABLE, Key: { id: { S: '{% $states.input.id %}' } } }, Output: { n: '{% $n %}', got: '{% $got %}' }, End: true },
      }),
    );
    const d = await waitFor(c, await start(c, sm, { id }));
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ n: 2, got: '2' });
    expect((await stack.ctx.ddb.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: id } } }))).Item).toBeUndefined();
  });

  it('a failed condition surfaces as DynamoDB.ConditionalCheckFailedException', async () => {
    const sm = await create(
      c,
      machine({ Put: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Arguments: { TableName: TABLE, Item: { id: { S: 'x' } }, ConditionExpression: 'attribute_exists(nope)' }, End: true } }),
    );
    const d = await waitFor(c, await start(c, sm));
    expect(d.error).toBe('DynamoDB.ConditionalCheckFailedException');
  });
});

group('EventBridge (connect-eventbridge.html)', () => {
  it('putEvents puts the entries on the bus and returns the EventBridge response', async () => {
    const mark = uniq('m');
    const sm = await create(
      c,
      machine({ E: { Type: 'Task', Resource: 'arn:aws:states:::events:putEvents', Arguments: { Entries: [{ Source: 'jiuzhu.test', DetailType: 'Ping', Detail: { mark }, EventBusName: 'jiuzhu' }] }, End: true } }),
    );
    const d = await waitFor(c, await start(c, sm));
    expect(JSON.parse(d.output!).FailedEntryCount).toBe(0);
    expect(busEntries.some((e) => String(e.Detail).includes(mark))).toBe(true);
  });

  it('putEvents.waitForTaskToken waits until the token in the event is answered', async () => {
    const mark = uniq('m');
    const sm = await create(
      c,
      machine({
        E: {
          Type: 'Task',
          Resource: 'arn:aws:states:::events:putEvents.waitForTaskToken',
          Arguments: { Entries: [{ Source: 'jiuzhu.test', DetailType: 'Review', Detail: { mark, token: '{% $states.context.Task.Token %}' } }] },
          End: true,
        },
      }),
    );
    const ex = await start(c, sm);
    await waitForEvent(c, ex, 'TaskSubmitted');
    const entry = busEntries.find((e) => String(e.Detail).includes(mark))!;
    await c.send(new SendTaskSuccessCommand({ taskToken: JSON.parse(String(entry.Detail)).token, output: '"ok"' }));
    expect((await waitFor(c, ex)).output).toBe('"ok"');
  });
});

group('API (apireference)', () => {
  it('StartExecution is idempotent on name: same input while RUNNING returns it; else ExecutionAlreadyExists', async () => {
    const sm = await create(c, machine({ W: { Type: 'Wait', Seconds: 1000, End: true } }));
    const name = uniq('run');
    const first = await c.send(new StartExecutionCommand({ stateMachineArn: sm, name, input: '{"a":1}' }));
    const again = await c.send(new StartExecutionCommand({ stateMachineArn: sm, name, input: '{"a":1}' }));
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());
    await expect(c.send(new StartExecutionCommand({ stateMachineArn: sm, name, input: '{"a":2}' }))).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await c.send(new StopExecutionCommand({ executionArn: first.executionArn }));
    await expect(c.send(new StartExecutionCommand({ stateMachineArn: sm, name, input: '{"a":1}' }))).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });

  it('CreateStateMachine refuses JSONPath, unsupported fields and resources, naming the field', async () => {
    const jsonPath = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    await expect(create(c, jsonPath)).rejects.toMatchObject({ name: 'InvalidDefinition', message: expect.stringContaining('QueryLanguage') });
    const resultPath = machine({ P: { Type: 'Pass', ResultPath: '$.x', End: true } });
    await expect(create(c, resultPath)).rejects.toMatchObject({ name: 'InvalidDefinition', message: expect.stringContaining('/States/P/ResultPath') });
    const sqs = machine({ T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Arguments: {}, End: true } });
    await expect(create(c, sqs)).rejects.toMatchObject({ name: 'InvalidDefinition', message: expect.stringContaining('/States/T/Resource') });
    const distributed = machine({ M: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, End: true } });
    await expect(create(c, distributed)).rejects.toMatchObject({ name: 'InvalidDefinition', message: expect.stringContaining('ProcessorConfig/Mode') });
    await expect(create(c, '{"StartAt": "Nowhere", "States": {}}')).rejects.toMatchObject({ name: 'InvalidDefinition' });
  });

  it('Create is idempotent for the same definition; Describe, Update, List and Delete', async () => {
    const name = uniq('crud');
    const def = machine({ P: { Type: 'Pass', End: true } });
    const arn = await create(c, def, name);
    expect(await create(c, def, name)).toBe(arn);
    await expect(create(c, machine({ P: { Type: 'Succeed' } }), name)).rejects.toMatchObject({ name: 'StateMachineAlreadyExists' });
    const next = machine({ P: { Type: 'Pass', Output: { v: 2 }, End: true } });
    await c.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: next }));
    const desc = await c.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(desc).toMatchObject({ name, status: 'ACTIVE', type: 'STANDARD', definition: next });
    expect(JSON.parse((await waitFor(c, await start(c, arn))).output!)).toEqual({ v: 2 });
    const listed = await c.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines!.some((m) => m.stateMachineArn === arn)).toBe(true);
    await c.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    await expect(c.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
  });

  it('ListExecutions filters by status and pages; GetExecutionHistory pages and reverses', async () => {
    const sm = await create(c, machine({ C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.wait %}', Next: 'W' }], Default: 'D' }, W: { Type: 'Wait', Seconds: 99999, End: true }, D: { Type: 'Pass', End: true } }));
    const waiting = await start(c, sm, { wait: true });
    const done = await Promise.all([1, 2, 3].map(() => start(c, sm, { wait: false })));
    await Promise.all(done.map((ex) => waitFor(c, ex)));
    const running = await c.send(new ListExecutionsCommand({ stateMachineArn: sm, statusFilter: 'RUNNING' }));
    expect(running.executions!.map((e) => e.executionArn)).toEqual([waiting]);
    const page1 = await c.send(new ListExecutionsCommand({ stateMachineArn: sm, maxResults: 3 }));
    const page2 = await c.send(new ListExecutionsCommand({ stateMachineArn: sm, maxResults: 3, nextToken: page1.nextToken }));
    expect([...page1.executions!, ...page2.executions!].map((e) => e.executionArn).sort()).toEqual([waiting, ...done].sort());
    const h1 = await c.send(new GetExecutionHistoryCommand({ executionArn: done[0], maxResults: 2, reverseOrder: true }));
    expect(h1.events!.map((e) => e.type)).toEqual(['ExecutionSucceeded', 'PassStateExited']);
    expect(h1.nextToken).toBeDefined();
    await expect(c.send(new GetExecutionHistoryCommand({ executionArn: `${sm.replace(':stateMachine:', ':execution:')}:nope` }))).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(c.send(new ListExecutionsCommand({ stateMachineArn: 'not-an-arn' }))).rejects.toMatchObject({ name: 'InvalidArn' });
  });
});
