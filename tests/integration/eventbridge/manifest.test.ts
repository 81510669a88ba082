import { DescribeRuleCommand, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsJsonService } from '../../../local/aws-endpoint.ts';
import { applyManifest, eventBridgeOf } from '../../../local/eventbridge/plugin.ts';
import { functionArn, stateMachineArn } from '../../../local/names.ts';
import type { LocalStack } from '../../../local/runtime.ts';
import { startTestStack } from '../../support/local-stack.ts';
import { eventsClient, localAction, waitFor } from './support.ts';

/** The manifest declares no rules or schedules yet: these entries stand in for them. */
const testManifest = {
  busName: 'jiuzhu',
  rules: {
    ledgerOnGrant: {
      description: 'AssistanceGranted by any department → ledger entry',
      eventPattern: { source: [{ prefix: 'gov.' }], 'detail-type': ['AssistanceGranted'] },
      targets: [
        { function: 'regionsApi', inputPath: '$.detail' },
        { workflow: 'ledger', inputTransformer: { inputPathsMap: { id: '$.detail.idNumber', amount: '$.detail.amount' }, inputTemplate: '{"idNumber": <id>, "amount": <amount>, "via": "<aws.events.rule-name>"}' } },
      ],
    },
  },
  schedules: {
    monthlyLedger: { description: 'monthly ledger run', expression: 'cron(0 0 1 * ? *)', timezone: 'Asia/Shanghai', target: { workflow: 'ledger' }, input: { run: 'monthly' } },
  },
};

let stack: LocalStack;
const starts: Record<string, unknown>[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  const fakeSfn: AwsJsonService = {
    targetPrefix: 'AWSStepFunctions',
    contentType: 'application/x-amz-json-1.0',
    async handle(_action, input) {
      starts.push({ ...input, clockAt: stack.clock.now() });
      return { executionArn: 'arn:aws:states:us-east-1:000000000000:execution:x:y', startDate: 0 };
    },
  };
  stack.ctx.aws.register(fakeSfn);
  applyManifest(eventBridgeOf(stack.ctx), testManifest);
});

afterAll(async () => {
  await stack?.stop();
});

describe("the manifest's rules and schedules", () => {
  it('exist as rules on the bus, with targets mapped to the functions and workflows', async () => {
    const eb = eventsClient(stack.awsUrl);
    const rule = await eb.send(new DescribeRuleCommand({ Name: 'jiuzhu-ledgerOnGrant', EventBusName: 'jiuzhu' }));
    expect(rule).toMatchObject({ ManagedBy: 'manifest', State: 'ENABLED', Description: testManifest.rules.ledgerOnGrant.description });
    expect(JSON.parse(rule.EventPattern!)).toEqual(testManifest.rules.ledgerOnGrant.eventPattern);
    const targets = await eb.send(new ListTargetsByRuleCommand({ Rule: 'jiuzhu-ledgerOnGrant', EventBusName: 'jiuzhu' }));
    expect(targets.Targets!.map((t) => [t.Arn, t.InputPath ?? t.InputTransformer?.InputTemplate])).toEqual([
      [functionArn('regionsApi'), '$.detail'],
      [stateMachineArn('ledger'), testManifest.rules.ledgerOnGrant.targets[1]!.inputTransformer!.inputTemplate],
    ]);
  });

  it('route a matching event to the workflow with the transformed input', async () => {
    const eb = eventsClient(stack.awsUrl);
    await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'jiuzhu', Source: 'gov.civil-affairs', DetailType: 'AssistanceGranted', Detail: JSON.stringify({ idNumber: 'E5', type: 'dibao', amount: 600, date: '2026-03-01', department: 'civil-affairs' }) }] }));
    await waitFor(() => starts.length >= 1, 10_000, 'StartExecution');
    await localAction(stack.awsUrl, 'LocalWaitForDeliveries', { TimeoutMs: 5000 });
    expect(starts[0]!.stateMachineArn).toBe(stateMachineArn('ledger'));
    expect(JSON.parse(String(starts[0]!.input))).toEqual({ idNumber: 'E5', amount: 600, via: 'jiuzhu-ledgerOnGrant' });
  });

  it('run the monthly schedule at local midnight on the 1st in Asia/Shanghai, with its constant input', async () => {
    starts.length = 0;
    await stack.clock.advance(32 * 86_400_000);
    const monthly = starts.filter((s) => s.stateMachineArn === stateMachineArn('ledger'));
    expect(monthly.length).toBeGreaterThanOrEqual(1);
    expect(monthly.length).toBeLessThanOrEqual(2);
    for (const s of monthly) {
      expect(JSON.parse(String(s.input))).toEqual({ run: 'monthly' });
      // 00:00 on the 1st in Shanghai = 16:00 UTC on the last day of the month before.
      const at = new Date(Number(s.clockAt));
      expect(at.getUTCHours()).toBe(16);
      expect(new Date(at.getTime() + 8 * 3_600_000).getUTCDate()).toBe(1);
    }
  });
});
