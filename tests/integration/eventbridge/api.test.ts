import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TestEventPatternCommand,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsJsonService } from '../../../local/aws-endpoint.ts';
import { registerTestFunction } from '../../../local/eventbridge/test-functions.ts';
import type { LocalStack } from '../../../local/runtime.ts';
import { startTestStack } from '../../support/local-stack.ts';
import { INVALID_PATTERNS, PATTERN_CASES } from '../../unit/eventbridge/pattern-cases.ts';
import { eventsClient, lambdaArn, localAction, waitFor } from './support.ts';

let stack: LocalStack;
let eb: EventBridgeClient;
const received: Record<string, unknown[]> = {};
const sfnCalls: Record<string, unknown>[] = [];
let flakyFailures = 0;

beforeAll(async () => {
  stack = await startTestStack();
  eb = eventsClient(stack.awsUrl);
  for (const name of ['api-recorder', 'api-transformed']) {
    received[name] = [];
    registerTestFunction(name, (e) => void received[name]!.push(e));
  }
  registerTestFunction('api-always-fails', () => {
    throw new Error('boom: the target is down');
  });
  received['api-flaky'] = [];
  registerTestFunction('api-flaky', (e) => {
    if (flakyFailures > 0) {
      flakyFailures--;
      throw new Error('flaky');
    }
    received['api-flaky']!.push(e);
  });
  // A tiny stand-in for the Step Functions engine, in this test only.
  const fakeSfn: AwsJsonService = {
    targetPrefix: 'AWSStepFunctions',
    contentType: 'application/x-amz-json-1.0',
    async handle(action, input) {
      if (action !== 'StartExecution') throw new Error(`unexpected ${action}`);
      sfnCalls.push(input);
      return { executionArn: `${String(input.stateMachineArn).replace(':stateMachine:', ':execution:')}:${String(input.name)}`, startDate: Date.now() / 1000 };
    },
  };
  stack.ctx.aws.register(fakeSfn);
});

afterAll(async () => {
  await stack?.stop();
});

const jiuzhuEvent = (detail: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  EventBusName: 'jiuzhu',
  Source: 'gov.medical-insurance',
  DetailType: 'MedicalExpenseSettled',
  Detail: JSON.stringify(detail),
  ...extra,
});

describe('TestEventPattern: the user guide examples through the API', () => {
  for (const c of PATTERN_CASES) {
    it(c.name, async () => {
      // Act
      const yes = await Promise.all(c.matches.map((e) => eb.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(c.pattern), Event: JSON.stringify(e) }))));
      const no = await Promise.all(c.doesNotMatch.map((e) => eb.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(c.pattern), Event: JSON.stringify(e) }))));
      // Assess
      expect(yes.map((r) => r.Result)).toEqual(c.matches.map(() => true));
      expect(no.map((r) => r.Result)).toEqual(c.doesNotMatch.map(() => false));
    });
  }

  for (const c of INVALID_PATTERNS) {
    it(`refuses ${c.name} with InvalidEventPatternException`, async () => {
      const err = await eb.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(c.pattern), Event: JSON.stringify(PATTERN_CASES[0]!.matches[0]) })).catch((e: unknown) => e);
      expect((err as Error).name).toBe('InvalidEventPatternException');
      expect((err as Error).message).toMatch(/^Event pattern is not valid\. Reason: /);
    });
  }

  it('refuses an event that lacks the required fields', async () => {
    const err = await eb.send(new TestEventPatternCommand({ EventPattern: '{"source":["a"]}', Event: JSON.stringify({ source: 'a' }) })).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ValidationException');
  });
});

describe('PutEvents validation as AWS does it', () => {
  it('refuses more than 10 entries', async () => {
    const entries = Array.from({ length: 11 }, (_, i) => jiuzhuEvent({ i }));
    const err = await eb.send(new PutEventsCommand({ Entries: entries })).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ValidationException');
  });

  it('refuses requests whose entries total more than 256 KB, accepts one just under', async () => {
    const big = 'x'.repeat(130 * 1024);
    const over = await eb.send(new PutEventsCommand({ Entries: [jiuzhuEvent({ big }), jiuzhuEvent({ big })] })).catch((e: unknown) => e);
    expect((over as Error).name).toBe('ValidationException');
    expect((over as Error).message).toMatch(/Total size of the entries/);
    const under = await eb.send(new PutEventsCommand({ Entries: [jiuzhuEvent({ big: 'x'.repeat(250 * 1024) })] }));
    expect(under.FailedEntryCount).toBe(0);
  });

  it('reports per-entry errors and FailedEntryCount, accepting the valid entries', async () => {
    const res = await eb.send(
      new PutEventsCommand({
        Entries: [
          jiuzhuEvent({ ok: true }),
          { EventBusName: 'jiuzhu', DetailType: 'X', Detail: '{}' },
          { EventBusName: 'jiuzhu', Source: 'gov.x', Detail: '{}' },
          { EventBusName: 'jiuzhu', Source: 'gov.x', DetailType: 'X' },
          { EventBusName: 'jiuzhu', Source: 'gov.x', DetailType: 'X', Detail: '{not json' },
          { EventBusName: 'jiuzhu', Source: 'gov.x', DetailType: 'X', Detail: '[1,2]' },
          { EventBusName: 'no-such-bus', Source: 'gov.x', DetailType: 'X', Detail: '{}' },
          { EventBusName: 'jiuzhu', Source: 'aws.ec2', DetailType: 'X', Detail: '{}' },
        ],
      }),
    );
    expect(res.FailedEntryCount).toBe(7);
    expect(res.Entries![0]!.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.Entries!.slice(1).map((e) => e.ErrorCode)).toEqual(['InvalidArgument', 'InvalidArgument', 'InvalidArgument', 'MalformedDetail', 'MalformedDetail', 'NotFoundException', 'NotAuthorizedForSourceException']);
    expect(res.Entries![1]!.ErrorMessage).toBe('Parameter Source is not valid. Reason: Source is a required argument.');
  });
});

describe('rules and targets', () => {
  it('PutRule, DescribeRule, ListRules, PutTargets, ListTargetsByRule, RemoveTargets, DeleteRule', async () => {
    // Prepare
    const put = await eb.send(new PutRuleCommand({ Name: 'lifecycle', EventBusName: 'jiuzhu', EventPattern: '{"source":["gov.civil-registry"]}', Description: 'deaths' }));
    // Assess
    expect(put.RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/jiuzhu/lifecycle');
    const described = await eb.send(new DescribeRuleCommand({ Name: 'lifecycle', EventBusName: 'jiuzhu' }));
    expect(described).toMatchObject({ Name: 'lifecycle', State: 'ENABLED', EventBusName: 'jiuzhu', EventPattern: '{"source":["gov.civil-registry"]}', Description: 'deaths' });
    const listed = await eb.send(new ListRulesCommand({ EventBusName: 'jiuzhu', NamePrefix: 'life' }));
    expect(listed.Rules!.map((r) => r.Name)).toEqual(['lifecycle']);
    const targets = await eb.send(
      new PutTargetsCommand({
        Rule: 'lifecycle',
        EventBusName: 'jiuzhu',
        Targets: [
          { Id: 't1', Arn: lambdaArn('api-recorder') },
          { Id: 'bad', Arn: 'arn:aws:sqs:us-east-1:000000000000:queue', Input: '{}' },
          { Id: 't2', Arn: lambdaArn('api-recorder'), Input: '{oops' },
        ],
      }),
    );
    expect(targets.FailedEntryCount).toBe(2);
    expect(targets.FailedEntries!.map((f) => f.TargetId)).toEqual(['bad', 't2']);
    const listedTargets = await eb.send(new ListTargetsByRuleCommand({ Rule: 'lifecycle', EventBusName: 'jiuzhu' }));
    expect(listedTargets.Targets!.map((t) => t.Id)).toEqual(['t1']);
    const refused = await eb.send(new DeleteRuleCommand({ Name: 'lifecycle', EventBusName: 'jiuzhu' })).catch((e: unknown) => e);
    expect((refused as Error).name).toBe('ValidationException');
    await eb.send(new RemoveTargetsCommand({ Rule: 'lifecycle', EventBusName: 'jiuzhu', Ids: ['t1'] }));
    await eb.send(new DeleteRuleCommand({ Name: 'lifecycle', EventBusName: 'jiuzhu' }));
    const gone = await eb.send(new DescribeRuleCommand({ Name: 'lifecycle', EventBusName: 'jiuzhu' })).catch((e: unknown) => e);
    expect((gone as Error).name).toBe('ResourceNotFoundException');
  });

  it('PutRule refuses invalid patterns, schedules off the default bus, and rules with neither', async () => {
    const badPattern = await eb.send(new PutRuleCommand({ Name: 'bad', EventBusName: 'jiuzhu', EventPattern: '{"source":"x"}' })).catch((e: unknown) => e);
    expect((badPattern as Error).name).toBe('InvalidEventPatternException');
    const schedOnCustom = await eb.send(new PutRuleCommand({ Name: 'bad', EventBusName: 'jiuzhu', ScheduleExpression: 'rate(1 day)' })).catch((e: unknown) => e);
    expect((schedOnCustom as Error).name).toBe('ValidationException');
    const neither = await eb.send(new PutRuleCommand({ Name: 'bad', EventBusName: 'jiuzhu' })).catch((e: unknown) => e);
    expect((neither as Error).name).toBe('ValidationException');
    const badCron = await eb.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: 'cron(0 10 * * * *)' })).catch((e: unknown) => e);
    expect((badCron as Error).name).toBe('ValidationException');
  });
});

describe('delivery to targets', () => {
  it('delivers matching events (only) to a Lambda with an InputTransformer and to Step Functions with InputPath', async () => {
    // Prepare
    await eb.send(new PutRuleCommand({ Name: 'big-expense', EventBusName: 'jiuzhu', EventPattern: JSON.stringify({ source: ['gov.medical-insurance'], detail: { outOfPocket: [{ numeric: ['>=', 10000] }] } }) }));
    await eb.send(
      new PutTargetsCommand({
        Rule: 'big-expense',
        EventBusName: 'jiuzhu',
        Targets: [
          { Id: 'lambda', Arn: lambdaArn('api-transformed'), InputTransformer: { InputPathsMap: { id: '$.detail.idNumber', amount: '$.detail.outOfPocket' }, InputTemplate: '{"person": <id>, "amount": <amount>, "rule": "<aws.events.rule-name>"}' } },
          { Id: 'workflow', Arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:jiuzhu-monitoring', InputPath: '$.detail' },
        ],
      }),
    );
    // Act
    const res = await eb.send(new PutEventsCommand({ Entries: [jiuzhuEvent({ idNumber: 'A1', outOfPocket: 25000, settledOn: '2026-03-01' }), jiuzhuEvent({ idNumber: 'B2', outOfPocket: 500 })] }));
    await waitFor(() => received['api-transformed']!.length >= 1 && sfnCalls.length >= 1, 10_000, 'deliveries');
    await localAction(stack.awsUrl, 'LocalWaitForDeliveries', { TimeoutMs: 5000 });
    // Assess
    expect(res.FailedEntryCount).toBe(0);
    expect(received['api-transformed']).toEqual([{ person: 'A1', amount: 25000, rule: 'big-expense' }]);
    expect(sfnCalls).toHaveLength(1);
    expect(sfnCalls[0]!.stateMachineArn).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:jiuzhu-monitoring');
    expect(JSON.parse(String(sfnCalls[0]!.input))).toEqual({ idNumber: 'A1', outOfPocket: 25000, settledOn: '2026-03-01' });
  });

  it('delivers the whole event, as EventBridge builds it, when no input is configured', async () => {
    await eb.send(new PutRuleCommand({ Name: 'deaths', EventBusName: 'jiuzhu', EventPattern: '{"detail-type":["PersonDeceased"]}' }));
    await eb.send(new PutTargetsCommand({ Rule: 'deaths', EventBusName: 'jiuzhu', Targets: [{ Id: 'r', Arn: lambdaArn('api-recorder') }] }));
    const res = await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'jiuzhu', Source: 'gov.civil-registry', DetailType: 'PersonDeceased', Detail: '{"idNumber":"C3","date":"2026-02-01"}', Resources: ['r1'], Time: new Date('2026-02-02T03:04:05Z') }] }));
    await waitFor(() => received['api-recorder']!.length >= 1, 10_000, 'delivery');
    expect(received['api-recorder']![0]).toEqual({
      version: '0',
      id: res.Entries![0]!.EventId,
      'detail-type': 'PersonDeceased',
      source: 'gov.civil-registry',
      account: '000000000000',
      time: '2026-02-02T03:04:05Z',
      region: 'us-east-1',
      resources: ['r1'],
      detail: { idNumber: 'C3', date: '2026-02-01' },
    });
  });

  it('retries a failing target with backoff, then succeeds', async () => {
    flakyFailures = 2;
    await eb.send(new PutRuleCommand({ Name: 'flaky', EventBusName: 'jiuzhu', EventPattern: '{"detail-type":["Flaky"]}' }));
    await eb.send(new PutTargetsCommand({ Rule: 'flaky', EventBusName: 'jiuzhu', Targets: [{ Id: 'f', Arn: lambdaArn('api-flaky'), RetryPolicy: { MaximumRetryAttempts: 3 } }] }));
    await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'jiuzhu', Source: 'gov.x', DetailType: 'Flaky', Detail: '{"n":1}' }] }));
    await waitFor(() => received['api-flaky']!.length === 1, 15_000, 'flaky delivery');
    expect(flakyFailures).toBe(0);
  });

  it('dead-letters a target that keeps failing; the dead letters can be listed and redriven', async () => {
    // Prepare
    await eb.send(new PutRuleCommand({ Name: 'doomed', EventBusName: 'jiuzhu', EventPattern: '{"detail-type":["Doomed"]}' }));
    await eb.send(new PutTargetsCommand({ Rule: 'doomed', EventBusName: 'jiuzhu', Targets: [{ Id: 'down', Arn: lambdaArn('api-always-fails'), RetryPolicy: { MaximumRetryAttempts: 2 } }] }));
    // Act
    const res = await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'jiuzhu', Source: 'gov.x', DetailType: 'Doomed', Detail: '{"n":7}' }] }));
    let dead: { DeadLetters: Record<string, unknown>[] } = { DeadLetters: [] };
    await waitFor(async () => {
      dead = await localAction(stack.awsUrl, 'LocalListDeadLetters');
      return dead.DeadLetters.some((d) => d.EventId === res.Entries![0]!.EventId);
    }, 15_000, 'dead letter');
    // Assess
    const dl = dead.DeadLetters.find((d) => d.EventId === res.Entries![0]!.EventId)!;
    expect(dl).toMatchObject({ TargetId: 'down', Attempts: 3, Source: 'arn:aws:events:us-east-1:000000000000:rule/jiuzhu/doomed' });
    expect(String(dl.LastError)).toMatch(/boom: the target is down/);

    // Redrive once the target works again.
    const healed: unknown[] = [];
    registerTestFunction('api-always-fails', (e) => void healed.push(e));
    const redriven = await localAction<{ Redriven: number }>(stack.awsUrl, 'LocalRedriveDeadLetters', { Ids: [dl.Id] });
    expect(redriven.Redriven).toBe(1);
    await waitFor(() => healed.length === 1, 10_000, 'redriven delivery');
    expect((healed[0] as { detail: unknown }).detail).toEqual({ n: 7 });
    const after = await localAction<{ DeadLetters: { Id: string }[] }>(stack.awsUrl, 'LocalListDeadLetters');
    expect(after.DeadLetters.map((d) => d.Id)).not.toContain(dl.Id);
  });
});
