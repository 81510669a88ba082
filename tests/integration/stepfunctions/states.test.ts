import { afterAll, beforeAll, describe as group, expect, it } from 'vitest';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { LocalStack } from '../../../local/runtime.ts';
import { registerLocalFunction } from '../../../local/stepfunctions/integrations.ts';
import { startTestStack } from '../../support/local-stack.ts';
import { assertWellFormed, create, describe, history, machine, sfnClient, start, types, uniq, waitFor, waitForEvent } from './sfn-helpers.ts';

/**
 * Conformance of the local engine's states, JSONata data flow, variables, Map, Parallel, errors,
 * Retry timing and Catch, each case citing the Step Functions documentation it checks
 * (https://docs.aws.amazon.com/step-functions/latest/dg/...).
 */
let stack: LocalStack;
let c: SFNClient;
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

beforeAll(async () => {
  stack = await startTestStack();
  c = sfnClient(stack.awsUrl);
});
afterAll(() => stack?.stop());

async function runToEnd(def: string, input: unknown = {}) {
  const sm = await create(c, def);
  const ex = await start(c, sm, input);
  const d = await waitFor(c, ex);
  const h = await history(c, ex);
  assertWellFormed(h);
  return { ex, d, h, output: d.output === undefined ? undefined : JSON.parse(d.output) };
}

group('Pass, Succeed, Fail (state-pass.html, state-succeed.html, state-fail.html)', () => {
  it('Pass passes its input through when it has no Output', async () => {
    const r = await runToEnd(machine({ P: { Type: 'Pass', End: true } }), { a: 1 });
    expect(r.d.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ a: 1 });
    expect(types(r.h)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  });

  it('Output is a JSONata template: "{% %}" strings are evaluated at any depth (transforming-data.html)', async () => {
    const r = await runToEnd(machine({ P: { Type: 'Pass', Output: { sum: '{% $sum($states.input.xs) %}', lit: 'plain', nested: ['{% $uppercase($states.input.s) %}'] }, End: true } }), { xs: [1, 2, 3], s: 'ab' });
    expect(r.output).toEqual({ sum: 6, lit: 'plain', nested: ['AB'] });
  });

  it('Succeed ends the execution with its Output', async () => {
    const r = await runToEnd(machine({ S: { Type: 'Succeed', Output: '{% {"done": $states.input.n * 2} %}' } }), { n: 21 });
    expect(r.output).toEqual({ done: 42 });
    expect(types(r.h)).toContain('SucceedStateExited');
  });

  it('Fail fails the execution with its Error and Cause, which may be JSONata', async () => {
    const r = await runToEnd(machine({ F: { Type: 'Fail', Error: '{% "Custom." & $states.input.kind %}', Cause: 'because' } }), { kind: 'Bad' });
    expect(r.d.status).toBe('FAILED');
    expect(r.d.error).toBe('Custom.Bad');
    expect(r.d.cause).toBe('because');
    expect(types(r.h)).toEqual(['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed']);
  });
});

group('variables and $states (workflow-variables.html)', () => {
  it('Assign sets variables visible to later states, but not to the same state’s Output', async () => {
    const r = await runToEnd(
      machine({
        A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
        B: { Type: 'Pass', Assign: { x: '{% $x + 10 %}' }, Output: { seen: '{% $x %}' }, Next: 'C' },
        C: { Type: 'Pass', Output: { prev: '{% $states.input.seen %}', now: '{% $x %}' }, End: true },
      }),
    );
    expect(r.output).toEqual({ prev: 1, now: 11 });
    const exitB = r.h.filter((e) => e.type === 'PassStateExited')[1]!;
    expect(exitB.stateExitedEventDetails!.assignedVariables).toEqual({ x: '11' });
  });

  it('$states.context carries Execution, State and StateMachine (input-output-contextobject.html)', async () => {
    const r = await runToEnd(
      machine({ P: { Type: 'Pass', Output: { name: '{% $states.context.Execution.Name %}', input: '{% $states.context.Execution.Input %}', state: '{% $states.context.State.Name %}', sm: '{% $states.context.StateMachine.Id %}' }, End: true } }),
      { k: 'v' },
    );
    expect(r.output.name).toBe(r.ex.split(':').pop());
    expect(r.output.input).toEqual({ k: 'v' });
    expect(r.output.state).toBe('P');
    expect(r.output.sm).toBe(r.d.stateMachineArn);
  });

  it('an expression that returns nothing fails with States.QueryEvaluationError (transforming-data.html)', async () => {
    const r = await runToEnd(machine({ P: { Type: 'Pass', Output: '{% $states.input.missing %}', End: true } }));
    expect(r.d.status).toBe('FAILED');
    expect(r.d.error).toBe('States.QueryEvaluationError');
  });

  it('variables assigned inside a Map iteration stay in that iteration; outer ones are readable', async () => {
    const r = await runToEnd(
      machine({
        A: { Type: 'Pass', Assign: { outer: 100 }, Next: 'M' },
        M: {
          Type: 'Map',
          Items: '{% [1, 2] %}',
          ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', Assign: { inner: '{% $states.input %}' }, Next: 'J' }, J: { Type: 'Pass', Output: '{% $outer + $inner %}', End: true } } },
          Next: 'B',
        },
        B: { Type: 'Pass', Output: { results: '{% $states.input %}', innerVisible: '{% $exists($inner) %}' }, End: true },
      }),
    );
    expect(r.output).toEqual({ results: [101, 102], innerVisible: false });
  });
});

group('Choice (state-choice.html)', () => {
  const def = machine({
    C: {
      Type: 'Choice',
      Choices: [
        { Condition: '{% $states.input.n > 10 %}', Next: 'Big', Output: { size: 'big' } },
        { Condition: '{% $states.input.n > 5 %}', Next: 'Mid', Assign: { m: true } },
      ],
      Default: 'Small',
    },
    Big: { Type: 'Succeed' },
    Mid: { Type: 'Pass', Output: { size: 'mid', m: '{% $m %}' }, End: true },
    Small: { Type: 'Pass', Output: { size: 'small' }, End: true },
  });
  it.each([
    [20, { size: 'big' }],
    [7, { size: 'mid', m: true }],
    [1, { size: 'small' }],
  ])('n=%s takes the first rule whose Condition is true, else Default', async (n, expected) => {
    const r = await runToEnd(def, { n });
    expect(r.output).toEqual(expected);
  });

  it('no matching rule and no Default fails with States.NoChoiceMatched', async () => {
    const r = await runToEnd(machine({ C: { Type: 'Choice', Choices: [{ Condition: '{% false %}', Next: 'X' }] }, X: { Type: 'Succeed' } }));
    expect(r.d.error).toBe('States.NoChoiceMatched');
  });

  it('a Condition that is not boolean is a States.QueryEvaluationError', async () => {
    const r = await runToEnd(machine({ C: { Type: 'Choice', Choices: [{ Condition: '{% "yes" %}', Next: 'X' }] }, X: { Type: 'Succeed' } }));
    expect(r.d.error).toBe('States.QueryEvaluationError');
  });
});

group('Wait on the local clock (state-wait.html)', () => {
  it('Seconds (JSONata) keeps the execution RUNNING until the clock reaches it', async () => {
    const sm = await create(c, machine({ W: { Type: 'Wait', Seconds: '{% $states.input.s %}', Next: 'D' }, D: { Type: 'Succeed' } }));
    const ex = await start(c, sm, { s: 3600 });
    await stack.clock.advance(3_000_000);
    expect((await describe(c, ex)).status).toBe('RUNNING');
    await stack.clock.advance(700_000);
    const d = await waitFor(c, ex);
    expect(d.status).toBe('SUCCEEDED');
    const h = await history(c, ex);
    const entered = h.find((e) => e.type === 'WaitStateEntered')!.timestamp!.getTime();
    const exited = h.find((e) => e.type === 'WaitStateExited')!.timestamp!.getTime();
    expect(exited - entered).toBeGreaterThanOrEqual(3_600_000);
    expect(exited - entered).toBeLessThan(3_601_000);
  });

  it('Timestamp (JSONata) waits until that instant; a past instant does not wait', async () => {
    const sm = await create(c, machine({ W: { Type: 'Wait', Timestamp: '{% $states.input.at %}', End: true } }));
    const future = new Date(stack.clock.now() + 7 * 86_400_000).toISOString();
    const ex = await start(c, sm, { at: future });
    const past = await start(c, sm, { at: '2001-01-01T00:00:00Z' });
    expect((await waitFor(c, past)).status).toBe('SUCCEEDED');
    await stack.clock.advance(6 * 86_400_000);
    expect((await describe(c, ex)).status).toBe('RUNNING');
    await stack.clock.advance(86_400_000 + 1000);
    expect((await waitFor(c, ex)).status).toBe('SUCCEEDED');
  });

  it('an invalid Timestamp fails with States.QueryEvaluationError', async () => {
    const r = await runToEnd(machine({ W: { Type: 'Wait', Timestamp: '{% "not a date" %}', End: true } }));
    expect(r.d.error).toBe('States.QueryEvaluationError');
  });
});

group('Parallel (state-parallel.html)', () => {
  it('runs every branch on the same input and outputs their results in branch order', async () => {
    const r = await runToEnd(
      machine({
        P: {
          Type: 'Parallel',
          Arguments: { base: '{% $states.input.n %}' },
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% $states.input.base + 1 %}', End: true } } },
            { StartAt: 'B', States: { B: { Type: 'Wait', Seconds: 0, Next: 'B2' }, B2: { Type: 'Pass', Output: '{% $states.input.base * 10 %}', End: true } } },
          ],
          Output: { results: '{% $states.result %}' },
          End: true,
        },
      }),
      { n: 4 },
    );
    expect(r.output).toEqual({ results: [5, 40] });
    expect(types(r.h)).toEqual(expect.arrayContaining(['ParallelStateEntered', 'ParallelStateStarted', 'ParallelStateSucceeded', 'ParallelStateExited']));
  });

  it('a failing branch fails the Parallel state with the branch’s error, which Catch can handle', async () => {
    const r = await runToEnd(
      machine({
        P: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Wait', Seconds: 100000, End: true } } },
            { StartAt: 'B', States: { B: { Type: 'Fail', Error: 'Branch.Broke', Cause: 'b' } } },
          ],
          Catch: [{ ErrorEquals: ['Branch.Broke'], Next: 'H', Output: '{% $states.errorOutput %}' }],
          End: true,
        },
        H: { Type: 'Pass', End: true },
      }),
    );
    expect(r.d.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ Error: 'Branch.Broke', Cause: 'b' });
    expect(types(r.h)).toContain('ParallelStateFailed');
  });
});

group('Map, inline (state-map-inline.html)', () => {
  it('ItemSelector sees $states.context.Map.Item.Index and .Value; results keep item order', async () => {
    const r = await runToEnd(
      machine({
        M: {
          Type: 'Map',
          Items: '{% $states.input.xs %}',
          ItemSelector: { i: '{% $states.context.Map.Item.Index %}', v: '{% $states.context.Map.Item.Value %}', k: '{% $states.input.k %}' },
          ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'I', States: { I: { Type: 'Pass', Output: '{% $states.input.k & $string($states.input.i) & $states.input.v %}', End: true } } },
          End: true,
        },
      }),
      { xs: ['a', 'b', 'c'], k: '#' },
    );
    expect(r.output).toEqual(['#0a', '#1b', '#2c']);
    expect(r.h.filter((e) => e.type === 'MapIterationStarted').map((e) => e.mapIterationStartedEventDetails!.index)).toEqual([0, 1, 2]);
    expect(r.h.find((e) => e.type === 'MapStateStarted')!.mapStateStartedEventDetails!.length).toBe(3);
  });

  it('MaxConcurrency bounds the iterations running at once', async () => {
    const sm = await create(c, machine({ M: { Type: 'Map', MaxConcurrency: 2, ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } }, End: true } }));
    const ex = await start(c, sm, [1, 2, 3, 4, 5]);
    const started = async () => (await history(c, ex)).filter((e) => e.type === 'MapIterationStarted').length;
    expect(await started()).toBe(2);
    await stack.clock.advance(61_000);
    expect(await started()).toBe(4);
    await stack.clock.advance(61_000);
    await stack.clock.advance(61_000);
    const d = await waitFor(c, ex);
    expect(JSON.parse(d.output!)).toEqual([1, 2, 3, 4, 5]);
  });

  it('an empty array succeeds at once with []', async () => {
    const r = await runToEnd(machine({ M: { Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, End: true } }), []);
    expect(r.output).toEqual([]);
  });

  it('Items that are not an array fail with States.QueryEvaluationError', async () => {
    const r = await runToEnd(machine({ M: { Type: 'Map', Items: '{% "x" %}', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, End: true } }));
    expect(r.d.error).toBe('States.QueryEvaluationError');
  });

  it('a failed iteration fails the Map (MapIterationFailed, MapStateFailed) and Catch receives the error', async () => {
    const r = await runToEnd(
      machine({
        M: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input = 2 %}', Next: 'F' }], Default: 'OK' }, F: { Type: 'Fail', Error: 'Item.Bad' }, OK: { Type: 'Pass', End: true } } },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H', Assign: { caught: '{% $states.errorOutput.Error %}' } }],
          End: true,
        },
        H: { Type: 'Pass', Output: '{% $caught %}', End: true },
      }),
      [1, 2, 3],
    );
    expect(r.output).toBe('Item.Bad');
    expect(types(r.h)).toEqual(expect.arrayContaining(['MapIterationFailed', 'MapStateFailed']));
  });
});

group('Retry and Catch on Task (concepts-error-handling.html)', () => {
  const calls: Record<string, number[]> = {};
  beforeAll(() => {
    // Fails with Flaky.Error until it has been called `okAfter` times.
    registerLocalFunction('test-flaky', (event) => {
      const e = event as { key: string; okAfter: number; errorName?: string };
      const list = (calls[e.key] ??= []);
      list.push(stack.clock.now());
      if (list.length < e.okAfter) {
        const err = new Error(`attempt ${list.length} failed`);
        err.name = e.errorName ?? 'Flaky.Error';
        throw err;
      }
      return { attempts: list.length };
    });
  });

  const task = (retry: unknown[], extra: Record<string, unknown> = {}) =>
    machine({
      T: { Type: 'Task', Resource: fnArn('test-flaky'), Arguments: '{% $states.input %}', Retry: retry, End: true, ...extra },
      ...(extra.Catch ? { H: { Type: 'Pass', End: true } } : {}),
    });

  it('waits IntervalSeconds × BackoffRate^n between attempts, on the clock', async () => {
    const key = uniq('k');
    const sm = await create(c, task([{ ErrorEquals: ['Flaky.Error'], IntervalSeconds: 10, BackoffRate: 3, MaxAttempts: 3 }]));
    const ex = await start(c, sm, { key, okAfter: 3 });
    await waitForEvent(c, ex, 'LambdaFunctionFailed');
    await stack.clock.advance(9_000);
    expect(calls[key]).toHaveLength(1);
    await stack.clock.advance(2_000);
    expect(calls[key]).toHaveLength(2);
    await stack.clock.advance(28_000);
    expect(calls[key]).toHaveLength(2);
    await stack.clock.advance(2_000);
    const d = await waitFor(c, ex);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ attempts: 3 });
    const [a, b, c3] = calls[key]!;
    expect(b! - a!).toBeGreaterThanOrEqual(10_000);
    expect(b! - a!).toBeLessThan(10_500);
    expect(c3! - b!).toBeGreaterThanOrEqual(30_000);
    expect(c3! - b!).toBeLessThan(30_500);
  });

  it('MaxDelaySeconds caps the backoff and JitterStrategy FULL never waits longer', async () => {
    const key = uniq('k');
    const sm = await create(c, task([{ ErrorEquals: ['States.ALL'], IntervalSeconds: 4, BackoffRate: 10, MaxDelaySeconds: 6, MaxAttempts: 5, JitterStrategy: 'FULL' }]));
    const ex = await start(c, sm, { key, okAfter: 4 });
    await waitForEvent(c, ex, 'LambdaFunctionFailed');
    for (let i = 0; i < 4; i++) await stack.clock.advance(6_100);
    const d = await waitFor(c, ex);
    expect(d.status).toBe('SUCCEEDED');
    const ts = calls[key]!;
    for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!).toBeLessThanOrEqual(6_600);
  });

  it('MaxAttempts 0 never retries; an exhausted retrier falls through to Catch', async () => {
    const key = uniq('k');
    const sm = await create(c, task([{ ErrorEquals: ['Flaky.Error'], MaxAttempts: 0 }, { ErrorEquals: ['States.ALL'], MaxAttempts: 5 }], { Catch: [{ ErrorEquals: ['Flaky.Error'], Next: 'H' }] }));
    const ex = await start(c, sm, { key, okAfter: 99 });
    const d = await waitFor(c, ex);
    expect(calls[key]).toHaveLength(1);
    expect(d.status).toBe('SUCCEEDED');
    const out = JSON.parse(d.output!);
    expect(out.Error).toBe('Flaky.Error');
    expect(JSON.parse(out.Cause).errorMessage).toBe('attempt 1 failed');
  });

  it('with no matching retrier or catcher the execution fails with the task’s error', async () => {
    const key = uniq('k');
    const sm = await create(c, task([{ ErrorEquals: ['Other.Error'] }], { Catch: [{ ErrorEquals: ['Other.Error'], Next: 'H' }] }));
    const ex = await start(c, sm, { key, okAfter: 99 });
    const d = await waitFor(c, ex);
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('Flaky.Error');
    expect(types(await history(c, ex))).toEqual(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed', 'ExecutionFailed']);
  });

  it('States.TaskFailed matches any error except States.Timeout', async () => {
    const sm = await create(
      c,
      machine({
        T: { Type: 'Task', Resource: fnArn('test-flaky'), Arguments: { key: '{% $states.input.key %}', okAfter: 99 }, TimeoutSeconds: 5, Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'H' }], End: true },
        H: { Type: 'Pass', End: true },
      }),
    );
    const d = await waitFor(c, await start(c, sm, { key: uniq('k') }));
    expect(d.status).toBe('SUCCEEDED');
  });

  it('States.ALL does not catch States.Runtime (concepts-error-handling.html#states-runtime-error)', async () => {
    const sm = await create(
      c,
      machine({
        T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: '{% 42 %}', Payload: {} }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H' }], End: true },
        H: { Type: 'Pass', End: true },
      }),
    );
    const d = await waitFor(c, await start(c, sm));
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('States.Runtime');
  });

  it('Catch Output and Assign see $states.errorOutput; the state exits to the catcher’s Next', async () => {
    const key = uniq('k');
    const sm = await create(c, task([], { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H', Output: { err: '{% $states.errorOutput.Error %}', input: '{% $states.input.key %}' }, Assign: { failed: true } }] }));
    const d = await waitFor(c, await start(c, sm, { key, okAfter: 99 }));
    expect(JSON.parse(d.output!)).toEqual({ err: 'Flaky.Error', input: key });
  });
});

group('execution TimeoutSeconds (sfn-stuck-execution.html)', () => {
  it('an execution running past the definition’s TimeoutSeconds ends TIMED_OUT', async () => {
    const sm = await create(c, machine({ W: { Type: 'Wait', Seconds: 1000, End: true } }, { TimeoutSeconds: 100 }));
    const ex = await start(c, sm);
    await stack.clock.advance(101_000);
    const d = await waitFor(c, ex);
    expect(d.status).toBe('TIMED_OUT');
    expect(d.error).toBe('States.Timeout');
    expect(types(await history(c, ex)).pop()).toBe('ExecutionTimedOut');
  });
});
