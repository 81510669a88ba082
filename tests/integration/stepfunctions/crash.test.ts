import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, expect, it } from 'vitest';
import { ApiClient, spawnRuntime, tempDataDir, type ChildRuntime } from '../../support/local-stack.ts';
import { assertWellFormed, create, describe, history, machine, sfnClient, start, types, waitFor, waitForEvent } from './sfn-helpers.ts';

/**
 * Durability: a child runtime (`npm start`'s entry point) is SIGKILLed while executions wait on a
 * task token, sit inside a Wait, are in the middle of a Map and have a task in flight; after a
 * restart on the same data directory every execution finishes with a correct history.
 */
const fixture = resolve(import.meta.dirname, 'fixtures/crash-functions.ts');
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
let rt: ChildRuntime | undefined;
afterAll(() => rt?.kill('SIGKILL'));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('SIGKILL mid-token, mid-Wait, mid-Map and mid-task: all executions resume and finish correctly', { timeout: 180_000 }, async () => {
  // Prepare
  const dataDir = tempDataDir('jiuzhu-sfn-crash-');
  // crash-slow never returns before the crash: a clock jump waits (bounded) for busy tasks, so
  // keep that bound short here rather than the interactive default of 300 s.
  const env = { JIUZHU_TEST_FUNCTIONS: fixture, JIUZHU_CLOCK_SETTLE_MS: '1000' };
  rt = await spawnRuntime(dataDir, env);
  let c: SFNClient = sfnClient(rt.awsUrl);
  const tokenSm = await create(
    c,
    machine({
      Before: { Type: 'Pass', Assign: { applicant: '{% $states.input.who %}' }, Next: 'Review' },
      Review: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Arguments: { FunctionName: fnArn('crash-token-sink'), Payload: { dir: dataDir, key: 'review', token: '{% $states.context.Task.Token %}' } },
        TimeoutSeconds: 86_400,
        Next: 'After',
      },
      After: { Type: 'Pass', Output: { applicant: '{% $applicant %}', decision: '{% $states.input.decision %}' }, End: true },
    }),
    'crash-token',
  );
  const waitSm = await create(c, machine({ A: { Type: 'Pass', Next: 'Notice' }, Notice: { Type: 'Wait', Seconds: 7 * 86_400, Next: 'B' }, B: { Type: 'Pass', Output: '{% "published" %}', End: true } }), 'crash-wait');
  const mapSm = await create(
    c,
    machine({
      M: {
        Type: 'Map',
        MaxConcurrency: 2,
        ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 600, Next: 'Double' }, Double: { Type: 'Pass', Output: '{% $states.input * 2 %}', End: true } } },
        End: true,
      },
    }),
    'crash-map',
  );
  const taskSm = await create(c, machine({ T: { Type: 'Task', Resource: fnArn('crash-slow'), Arguments: { dir: dataDir, key: 'slow' }, End: true } }), 'crash-task');

  const exToken = await start(c, tokenSm, { who: '张三' }, 'token-1');
  const exWait = await start(c, waitSm, {}, 'wait-1');
  const exMap = await start(c, mapSm, [1, 2, 3, 4, 5], 'map-1');
  const exTask = await start(c, taskSm, {}, 'task-1');
  await waitForEvent(c, exToken, 'TaskSubmitted');
  await waitForEvent(c, exWait, 'WaitStateEntered');
  await until('the slow task to be called', () => existsSync(join(dataDir, 'slow.calls')));
  // Finish the Map's first two iterations so the crash lands in its middle.
  const api1 = new ApiClient(rt.httpUrl);
  await api1.request('POST', '/_local/clock', { body: { advanceSeconds: 601 } });
  await until('iterations 3 and 4 to start', async () => (await history(c, exMap)).filter((e) => e.type === 'MapIterationStarted').length === 4);
  const token = readFileSync(join(dataDir, 'review.token'), 'utf8');
  const beforeCrash = await history(c, exMap);

  // Act: crash, then start again on the same data.
  await rt.kill('SIGKILL');
  rt = await spawnRuntime(dataDir, env);
  c = sfnClient(rt.awsUrl);
  const api2 = new ApiClient(rt.httpUrl);

  // Assess: everything is where it was.
  for (const ex of [exToken, exWait, exMap, exTask]) expect((await describe(c, ex)).status, ex).not.toBe('FAILED');
  expect(types(await history(c, exMap))).toEqual(types(beforeCrash));

  // The in-flight task ran again (at-least-once) and completed.
  const task = await waitFor(c, exTask, 20_000);
  expect(task.status).toBe('SUCCEEDED');
  expect(JSON.parse(task.output!)).toEqual({ calls: 2 });

  // The token issued before the crash is still valid.
  await c.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ decision: 'approved' }) }));
  const tok = await waitFor(c, exToken);
  expect(tok.status).toBe('SUCCEEDED');
  expect(JSON.parse(tok.output!)).toEqual({ applicant: '张三', decision: 'approved' });

  // Waits fire when due on the (persisted) clock.
  expect((await describe(c, exWait)).status).toBe('RUNNING');
  await api2.request('POST', '/_local/clock', { body: { advanceSeconds: 601 } });
  await api2.request('POST', '/_local/clock', { body: { advanceSeconds: 601 } });
  const map = await waitFor(c, exMap);
  expect(map.status).toBe('SUCCEEDED');
  expect(JSON.parse(map.output!)).toEqual([2, 4, 6, 8, 10]);
  await api2.request('POST', '/_local/clock', { body: { advanceDays: 7 } });
  const wait = await waitFor(c, exWait);
  expect(JSON.parse(wait.output!)).toBe('published');

  // Histories are whole: ids 1..n, no lost or repeated transitions.
  const hToken = await history(c, exToken);
  const hWait = await history(c, exWait);
  const hMap = await history(c, exMap);
  const hTask = await history(c, exTask);
  for (const h of [hToken, hWait, hMap, hTask]) assertWellFormed(h);
  expect(types(hToken)).toEqual([
    'ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted',
    'TaskSucceeded', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
  ]);
  expect(types(hWait)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'WaitStateEntered', 'WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  expect(types(hTask)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
  const mapTypes = types(hMap);
  expect(mapTypes.filter((t) => t === 'MapIterationStarted')).toHaveLength(5);
  expect(mapTypes.filter((t) => t === 'MapIterationSucceeded')).toHaveLength(5);
  expect(mapTypes.filter((t) => t === 'WaitStateEntered')).toHaveLength(5);
  expect(mapTypes.filter((t) => t === 'WaitStateExited')).toHaveLength(5);
  expect(mapTypes.slice(-3)).toEqual(['MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded']);
});
