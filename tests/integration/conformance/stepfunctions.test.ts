import { afterAll, beforeAll, describe as group, expect, it } from 'vitest';
import { CreateStateMachineCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { LocalStack } from '../../../local/runtime.ts';
import { startTestStack } from '../../support/local-stack.ts';
import { create, describe, history, machine, sfnClient, start, uniq, waitFor } from '../stepfunctions/sfn-helpers.ts';

/**
 * The local Step Functions engine against what AWS does, where the two used to differ
 * (issue #12). Each case cites the Step Functions documentation it follows.
 */
const DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg';
let stack: LocalStack;
let c: SFNClient;

beforeAll(async () => {
  stack = await startTestStack();
  c = sfnClient(stack.awsUrl);
}, 120_000);
afterAll(() => stack?.stop());

async function accepted(def: string): Promise<boolean> {
  try {
    await c.send(new CreateStateMachineCommand({ name: uniq(), definition: def, roleArn: 'arn:aws:iam::000000000000:role/test' }));
    return true;
  } catch (err) {
    if ((err as Error).name === 'InvalidDefinition') return false;
    throw err;
  }
}

async function run(def: string, input: unknown = {}) {
  const ex = await start(c, await create(c, def), input);
  const d = await waitFor(c, ex);
  return { ex, d, output: d.output === undefined ? undefined : JSON.parse(d.output) };
}

const proc = { StartAt: 'S', States: { S: { Type: 'Succeed' } } };

group(`definitions AWS accepts are accepted (${DOC}/transforming-data.html, ${DOC}/state-choice.html, ${DOC}/state-map.html)`, () => {
  for (const value of [null, 0, true, 'text', []]) {
    it(`Output ${JSON.stringify(value)} on Pass, Choice, Succeed, Task and Wait`, async () => {
      expect(await accepted(machine({ P: { Type: 'Pass', Output: value, End: true } }))).toBe(true);
      expect(await accepted(machine({ C: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'S', Output: value }], Default: 'S', Output: value }, S: { Type: 'Succeed', Output: value } }))).toBe(true);
      expect(await accepted(machine({ T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'f' }, Output: value, End: true } }))).toBe(true);
      expect(await accepted(machine({ W: { Type: 'Wait', Seconds: 1, Output: value, End: true } }))).toBe(true);
    });
  }
  it('a literal Condition: true', async () => {
    expect(await accepted(machine({ C: { Type: 'Choice', Choices: [{ Condition: true, Next: 'S' }], Default: 'S' }, S: { Type: 'Succeed' } }))).toBe(true);
  });
  it('Map with ToleratedFailurePercentage and ToleratedFailureCount', async () => {
    expect(await accepted(machine({ M: { Type: 'Map', Items: [1], ToleratedFailurePercentage: 50, ToleratedFailureCount: 1, ItemProcessor: proc, End: true } }))).toBe(true);
  });
});

group(`definitions AWS refuses are refused (${DOC}/state-choice.html, ${DOC}/state-map.html, ${DOC}/statemachine-structure.html)`, () => {
  it('a Condition that is a plain string, not JSONata', async () => {
    expect(await accepted(machine({ C: { Type: 'Choice', Choices: [{ Condition: 'yes', Next: 'S' }], Default: 'S' }, S: { Type: 'Succeed' } }))).toBe(false);
  });
  it('ToleratedFailurePercentage over 100, a negative or fractional ToleratedFailureCount', async () => {
    expect(await accepted(machine({ M: { Type: 'Map', Items: [1], ToleratedFailurePercentage: 101, ItemProcessor: proc, End: true } }))).toBe(false);
    expect(await accepted(machine({ M: { Type: 'Map', Items: [1], ToleratedFailureCount: -1, ItemProcessor: proc, End: true } }))).toBe(false);
    expect(await accepted(machine({ M: { Type: 'Map', Items: [1], ToleratedFailureCount: 1.5, ItemProcessor: proc, End: true } }))).toBe(false);
  });
  it('a Next that names no state, and JSONPath fields in a JSONata state', async () => {
    expect(await accepted(machine({ P: { Type: 'Pass', Next: 'Nowhere' } }))).toBe(false);
    expect(await accepted(machine({ P: { Type: 'Pass', ResultPath: '$.x', End: true } }))).toBe(false);
  });
});

group(`JSONata evaluation (${DOC}/transforming-data.html)`, () => {
  it('a non-object Output is the state output', async () => {
    for (const value of [null, 0, true, 'text', []]) expect((await run(machine({ P: { Type: 'Pass', Output: value, End: true } }))).output).toEqual(value);
  });
  it('Map Items: a JSON array whose elements are {% %} expressions is evaluated', async () => {
    const r = await run(machine({ M: { Type: 'Map', Items: ['{% 1 + 1 %}', '{% $states.input.x %}', 3], ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } }), { x: 'y' });
    expect(r.output).toEqual([2, 'y', 3]);
  });
  it('a singleton sequence is its one value: $range(1, 9, 9) is 1', async () => {
    expect((await run(machine({ P: { Type: 'Pass', Output: { r: '{% $range(1, 9, 9) %}', many: '{% $range(1, 9, 4) %}' }, End: true } }))).output).toEqual({ r: 1, many: [1, 5, 9] });
  });
  it('an expression returning a function fails the execution with States.QueryEvaluationError (StartExecution still answers)', async () => {
    const r = await run(machine({ P: { Type: 'Pass', Output: { result: '{% function($x) { $x } %}' }, End: true } }));
    expect(r.d.status).toBe('FAILED');
    expect(r.d.error).toBe('States.QueryEvaluationError');
    expect(r.d.cause).toMatch(/^An error occurred while executing the state 'P' \(entered at the event id #2\)\. The JSONata expression 'function\(\$x\) \{ \$x \}' specified for the field 'Output\/result'/);
    const failed = (await history(c, r.ex)).find((e) => e.type === 'EvaluationFailed');
    expect(failed?.evaluationFailedEventDetails).toMatchObject({ error: 'States.QueryEvaluationError', state: 'P', location: 'Output/result' });
  });
  it(`Map Items of the wrong type: AWS's cause wording (${DOC}/state-map-inline.html)`, async () => {
    const r = await run(machine({ M: { Type: 'Map', Items: '{% 1 %}', ItemProcessor: proc, End: true } }));
    expect(r.d.error).toBe('States.QueryEvaluationError');
    expect(r.d.cause).toBe(
      "An error occurred while executing the state 'M' (entered at the event id #2). The JSONata expression '1' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'number' for value: 1",
    );
  });
  it(`a Wait Timestamp without a zone offset fails; with one it waits (${DOC}/state-wait.html)`, async () => {
    // A literal one is refused when the machine is created, as by AWS; from JSONata it fails at run time.
    expect(await accepted(machine({ W: { Type: 'Wait', Timestamp: '2020-01-01T00:00:00', End: true } }))).toBe(false);
    const noZone = await run(machine({ W: { Type: 'Wait', Timestamp: '{% "2020-01-01T00:00:00" %}', End: true } }));
    expect(noZone.d.status).toBe('FAILED');
    expect(noZone.d.error).toBe('States.QueryEvaluationError');
    const zoned = await run(machine({ W: { Type: 'Wait', Timestamp: '{% "2020-01-01T08:00:00+08:00" %}', End: true } }));
    expect(zoned.d.status).toBe('SUCCEEDED');
  });
  it('a literal Condition: true takes its rule', async () => {
    expect((await run(machine({ C: { Type: 'Choice', Choices: [{ Condition: true, Next: 'Yes' }], Default: 'No' }, Yes: { Type: 'Pass', Output: 'yes', End: true }, No: { Type: 'Pass', Output: 'no', End: true } }))).output).toBe('yes');
  });
});

group(`Fail states (${DOC}/state-fail.html)`, () => {
  it('Error without Cause: the cause is absent', async () => {
    const r = await run(machine({ F: { Type: 'Fail', Error: 'Custom.Error' } }));
    expect(r.d.error).toBe('Custom.Error');
    expect(r.d).not.toHaveProperty('cause');
  });
  it('Cause without Error: the error is absent', async () => {
    const r = await run(machine({ F: { Type: 'Fail', Cause: 'why' } }));
    expect(r.d.cause).toBe('why');
    expect(r.d).not.toHaveProperty('error');
  });
});

group(`Map tolerated failures (${DOC}/maprun-fail-threshold.html)`, () => {
  const failing = { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input < 0 %}', Next: 'F' }], Default: 'OK' }, F: { Type: 'Fail', Error: 'Bad', Cause: 'negative' }, OK: { Type: 'Pass', End: true } } };
  it('failures within ToleratedFailureCount keep the Map going; past it, States.ExceedToleratedFailureThreshold', async () => {
    const within = await run(machine({ M: { Type: 'Map', ToleratedFailureCount: 1, ItemProcessor: failing, End: true } }), [1, -1, 2]);
    expect(within.d.status).toBe('SUCCEEDED');
    expect(within.output).toEqual([1, { Error: 'Bad', Cause: 'negative' }, 2]);
    const past = await run(machine({ M: { Type: 'Map', ToleratedFailurePercentage: 40, ItemProcessor: failing, End: true } }), [1, -1, -2]);
    expect(past.d.error).toBe('States.ExceedToleratedFailureThreshold');
  });
});

void describe;
