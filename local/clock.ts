import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The local runtime's controllable clock. Real time keeps flowing; `advance`/`set` shift an
 * offset that is persisted, so a restarted runtime keeps the date the tests moved it to.
 *
 * Engines (Step Functions waits and timeouts, EventBridge schedules) subscribe. When the clock
 * jumps, it stops at every subscriber's next due time on the way, in order, and lets each one
 * fire what fell due — so crossing three daily schedules fires three runs, in order.
 */
export interface ClockSubscriber {
  name: string;
  /** Earliest instant (epoch ms) something is due, if any. */
  nextDueAt(): number | undefined;
  /** Fire everything due at or before `now`. */
  onTick(now: number): Promise<void>;
  /**
   * True while work started before (tasks running, deliveries queued) is still moving. A jump
   * waits for every subscriber to be idle before it moves time on, as time in AWS passes only
   * as fast as that work runs: a jump never outruns a task into a time-out AWS would not see.
   * Work waiting for something outside (a task token, a human) does not count.
   */
  busy?(): boolean;
  /** The clock was set back to `now`: plan next due times from there. */
  clockSetBack?(now: number): void;
}

const TICK_MS = 200;
/**
 * How long one stop of a jump waits (real time) for busy subscribers before moving on anyway,
 * unless the runtime says otherwise: it passes its longest Lambda timeout (a task AWS would
 * have ended by then); `JIUZHU_CLOCK_SETTLE_MS` overrides both.
 */
export const DEFAULT_SETTLE_LIMIT_MS = 900_000;

export function settleLimitMs(fallbackMs = DEFAULT_SETTLE_LIMIT_MS, env = process.env): number {
  const v = Number(env.JIUZHU_CLOCK_SETTLE_MS);
  return env.JIUZHU_CLOCK_SETTLE_MS !== undefined && env.JIUZHU_CLOCK_SETTLE_MS !== '' && Number.isFinite(v) && v >= 0 ? v : fallbackMs;
}

export class LocalClock {
  private offsetMs = 0;
  private readonly subscribers: ClockSubscriber[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private readonly file: string | undefined;

  private readonly settleLimitMs: number;

  constructor(dataDir?: string, opts: { settleLimitMs?: number } = {}) {
    this.settleLimitMs = settleLimitMs(opts.settleLimitMs);
    this.file = dataDir ? join(dataDir, 'clock.json') : undefined;
    if (this.file && existsSync(this.file)) {
      const saved = JSON.parse(readFileSync(this.file, 'utf8')) as { offsetMs?: number };
      this.offsetMs = saved.offsetMs ?? 0;
    }
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  subscribe(sub: ClockSubscriber): void {
    this.subscribers.push(sub);
  }

  /** Start the real-time tick: due items fire as wall time passes. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Let every subscriber fire what is due now; serialized so ticks never overlap. */
  tick(): Promise<void> {
    this.ticking = this.ticking.then(async () => {
      const at = this.now();
      for (const sub of this.subscribers) {
        const due = sub.nextDueAt();
        if (due !== undefined && due <= at) await sub.onTick(at);
      }
    }).catch(() => undefined);
    return this.ticking;
  }

  async advance(ms: number): Promise<number> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    return this.set(this.now() + ms);
  }

  /**
   * Move to `target`, stopping at each due time on the way so things fire in order; before each
   * move, what fired at the previous stop runs until it is idle (see `busy`).
   *
   * Backwards (`target` before now) is a re-plan, not an undo: the clock is set, and every
   * subscriber plans its next due time from the new time (schedules fire their next occurrence
   * after it); what already happened stays done, and records of fired occurrences keep a
   * re-fired occurrence from acting twice.
   */
  async set(target: number): Promise<number> {
    await this.ticking;
    const run = async () => {
      if (target < this.now()) {
        await this.settle();
        this.setOffsetTo(target);
        for (const s of this.subscribers) s.clockSetBack?.(target);
        return;
      }
      for (let guard = 0; guard < 1_000_000; guard++) {
        await this.settle();
        const next = this.earliestDue();
        if (next === undefined || next > target) break;
        if (next > this.now()) this.setOffsetTo(next);
        await this.fireDue();
      }
      await this.settle();
      if (target > this.now()) this.setOffsetTo(target);
      await this.fireDue();
    };
    this.ticking = this.ticking.then(run);
    await this.ticking;
    return this.now();
  }

  /** Waits (bounded) until no subscriber is busy. */
  async settle(): Promise<void> {
    const until = Date.now() + this.settleLimitMs;
    let delay = 1;
    while (this.subscribers.some((s) => s.busy?.())) {
      if (Date.now() > until) {
        const names = this.subscribers.filter((s) => s.busy?.()).map((s) => s.name);
        this.onWarn(`clock: moving on although ${names.join(', ')} still busy after ${this.settleLimitMs / 1000} s`);
        return;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 20);
    }
  }

  /** Where the clock reports a jump that did not wait for everything (the runtime's log). */
  onWarn: (line: string) => void = () => undefined;

  private earliestDue(): number | undefined {
    let min: number | undefined;
    for (const s of this.subscribers) {
      const d = s.nextDueAt();
      if (d !== undefined && (min === undefined || d < min)) min = d;
    }
    return min;
  }

  private async fireDue(): Promise<void> {
    const at = this.now();
    for (const sub of this.subscribers) {
      const due = sub.nextDueAt();
      if (due !== undefined && due <= at) await sub.onTick(at);
    }
  }

  private setOffsetTo(instant: number): void {
    this.offsetMs = instant - Date.now();
    if (this.file) writeFileSync(this.file, JSON.stringify({ offsetMs: this.offsetMs }));
  }
}
