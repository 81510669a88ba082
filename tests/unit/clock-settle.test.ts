import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTLE_LIMIT_MS, LocalClock, settleLimitMs } from '../../local/clock.ts';

describe('the clock settle bound', () => {
  it('is the runtime’s longest task timeout unless JIUZHU_CLOCK_SETTLE_MS says otherwise; nonsense in the variable is ignored', () => {
    expect(settleLimitMs(undefined, {})).toBe(DEFAULT_SETTLE_LIMIT_MS);
    expect(settleLimitMs(900_000, {})).toBe(900_000);
    expect(settleLimitMs(900_000, { JIUZHU_CLOCK_SETTLE_MS: '1000' })).toBe(1000);
    expect(settleLimitMs(900_000, { JIUZHU_CLOCK_SETTLE_MS: '0' })).toBe(0);
    expect(settleLimitMs(900_000, { JIUZHU_CLOCK_SETTLE_MS: 'soon' })).toBe(900_000);
    expect(settleLimitMs(900_000, { JIUZHU_CLOCK_SETTLE_MS: '-5' })).toBe(900_000);
    expect(settleLimitMs(900_000, { JIUZHU_CLOCK_SETTLE_MS: '' })).toBe(900_000);
  });

  it('a jump waits for a busy subscriber up to the bound, then moves on and says so', async () => {
    const clock = new LocalClock(undefined, { settleLimitMs: 150 });
    const warnings: string[] = [];
    clock.onWarn = (l) => warnings.push(l);
    let busyUntil = Date.now() + 60_000; // never idle within the test
    clock.subscribe({ name: 'stuck', nextDueAt: () => undefined, onTick: async () => undefined, busy: () => Date.now() < busyUntil });
    const before = clock.now();
    const t0 = Date.now();
    await clock.advance(86_400_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(clock.now() - before).toBeGreaterThanOrEqual(86_400_000);
    expect(warnings.join('\n')).toMatch(/stuck still busy after 0\.15 s/);
    // Idle again: the next jump does not wait.
    busyUntil = 0;
    warnings.length = 0;
    const t1 = Date.now();
    await clock.advance(1000);
    expect(Date.now() - t1).toBeLessThan(150);
    expect(warnings).toEqual([]);
  });
});
