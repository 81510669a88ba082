import { randomUUID } from 'node:crypto';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ClockSubscriber } from '../clock.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../names.ts';
import type { LocalLambdas } from '../lambdas.ts';
import { compilePattern, matchesPattern, type CompiledPattern } from './pattern.ts';
import { nextOccurrence, parseSchedule, previousOccurrence, type Schedule } from './schedule.ts';
import { EventStore, type DeadLetter, type Delivery, type RetryConfig } from './store.ts';
import { targetInput, type InputTransformer } from './transform.ts';
import { testFunctionFor } from './test-functions.ts';

export interface TargetRecord {
  Id: string;
  Arn: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: InputTransformer;
  RoleArn?: string;
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
}

export interface RuleRecord {
  Name: string;
  EventBusName: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State: 'ENABLED' | 'DISABLED';
  Description?: string;
  RoleArn?: string;
  /** 'manifest' for rules the runtime recreates from infra/manifest.ts at every start. */
  ManagedBy?: string;
  Targets: TargetRecord[];
}

export interface ScheduleRecord {
  name: string;
  expression: string;
  timezone: string;
  targets: TargetRecord[];
  /** Where the event comes from: a Scheduler schedule ARN or a scheduled rule's ARN. */
  arn: string;
  ruleName: string;
}

/** An EventBridge Scheduler schedule as its API shows it (the manifest's, or created through it). */
export interface SchedulerSchedule {
  Arn: string;
  Name: string;
  GroupName: 'default';
  ScheduleExpression: string;
  ScheduleExpressionTimezone: string;
  State: 'ENABLED' | 'DISABLED';
  Description?: string;
  Target: { Arn: string; RoleArn: string; Input?: string };
  FlexibleTimeWindow: { Mode: string; MaximumWindowInMinutes?: number };
  CreationDate: number;
  LastModificationDate: number;
  /** 'manifest' for the manifest's schedules, recreated at every start. */
  ManagedBy?: string;
  /** The manifest's target as the engine delivers to it (input transformer etc.). */
  delivery?: TargetRecord;
}

export interface EngineOptions {
  dataDir: string | undefined;
  now: () => number;
  lambdas: Pick<LocalLambdas, 'invoke'>;
  awsUrl: string;
  log: (line: string) => void;
  /** Base of the exponential backoff between attempts (ms). */
  retryBaseMs?: number;
  /** Deliveries in flight at once. */
  concurrency?: number;
  /** fdatasync the outbox before answering PutEvents (default true). */
  fsync?: boolean;
  /** Missed occurrences fired per schedule when a restarted runtime catches up. */
  maxCatchUp?: number;
}

/** Defaults where the target sets no RetryPolicy (AWS's are 185 attempts over 24 hours). */
export const DEFAULT_RETRY: RetryConfig = { maxRetries: 3, maxAgeMs: 86_400_000 };
export const DEFAULT_MAX_CATCH_UP = 10;

export const ruleArn = (bus: string, name: string) =>
  `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${bus === 'default' ? '' : `${bus}/`}${name}`;
export const eventBusArn = (bus: string) => `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${bus}`;
export const scheduleArn = (name: string) => `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/default/${name}`;

interface ScheduleState {
  expression: string;
  timezone: string;
  anchor: number;
  lastFireAt: number;
}

interface ActiveSchedule {
  rec: ScheduleRecord;
  schedule: Schedule;
  state: ScheduleState;
  /** Occurrences to fire, ascending (missed ones first, then the next one). */
  nextAt: number | undefined;
}

/**
 * The local event bus: rules, matching, the durable outbox, delivery with retries and a
 * dead-letter store, and schedules on the runtime's clock.
 */
export class EventBridgeEngine implements ClockSubscriber {
  readonly name = 'eventbridge-schedules';
  readonly buses = new Set<string>(['default']);
  readonly store: EventStore;
  private readonly rules = new Map<string, RuleRecord>();
  private readonly compiled = new Map<string, { rule: RuleRecord; pattern: CompiledPattern; sources: Set<string> | undefined }[]>();
  private readonly schedules = new Map<string, ActiveSchedule>();
  private scheduleStates: Record<string, ScheduleState>;
  private readonly scheduler = new Map<string, SchedulerSchedule>();
  /** Deliveries waiting for a free slot: a FIFO read from `queueHead` (no O(n) shift). */
  private queue: Delivery[] = [];
  private queueHead = 0;
  /** PutEvents calls whose deliveries wait for their fdatasync. */
  private accepting = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private sfn: SFNClient | undefined;
  readonly retryBaseMs: number;
  private readonly concurrency: number;
  private readonly maxCatchUp: number;
  /** Every attempt's outcome, for tests and the bench (bounded). */
  readonly deliveredAt = new Map<string, number>();

  constructor(private readonly opts: EngineOptions) {
    this.store = new EventStore(opts.dataDir, opts.fsync ?? true);
    this.retryBaseMs = opts.retryBaseMs ?? 200;
    this.concurrency = opts.concurrency ?? 32;
    this.maxCatchUp = opts.maxCatchUp ?? DEFAULT_MAX_CATCH_UP;
    for (const r of this.store.readDoc<RuleRecord[]>('rules.json', [])) {
      if (r.ManagedBy === 'manifest') continue; // recreated from the manifest
      this.buses.add(r.EventBusName);
      this.rules.set(key(r.EventBusName, r.Name), r);
    }
    this.scheduleStates = this.store.readDoc<Record<string, ScheduleState>>('schedules.json', {});
    for (const s of this.store.readDoc<SchedulerSchedule[]>('scheduler.json', [])) if (s.ManagedBy !== 'manifest') this.scheduler.set(s.Name, s);
    this.recompile();
  }

  // ------------------------------------------------------------------------------ rules

  addBus(name: string): void {
    this.buses.add(name);
  }

  /** Resolve a bus name or ARN; undefined if no such bus. */
  resolveBus(nameOrArn: string | undefined): string | undefined {
    const name = !nameOrArn ? 'default' : nameOrArn.startsWith('arn:') ? nameOrArn.split('event-bus/')[1] : nameOrArn;
    return name && this.buses.has(name) ? name : undefined;
  }

  getRule(bus: string, name: string): RuleRecord | undefined {
    return this.rules.get(key(bus, name));
  }

  listRules(bus: string): RuleRecord[] {
    return [...this.rules.values()].filter((r) => r.EventBusName === bus).sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  }

  /** Create or replace a rule (targets kept). Throws pattern / schedule errors. */
  putRule(rule: Omit<RuleRecord, 'Targets'>): RuleRecord {
    if (rule.EventPattern !== undefined) compilePattern(rule.EventPattern);
    if (rule.ScheduleExpression !== undefined) parseSchedule(rule.ScheduleExpression, 'UTC');
    const existing = this.rules.get(key(rule.EventBusName, rule.Name));
    const rec: RuleRecord = { ...rule, Targets: existing?.Targets ?? [] };
    this.rules.set(key(rule.EventBusName, rule.Name), rec);
    this.rulesChanged(rec);
    return rec;
  }

  putTargets(bus: string, name: string, targets: TargetRecord[]): void {
    const rule = this.rules.get(key(bus, name));
    if (!rule) throw new Error('no such rule');
    for (const t of targets) {
      const i = rule.Targets.findIndex((x) => x.Id === t.Id);
      if (i >= 0) rule.Targets[i] = t;
      else rule.Targets.push(t);
    }
    this.rulesChanged(rule);
  }

  removeTargets(bus: string, name: string, ids: string[]): void {
    const rule = this.rules.get(key(bus, name));
    if (!rule) return;
    rule.Targets = rule.Targets.filter((t) => !ids.includes(t.Id));
    this.rulesChanged(rule);
  }

  deleteRule(bus: string, name: string): void {
    this.rules.delete(key(bus, name));
    this.removeSchedule(`rule:${bus}/${name}`);
    this.rulesChanged(undefined);
  }

  private rulesChanged(changed: RuleRecord | undefined): void {
    this.recompile();
    this.store.writeDoc(
      'rules.json',
      [...this.rules.values()].filter((r) => r.ManagedBy !== 'manifest'),
    );
    if (changed) this.syncRuleSchedule(changed);
  }

  private recompile(): void {
    this.compiled.clear();
    for (const rule of this.rules.values()) {
      if (rule.State !== 'ENABLED' || rule.EventPattern === undefined) continue;
      let list = this.compiled.get(rule.EventBusName);
      if (!list) this.compiled.set(rule.EventBusName, (list = []));
      list.push({ rule, pattern: compilePattern(rule.EventPattern), sources: exactSources(rule.EventPattern) });
    }
  }

  private syncRuleSchedule(rule: RuleRecord): void {
    const id = `rule:${rule.EventBusName}/${rule.Name}`;
    if (!rule.ScheduleExpression || rule.State !== 'ENABLED') {
      // Occurrences while a rule is disabled (or gone) never fire, also not as catch-up later.
      this.removeSchedule(id);
      return;
    }
    this.addSchedule({ name: id, expression: rule.ScheduleExpression, timezone: 'UTC', targets: rule.Targets, arn: ruleArn(rule.EventBusName, rule.Name), ruleName: rule.Name });
  }

  /** Rules loaded from disk that carry schedules; call once the clock may be read. */
  startRuleSchedules(): void {
    for (const rule of this.rules.values()) this.syncRuleSchedule(rule);
  }

  // ------------------------------------------------------------------------------ events

  /** Rules of the bus that match the event, in name order. */
  matchingRules(bus: string, event: Record<string, unknown>): RuleRecord[] {
    const out: RuleRecord[] = [];
    const source = event.source;
    for (const { rule, pattern, sources } of this.compiled.get(bus) ?? []) {
      // A rule that names its sources exactly cannot match another source: skip the matcher.
      if (sources && !(typeof source === 'string' && sources.has(source))) continue;
      if (matchesPattern(pattern, event)) out.push(rule);
    }
    return out;
  }

  /**
   * Accept validated events: match, write every delivery to the outbox, hand them to the
   * delivery loop, and resolve once the outbox is on disk (fdatasync'ed, one sync shared with
   * the PutEvents calls made meanwhile): PutEvents answers only then. Delivery does not wait
   * for the sync — the record is already in the journal (a process crash keeps it), and a
   * delivery whose PutEvents never got its answer is at worst delivered again after a power
   * loss or a retried call, as in AWS (at least once).
   */
  async accept(items: { bus: string; event: Record<string, unknown> }[]): Promise<void> {
    const deliveries: Delivery[] = [];
    const ingestion = new Date(this.opts.now()).toISOString();
    for (const { bus, event } of items) {
      for (const rule of this.matchingRules(bus, event)) {
        for (const d of this.deliveriesFor(event, rule.Targets, ruleArn(bus, rule.Name), rule.Name, ingestion)) deliveries.push(d);
      }
    }
    if (deliveries.length === 0) return;
    const durable = this.store.acceptDurably(deliveries);
    for (const d of deliveries) this.enqueue(d);
    this.accepting++;
    try {
      await durable;
    } finally {
      this.accepting--;
      this.checkIdle();
    }
  }

  private deliveriesFor(event: Record<string, unknown>, targets: TargetRecord[], sourceArn: string, ruleName: string, ingestionTime: string): Delivery[] {
    const out: Delivery[] = [];
    for (const t of targets) {
      let input: string;
      try {
        input = targetInput(t, event, { ruleArn: sourceArn, ruleName, ingestionTime });
      } catch (err) {
        this.opts.log(`eventbridge: input for ${sourceArn} target ${t.Id} failed: ${(err as Error).message}`);
        continue;
      }
      out.push({
        id: randomUUID(),
        eventId: String(event.id),
        source: sourceArn,
        targetId: t.Id,
        arn: t.Arn,
        input,
        retry: {
          maxRetries: t.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_RETRY.maxRetries,
          maxAgeMs: (t.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_RETRY.maxAgeMs / 1000) * 1000,
        },
        acceptedAt: Date.now(),
        attempts: 0,
      });
    }
    return out;
  }

  /** Redeliver what the outbox still holds (after a restart). */
  resumePending(): number {
    const pending = [...this.store.pending.values()];
    for (const d of pending) this.enqueue(d);
    return pending.length;
  }

  // ------------------------------------------------------------------------------ delivery

  private enqueue(d: Delivery): void {
    this.queue.push(d);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.inFlight < this.concurrency && this.queueHead < this.queue.length) {
      const d = this.queue[this.queueHead++]!;
      if (this.queueHead === this.queue.length) {
        this.queue = [];
        this.queueHead = 0;
      } else if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      this.inFlight++;
      void this.attempt(d).finally(() => {
        this.inFlight--;
        this.pump();
        this.checkIdle();
      });
    }
  }

  /** One attempt; on failure a retry is scheduled or the delivery goes to the dead letters. */
  private async attempt(d: Delivery): Promise<boolean> {
    d.attempts++;
    try {
      await this.invokeTarget(d);
      if (this.stopped) return false;
      this.store.done(d.id);
      this.deliveredAt.set(d.id, Date.now());
      if (this.deliveredAt.size > 100_000) this.deliveredAt.clear();
      return true;
    } catch (err) {
      if (this.stopped) return false;
      const message = errorText(err);
      const retriesUsed = d.attempts - 1;
      const age = Date.now() - d.acceptedAt;
      if (retriesUsed >= d.retry.maxRetries || age >= d.retry.maxAgeMs) {
        this.store.deadLetter(d, message, this.opts.now());
        this.opts.log(`eventbridge: ${d.source} target ${d.targetId} failed ${d.attempts}x, dead-lettered: ${message}`);
        return false;
      }
      const delay = this.retryBaseMs * 2 ** retriesUsed * (0.8 + Math.random() * 0.4);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.enqueue(d);
      }, delay);
      this.timers.add(timer);
      return false;
    }
  }

  private async invokeTarget(d: Delivery): Promise<void> {
    const payload = parseOrText(d.input);
    const arnParts = d.arn.split(':');
    const service = arnParts[2];
    if (service === 'lambda' || !d.arn.startsWith('arn:')) {
      const test = testFunctionFor(d.arn);
      if (test) await test(structuredClone(payload));
      else await this.opts.lambdas.invoke(d.arn, payload);
      return;
    }
    if (service === 'states') {
      this.sfn ??= new SFNClient({ endpoint: this.opts.awsUrl, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
      // The delivery id as execution name makes a redelivery after a crash idempotent.
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: d.arn, name: d.id, input: typeof payload === 'string' ? JSON.stringify(payload) : d.input }));
      return;
    }
    throw new Error(`target type not supported by the local runtime: ${d.arn}`);
  }

  /** Resolves when nothing is queued, in flight or waiting for a retry. */
  whenIdle(timeoutMs = 30_000): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(t);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  /** For the clock: deliveries queued, in flight or waiting for a retry. */
  busy(): boolean {
    return !this.stopped && !this.isIdle();
  }

  /**
   * The clock was set back: every schedule plans its next occurrence after the new time (the
   * occurrences after it fire again as time passes them; targets keep them idempotent).
   */
  clockSetBack(now: number): void {
    for (const s of this.schedules.values()) {
      if (s.state.lastFireAt > now) s.state.lastFireAt = now;
      if (s.schedule.kind === 'rate' && s.state.anchor > now) s.state.anchor = now;
      s.nextAt = nextOccurrence(s.schedule, now, s.state.anchor);
    }
    this.saveScheduleStates();
  }

  isIdle(): boolean {
    return this.queueHead === this.queue.length && this.inFlight === 0 && this.timers.size === 0 && this.accepting === 0;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  listDeadLetters(): DeadLetter[] {
    return [...this.store.dead.values()].sort((a, b) => a.failedAt - b.failedAt);
  }

  redrive(ids?: string[]): number {
    const redriven = this.store.redrive(ids ?? [...this.store.dead.keys()]);
    for (const d of redriven) this.enqueue(d);
    return redriven.length;
  }

  // ------------------------------------------------------------------------------ schedules

  /**
   * Register a schedule. Catch-up policy: occurrences that fell due while the runtime was down
   * (after the persisted last fire) fire once each, oldest first, at most `maxCatchUp` of them
   * (the latest); older ones are skipped and logged.
   */
  addSchedule(rec: ScheduleRecord): void {
    const schedule = parseSchedule(rec.expression, rec.timezone);
    const now = this.opts.now();
    let state = this.scheduleStates[rec.name];
    if (!state || state.expression !== rec.expression || state.timezone !== rec.timezone) {
      state = { expression: rec.expression, timezone: rec.timezone, anchor: now, lastFireAt: now };
      this.scheduleStates[rec.name] = state;
      this.saveScheduleStates();
    }
    let from = state.lastFireAt;
    // Keep only the latest maxCatchUp missed occurrences.
    let cursor = now + 1;
    const kept: number[] = [];
    while (kept.length < this.maxCatchUp) {
      const p = previousOccurrence(schedule, cursor, state.anchor);
      if (p === undefined || p <= from) break;
      kept.push(p);
      cursor = p;
    }
    if (kept.length === this.maxCatchUp) {
      const earliestKept = kept[kept.length - 1]!;
      const older = previousOccurrence(schedule, earliestKept, state.anchor);
      if (older !== undefined && older > from) {
        this.opts.log(`eventbridge: schedule ${rec.name}: skipping missed occurrences up to ${new Date(older).toISOString()} (catch-up keeps the latest ${this.maxCatchUp})`);
        from = older;
        state.lastFireAt = older;
        this.saveScheduleStates();
      }
    }
    this.schedules.set(rec.name, { rec, schedule, state, nextAt: nextOccurrence(schedule, from, state.anchor) });
  }

  // ------------------------------------------------------------------- Scheduler API

  getSchedulerSchedule(name: string): SchedulerSchedule | undefined {
    return this.scheduler.get(name);
  }

  listSchedulerSchedules(): SchedulerSchedule[] {
    return [...this.scheduler.values()].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  }

  /** Create or replace a Scheduler schedule; an ENABLED one runs on the clock. */
  putSchedulerSchedule(rec: Omit<SchedulerSchedule, 'Arn' | 'CreationDate' | 'LastModificationDate'>): SchedulerSchedule {
    parseSchedule(rec.ScheduleExpression, rec.ScheduleExpressionTimezone);
    const now = this.opts.now();
    const existing = this.scheduler.get(rec.Name);
    const s: SchedulerSchedule = { ...rec, Arn: scheduleArn(rec.Name), CreationDate: existing?.CreationDate ?? now, LastModificationDate: now };
    if (existing?.delivery && !rec.delivery && existing.Target.Arn === rec.Target.Arn && existing.Target.Input === rec.Target.Input) s.delivery = existing.delivery;
    this.scheduler.set(rec.Name, s);
    if (s.State === 'ENABLED') {
      const target: TargetRecord = s.delivery ?? { Id: 'Target0', Arn: s.Target.Arn, RoleArn: s.Target.RoleArn, ...(s.Target.Input !== undefined ? { Input: s.Target.Input } : {}) };
      this.addSchedule({ name: s.Name, expression: s.ScheduleExpression, timezone: s.ScheduleExpressionTimezone, targets: [target], arn: s.Arn, ruleName: s.Name });
    } else {
      this.removeSchedule(s.Name);
    }
    this.saveScheduler();
    return s;
  }

  deleteSchedulerSchedule(name: string): void {
    this.scheduler.delete(name);
    this.removeSchedule(name);
    this.saveScheduler();
  }

  private saveScheduler(): void {
    this.store.writeDoc('scheduler.json', [...this.scheduler.values()].filter((s) => s.ManagedBy !== 'manifest'));
  }

  /** Stop a schedule and forget its state (re-adding it starts afresh, with nothing to catch up). */
  removeSchedule(name: string): void {
    this.schedules.delete(name);
    if (name in this.scheduleStates) {
      delete this.scheduleStates[name];
      this.saveScheduleStates();
    }
  }

  nextDueAt(): number | undefined {
    let min: number | undefined;
    for (const s of this.schedules.values()) if (s.nextAt !== undefined && (min === undefined || s.nextAt < min)) min = s.nextAt;
    return min;
  }

  /** Fire every occurrence due at or before `now`, in time order, each once. */
  async onTick(now: number): Promise<void> {
    for (;;) {
      let first: ActiveSchedule | undefined;
      for (const s of this.schedules.values()) if (s.nextAt !== undefined && s.nextAt <= now && (!first || s.nextAt < first.nextAt!)) first = s;
      if (!first || this.stopped) return;
      const at = first.nextAt!;
      await this.fireSchedule(first, at);
      first.state.lastFireAt = at;
      first.nextAt = nextOccurrence(first.schedule, at, first.state.anchor);
      this.saveScheduleStates();
    }
  }

  private async fireSchedule(s: ActiveSchedule, at: number): Promise<void> {
    const event: Record<string, unknown> = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: s.rec.name.startsWith('rule:') ? 'aws.events' : 'aws.scheduler',
      account: LOCAL_ACCOUNT,
      time: isoSeconds(at),
      region: LOCAL_REGION,
      resources: [s.rec.arn],
      detail: {},
    };
    const deliveries = this.deliveriesFor(event, s.rec.targets, s.rec.arn, s.rec.ruleName, new Date(this.opts.now()).toISOString());
    this.store.accept(deliveries);
    // The first attempt runs inline so occurrences reach their targets in order.
    for (const d of deliveries) {
      this.inFlight++;
      try {
        await this.attempt(d);
      } finally {
        this.inFlight--;
        this.checkIdle();
      }
    }
  }

  private saveScheduleStates(): void {
    this.store.writeDoc('schedules.json', this.scheduleStates);
  }

  get running(): boolean {
    return !this.stopped;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.store.close();
    for (const w of this.idleWaiters) w();
    this.idleWaiters = [];
  }
}

/**
 * The sources a pattern requires exactly, when it says so plainly: a top-level `source` list of
 * strings only (no operators) and no top-level `$or`. Then an event whose source is not in the
 * set cannot match (an exact string matches only an equal string); otherwise undefined (the
 * matcher decides).
 */
export function exactSources(patternText: string): Set<string> | undefined {
  let p: unknown;
  try {
    p = JSON.parse(patternText);
  } catch {
    return undefined;
  }
  if (!p || typeof p !== 'object' || Array.isArray(p) || '$or' in p) return undefined;
  const src = (p as Record<string, unknown>).source;
  if (!Array.isArray(src) || src.length === 0 || !src.every((v) => typeof v === 'string')) return undefined;
  return new Set(src as string[]);
}

function key(bus: string, name: string): string {
  return `${bus}\u0000${name}`;
}

export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return `${(err as { errorType?: string }).errorType ?? err.name}: ${err.message}`;
  return String(err);
}
