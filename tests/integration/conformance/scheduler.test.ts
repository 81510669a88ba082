import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifest } from '../../../infra/manifest.ts';
import { registerTestFunction } from '../../../local/eventbridge/test-functions.ts';
import type { LocalStack } from '../../../local/runtime.ts';
import { ApiClient, startTestStack } from '../../support/local-stack.ts';

/**
 * The EventBridge Scheduler API on the one local endpoint, through the AWS CLI (`aws scheduler`):
 * ListSchedules, GetSchedule, CreateSchedule, UpdateSchedule, DeleteSchedule; the manifest's
 * schedules are there, and a schedule created through the API fires on the local clock.
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_Operations.html
 */
const run = promisify(execFile);
let stack: LocalStack;

async function scheduler(...args: string[]): Promise<{ code: number; json: any; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.env.JIUZHU_AWS_CLI ?? 'aws', ['scheduler', ...args, '--endpoint-url', stack.awsUrl, '--region', 'us-east-1', '--output', 'json'], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_PAGER: '' },
      timeout: 60_000,
    });
    return { code: 0, json: stdout.trim() ? JSON.parse(stdout) : {}, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('the AWS CLI is not installed: apt-get update && apt-get install -y awscli');
    return { code: typeof e.code === 'number' ? e.code : 1, json: undefined, stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  stack = await startTestStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

describe('aws scheduler (AWS CLI) against the local endpoint', () => {
  it('lists and gets the manifest’s schedules', async () => {
    const listed = await scheduler('list-schedules');
    expect(listed.code).toBe(0);
    const names = (listed.json.Schedules as { Name: string }[]).map((s) => s.Name);
    for (const logical of Object.keys(manifest.schedules)) expect(names).toContain(`${manifest.appName}-${logical}`);
    const daily = await scheduler('get-schedule', '--name', `${manifest.appName}-dailyMonitoring`);
    expect(daily.json).toMatchObject({ ScheduleExpression: 'cron(0 1 * * ? *)', ScheduleExpressionTimezone: 'Asia/Shanghai', State: 'ENABLED', GroupName: 'default' });
  }, 60_000);

  it('creates, updates and deletes a schedule; a created one fires on the clock; errors as AWS names them', async () => {
    const got: unknown[] = [];
    registerTestFunction('scheduler-target', async (event) => void got.push(event));
    const target = JSON.stringify({ Arn: 'arn:aws:lambda:us-east-1:000000000000:function:scheduler-target', RoleArn: 'arn:aws:iam::000000000000:role/s', Input: '{"hello":"world"}' });
    const created = await scheduler('create-schedule', '--name', 'every-hour', '--schedule-expression', 'rate(1 hour)', '--flexible-time-window', '{"Mode":"OFF"}', '--target', target);
    expect(created.code).toBe(0);
    expect(created.json.ScheduleArn).toMatch(/:schedule\/default\/every-hour$/);
    expect((await scheduler('create-schedule', '--name', 'every-hour', '--schedule-expression', 'rate(1 hour)', '--flexible-time-window', '{"Mode":"OFF"}', '--target', target)).stderr).toMatch(/ConflictException/);
    expect((await scheduler('create-schedule', '--name', 'bad', '--schedule-expression', 'rate(0 hours)', '--flexible-time-window', '{"Mode":"OFF"}', '--target', target)).stderr).toMatch(/ValidationException/);

    expect((await new ApiClient(stack.httpUrl).request('POST', '/_local/clock', { body: { advanceSeconds: 3601 } })).status).toBe(200);
    expect(got).toEqual([{ hello: 'world' }]);

    expect((await scheduler('update-schedule', '--name', 'every-hour', '--schedule-expression', 'rate(2 hours)', '--flexible-time-window', '{"Mode":"OFF"}', '--target', target, '--state', 'DISABLED')).code).toBe(0);
    expect((await scheduler('get-schedule', '--name', 'every-hour')).json).toMatchObject({ ScheduleExpression: 'rate(2 hours)', State: 'DISABLED' });
    expect((await scheduler('delete-schedule', '--name', 'every-hour')).code).toBe(0);
    expect((await scheduler('get-schedule', '--name', 'every-hour')).stderr).toMatch(/ResourceNotFoundException/);
  }, 180_000);
});
