import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DisableRuleCommand, EnableRuleCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleArn } from '../../../local/eventbridge/engine.ts';
import { eventBridgeOf } from '../../../local/eventbridge/plugin.ts';
import { registerTestFunction } from '../../../local/eventbridge/test-functions.ts';
import type { LocalStack } from '../../../local/runtime.ts';
import { ApiClient, startTestStack, tempDataDir } from '../../support/local-stack.ts';
import { eventsClient, lambdaArn, waitFor } from './support.ts';

interface Fire {
  who: string;
  eventTime: string;
  clockAt: number;
  event: Record<string, unknown>;
}

describe('schedules on the local clock', () => {
  let stack: LocalStack;
  const fires: Fire[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    for (const who of ['daily', 'six-hourly']) {
      registerTestFunction(`sched-${who}`, (e) => {
        const event = e as Record<string, unknown>;
        fires.push({ who, eventTime: String(event.time), clockAt: stack.clock.now(), event });
      });
    }
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('advancing the clock across several due times fires each occurrence once, in order, at its time', async () => {
    // Prepare: the daily monitoring run at 02:00 China time (EventBridge Scheduler, Asia/Shanghai)
    // and a rule with rate(6 hours) on the default bus.
    const engine = eventBridgeOf(stack.ctx);
    engine.addSchedule({ name: 'daily-monitoring', expression: 'cron(0 2 * * ? *)', timezone: 'Asia/Shanghai', targets: [{ Id: 't', Arn: lambdaArn('sched-daily') }], arn: scheduleArn('daily-monitoring'), ruleName: 'daily-monitoring' });
    const eb = eventsClient(stack.awsUrl);
    await eb.send(new PutRuleCommand({ Name: 'six-hourly', ScheduleExpression: 'rate(6 hours)' }));
    await eb.send(new PutTargetsCommand({ Rule: 'six-hourly', Targets: [{ Id: 't', Arn: lambdaArn('sched-six-hourly') }] }));
    const start = stack.clock.now();
    const api = new ApiClient(stack.httpUrl);

    // Act: three days in one jump, through the local HTTP API.
    const res = await api.advanceDays(3);

    // Assess
    expect(res.status).toBe(200);
    const end = stack.clock.now();
    const expectedDaily: string[] = [];
    for (let d = Math.floor(start / 86_400_000) * 86_400_000 - 86_400_000; d <= end; d += 86_400_000) {
      const at = d + 18 * 3_600_000; // 02:00 in Shanghai is 18:00 UTC the day before
      if (at > start && at <= end) expectedDaily.push(new Date(at).toISOString().replace('.000Z', 'Z'));
    }
    expect(expectedDaily).toHaveLength(3);
    expect(fires.filter((f) => f.who === 'daily').map((f) => f.eventTime)).toEqual(expectedDaily);
    expect(fires.filter((f) => f.who === 'six-hourly')).toHaveLength(12);
    // All fires in time order, each delivered while the clock stood at its due time.
    const times = fires.map((f) => Date.parse(f.eventTime));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(fires.map((f) => `${f.who}@${f.eventTime}`)).size).toBe(fires.length);
    for (const f of fires) expect(Math.abs(f.clockAt - Date.parse(f.eventTime))).toBeLessThan(1500);
    // The events look like EventBridge's scheduled events.
    const six = fires.find((f) => f.who === 'six-hourly')!.event;
    expect(six).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {}, resources: ['arn:aws:events:us-east-1:000000000000:rule/six-hourly'] });
    const daily = fires.find((f) => f.who === 'daily')!.event;
    expect(daily).toMatchObject({ source: 'aws.scheduler', resources: [scheduleArn('daily-monitoring')] });

    // Advancing less than the next due time fires nothing more.
    const before = fires.length;
    await api.request('POST', '/_local/clock', { body: { advanceSeconds: 60 } });
    expect(fires.length).toBe(before);
  });
});

describe('schedules across a restart: catch-up policy', () => {
  it('fires each occurrence missed while down once, in order, keeping only the latest 10', async () => {
    // Prepare: an hourly rule in a persistent runtime that fires twice, then stops.
    const dataDir = tempDataDir('jiuzhu-eb-catchup-');
    const fired: string[] = [];
    registerTestFunction('catchup-recorder', (e) => void fired.push(String((e as { time: string }).time)));
    const first = await startTestStack({ dataDir });
    let anchor: number;
    try {
      const eb = eventsClient(first.awsUrl);
      anchor = first.clock.now();
      await eb.send(new PutRuleCommand({ Name: 'hourly', ScheduleExpression: 'rate(1 hour)' }));
      await eb.send(new PutTargetsCommand({ Rule: 'hourly', Targets: [{ Id: 't', Arn: lambdaArn('catchup-recorder') }] }));
      await first.clock.advance(2 * 3_600_000 + 1000);
      expect(fired).toHaveLength(2);
    } finally {
      await first.stop();
    }
    // 15 hours pass while the runtime is down (the persisted clock moves on).
    const clockFile = join(dataDir, 'clock.json');
    const saved = JSON.parse(readFileSync(clockFile, 'utf8')) as { offsetMs: number };
    writeFileSync(clockFile, JSON.stringify({ offsetMs: saved.offsetMs + 15 * 3_600_000 }));

    // Act
    const second = await startTestStack({ dataDir });
    try {
      await waitFor(() => fired.length >= 12, 10_000, 'catch-up fires');
      await new Promise((r) => setTimeout(r, 500));
      // Assess: 15 missed (hours 3..17), the latest 10 (hours 8..17) fired, in order, once.
      const hour = (h: number) => new Date(Math.floor((anchor + h * 3_600_000) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
      expect(fired.slice(2)).toEqual(Array.from({ length: 10 }, (_, i) => hour(8 + i)));
      expect(fired).toHaveLength(12);
    } finally {
      await second.stop();
    }
    // Two persistent stacks start and stop here; on a loaded 2-core CI machine that takes a while.
  }, 120_000);
});

describe('disabled scheduled rules', () => {
  it('do not fire while disabled, nor catch up when enabled again', async () => {
    // Prepare
    const stack = await startTestStack();
    const fired: string[] = [];
    registerTestFunction('disabled-recorder', (e) => void fired.push(String((e as { time: string }).time)));
    try {
      const eb = eventsClient(stack.awsUrl);
      await eb.send(new PutRuleCommand({ Name: 'hourly-toggle', ScheduleExpression: 'rate(1 hour)' }));
      await eb.send(new PutTargetsCommand({ Rule: 'hourly-toggle', Targets: [{ Id: 't', Arn: lambdaArn('disabled-recorder') }] }));
      await stack.clock.advance(3_600_000 + 1000);
      expect(fired).toHaveLength(1);
      // Act
      await eb.send(new DisableRuleCommand({ Name: 'hourly-toggle' }));
      await stack.clock.advance(5 * 3_600_000);
      await eb.send(new EnableRuleCommand({ Name: 'hourly-toggle' }));
      await stack.clock.advance(1000);
      // Assess: nothing fired while disabled; enabled again, it runs an hour on.
      expect(fired).toHaveLength(1);
      await stack.clock.advance(3_600_000);
      expect(fired).toHaveLength(2);
    } finally {
      await stack.stop();
    }
  });
});
