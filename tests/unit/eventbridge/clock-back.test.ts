import { describe, expect, it } from 'vitest';
import { LocalClock } from '../../../local/clock.ts';
import { EventBridgeEngine } from '../../../local/eventbridge/engine.ts';
import { registerTestFunction } from '../../../local/eventbridge/test-functions.ts';

/**
 * Setting the local clock backwards re-plans schedules from the new time (docs/eventbridge-local.md):
 * the next occurrence after the new time fires as the clock passes it again, instead of every
 * schedule staying silent until the clock passes the old high-water mark. Targets keep re-fired
 * occurrences idempotent (e.g. the daily monitoring run is keyed by its date).
 */
describe('a backward clock set', () => {
  it('re-plans a daily schedule from the new time; forward again, it fires the passed occurrences once more, in order', async () => {
    // Prepare: a clock at 2026-03-01T00:30Z and a daily 01:00 UTC schedule.
    const clock = new LocalClock();
    await clock.set(Date.parse('2026-03-01T00:30:00Z'));
    const fired: string[] = [];
    registerTestFunction('clock-back-target', async (event) => void fired.push((event as { time: string }).time));
    const engine = new EventBridgeEngine({ dataDir: undefined, now: () => clock.now(), lambdas: { invoke: async () => undefined }, awsUrl: 'http://127.0.0.1:1', log: () => undefined, fsync: false });
    clock.subscribe(engine);
    engine.addSchedule({ name: 'daily', expression: 'cron(0 1 * * ? *)', timezone: 'UTC', targets: [{ Id: 't', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:clock-back-target' }], arn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/daily', ruleName: 'daily' });
    await clock.set(Date.parse('2026-03-03T00:30:00Z'));
    expect(fired).toEqual(['2026-03-01T01:00:00Z', '2026-03-02T01:00:00Z']);

    // Act: back one and a half days, then forward a day.
    await clock.set(Date.parse('2026-03-01T12:00:00Z'));
    await clock.set(Date.parse('2026-03-02T12:00:00Z'));

    // Assess: the 2 March occurrence fired again (not silence until 3 March 01:00).
    expect(fired).toEqual(['2026-03-01T01:00:00Z', '2026-03-02T01:00:00Z', '2026-03-02T01:00:00Z']);
    engine.stop();
  });
});
