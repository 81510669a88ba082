import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTestFunction } from '../../../local/eventbridge/test-functions.ts';
import type { LocalStack } from '../../../local/runtime.ts';
import { startTestStack } from '../../support/local-stack.ts';
import { sampleEvent } from '../../unit/eventbridge/pattern-cases.ts';
import { eventsClient, lambdaArn, waitFor } from './support.ts';

/**
 * The AWS CLI (Debian's `awscli` package, or any `aws` on PATH; JIUZHU_AWS_CLI picks one) against the local endpoint.
 * `.ci/run` must install it: `apt-get update && apt-get install -y awscli`.
 */
const run = promisify(execFile);
let stack: LocalStack;

async function aws(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.env.JIUZHU_AWS_CLI ?? 'aws', ['events', ...args, '--endpoint-url', stack.awsUrl, '--region', 'us-east-1', '--output', 'json'], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_PAGER: '' },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('the AWS CLI is not installed: apt-get update && apt-get install -y awscli');
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('aws events (AWS CLI) against the local endpoint', () => {
  it('test-event-pattern: a match, a miss and an invalid pattern', async () => {
    // Prepare
    const pattern = JSON.stringify({ source: ['aws.ec2'], detail: { state: [{ 'anything-but': 'initializing' }] } });
    // Act
    const yes = await aws('test-event-pattern', '--event-pattern', pattern, '--event', JSON.stringify(sampleEvent({ state: 'running' })));
    const no = await aws('test-event-pattern', '--event-pattern', pattern, '--event', JSON.stringify(sampleEvent({ state: 'initializing' })));
    const invalid = await aws('test-event-pattern', '--event-pattern', '{"source":"aws.ec2"}', '--event', JSON.stringify(sampleEvent()));
    // Assess
    expect(yes.code, yes.stderr).toBe(0);
    expect(JSON.parse(yes.stdout)).toEqual({ Result: true });
    expect(JSON.parse(no.stdout)).toEqual({ Result: false });
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toMatch(/InvalidEventPatternException/);
  });

  it('put-events reaches the target of a matching rule on the jiuzhu bus', async () => {
    // Prepare
    const got: unknown[] = [];
    registerTestFunction('cli-recorder', (e) => void got.push(e));
    const eb = eventsClient(stack.awsUrl);
    await eb.send(new PutRuleCommand({ Name: 'cli-granted', EventBusName: 'jiuzhu', EventPattern: '{"detail-type":["AssistanceGranted"]}' }));
    await eb.send(new PutTargetsCommand({ Rule: 'cli-granted', EventBusName: 'jiuzhu', Targets: [{ Id: 'r', Arn: lambdaArn('cli-recorder'), InputPath: '$.detail' }] }));
    const entries = [{ EventBusName: 'jiuzhu', Source: 'gov.civil-affairs', DetailType: 'AssistanceGranted', Detail: JSON.stringify({ idNumber: 'D4', type: 'dibao', amount: 820, date: '2026-03-01', department: 'civil-affairs' }) }];
    // Act
    const res = await aws('put-events', '--entries', JSON.stringify(entries));
    // Assess
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { FailedEntryCount: number; Entries: { EventId?: string }[] };
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries[0]!.EventId).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => got.length === 1, 10_000, 'delivery');
    expect(got[0]).toEqual({ idNumber: 'D4', type: 'dibao', amount: 820, date: '2026-03-01', department: 'civil-affairs' });
  });

  it('list-rules and describe-rule show the rule', async () => {
    const list = await aws('list-rules', '--event-bus-name', 'jiuzhu', '--name-prefix', 'cli-');
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { Rules: { Name: string }[] }).Rules.map((r) => r.Name)).toEqual(['cli-granted']);
    const desc = await aws('describe-rule', '--name', 'cli-granted', '--event-bus-name', 'jiuzhu');
    expect(JSON.parse(desc.stdout)).toMatchObject({ Name: 'cli-granted', State: 'ENABLED', Arn: 'arn:aws:events:us-east-1:000000000000:rule/jiuzhu/cli-granted' });
  });
});
