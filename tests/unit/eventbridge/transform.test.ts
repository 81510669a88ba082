import { describe, expect, it } from 'vitest';
import { evalPath, targetInput, validateTargetInput } from '../../../local/eventbridge/transform.ts';

// The sample event of the user guide's "Amazon EventBridge input transformation" page.
const event = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' },
};
const ctx = { ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/jiuzhu/r1', ruleName: 'r1', ingestionTime: '2026-01-01T00:00:00.000Z' };
const paths = { instance: '$.detail.instance-id', state: '$.detail.state' };

describe('input transformation (EventBridge user guide examples)', () => {
  it('no Input/InputPath/InputTransformer: the target receives the whole event', () => {
    expect(JSON.parse(targetInput({}, event, ctx))).toEqual(event);
  });

  it('InputPath "$.detail" passes only the detail', () => {
    expect(JSON.parse(targetInput({ InputPath: '$.detail' }, event, ctx))).toEqual(event.detail);
  });

  it('constant Input is passed as is', () => {
    expect(targetInput({ Input: '{"run":"daily"}' }, event, ctx)).toBe('{"run":"daily"}');
  });

  it('string template: "<instance> is in state <state>"', () => {
    const out = targetInput({ InputTransformer: { InputPathsMap: paths, InputTemplate: '"<instance> is in state <state>"' } }, event, ctx);
    expect(JSON.parse(out)).toBe('i-0123456789 is in state RUNNING');
  });

  it('JSON template with unquoted variables inserts JSON values: {"instance": <instance>, "state": [9, <state>, true]}', () => {
    const out = targetInput({ InputTransformer: { InputPathsMap: paths, InputTemplate: '{"instance": <instance>, "state": [9, <state>, true], "Transformed": "Yes"}' } }, event, ctx);
    expect(JSON.parse(out)).toEqual({ instance: 'i-0123456789', state: [9, 'RUNNING', true], Transformed: 'Yes' });
  });

  it('JSON template with quoted variables escapes the value into the string', () => {
    const quoted = { ...event, detail: { ...event.detail, state: 'say "hi"\n' } };
    const out = targetInput({ InputTransformer: { InputPathsMap: paths, InputTemplate: '{"instance": "<instance>", "state": "<state>!"}' } }, quoted, ctx);
    expect(JSON.parse(out)).toEqual({ instance: 'i-0123456789', state: 'say "hi"\n!' });
  });

  it('predefined variables: rule ARN and name, ingestion time, aws.events.event(.json)', () => {
    const out = targetInput(
      { InputTransformer: { InputTemplate: '{"rule": "<aws.events.rule-arn>", "name": <aws.events.rule-name>, "at": "<aws.events.event.ingestion-time>", "meta": <aws.events.event>, "all": <aws.events.event.json>}' } },
      event,
      ctx,
    );
    const { detail: _d, ...meta } = event;
    expect(JSON.parse(out)).toEqual({ rule: ctx.ruleArn, name: 'r1', at: ctx.ingestionTime, meta, all: event });
  });

  it('a path the event lacks gives null (unquoted) or an empty string (quoted)', () => {
    const out = targetInput({ InputTransformer: { InputPathsMap: { x: '$.detail.missing' }, InputTemplate: '{"a": <x>, "b": "<x>"}' } }, event, ctx);
    expect(JSON.parse(out)).toEqual({ a: null, b: '' });
  });

  it('JSONPath: indices, quoted names and wildcards', () => {
    expect(evalPath(event, '$.resources[0]')).toBe(event.resources[0]);
    expect(evalPath(event, "$.detail['instance-id']")).toBe('i-0123456789');
    expect(evalPath(event, '$.detail.*')).toEqual(['i-0123456789', 'RUNNING']);
  });

  it('validation: one of Input, InputPath, InputTransformer; valid JSON; valid paths; reserved names', () => {
    expect(validateTargetInput({ Input: '{}', InputPath: '$.detail' })).toMatch(/Only one of/);
    expect(validateTargetInput({ Input: '{oops' })).toMatch(/not a valid JSON/);
    expect(validateTargetInput({ InputPath: 'detail' })).toMatch(/not a valid JSON path/);
    expect(validateTargetInput({ InputTransformer: { InputPathsMap: { 'aws.events.rule-arn': '$.id' }, InputTemplate: '{}' } })).toMatch(/reserved/);
    expect(validateTargetInput({ InputTransformer: { InputPathsMap: paths, InputTemplate: '"<instance>"' } })).toBeUndefined();
  });
});
