import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../aws-endpoint.ts';
import type { ClockSubscriber, LocalClock } from '../clock.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../names.ts';
import { checkDefinition, DefinitionError, isJsonataExpr, type Definition, type Graph, type StateDef } from './definition.ts';
import { Integrations, resourceInfo, TaskError } from './integrations.ts';
import { evalExpr, evalTemplate, QueryEvaluationError, unexpectedType, type StatesVar } from './jsonata-eval.ts';
import { definitionHash, type ExecutionRecord, type HistoryChunk, type MachineRecord, type SfnStore } from './store.ts';

/**
 * The local Step Functions engine (Standard workflows, JSONata).
 *
 * An execution is a set of threads: the root thread walks the top-level graph, and each Map
 * iteration / Parallel branch is a child thread walking its own graph. All work on one execution
 * is serialized through its queue; each queued step runs every thread that can move until it
 * blocks (a Task in flight, a Wait, a retry backoff, children running), then writes ONE history
 * item (the step's events plus the full snapshot) and only after that write launches the tasks
 * it scheduled (write-ahead: a task is never started without its TaskScheduled being durable).
 */

type Json = unknown;
type Phase = 'enter' | 'exec' | 'wait' | 'backoff' | 'task' | 'children';

interface TaskRun {
  resource: string;
  args: Json;
  token?: string;
  /** running: the integration call is in flight; submitted: waiting for the task token. */
  phase: 'running' | 'submitted';
  nonce: number;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  timeoutAt?: number;
  heartbeatAt?: number;
}

interface Fan {
  kind: 'map' | 'parallel';
  results: Json[];
  remaining: number;
  /** Map only: items not started yet begin at `next`; at most `max` (0 = no limit) run at once. */
  items?: Json[];
  next: number;
  running: number;
  max: number;
  /** Map only: failed iterations so far, and how many / what share may fail (Tolerated*). */
  failed?: number;
  toleratedCount?: number;
  toleratedPercent?: number;
}

interface Thread {
  id: string;
  parent?: string;
  /** Path of this thread's graph inside the definition, e.g. ['States','M','ItemProcessor']. */
  scope: (string | number)[];
  state: string;
  input: Json;
  vars: Record<string, Json>;
  phase: Phase;
  enteredAt: number;
  retries: number[];
  retryCount: number;
  wakeAt?: number;
  task?: TaskRun;
  fan?: Fan;
  index?: number;
  lastEvent: number;
  /** The id of this state's StateEntered event (AWS names it in causes). */
  enteredEventId?: number;
}

interface Snapshot {
  nextEventId: number;
  seq: number;
  nonce: number;
  threadSeq: number;
  timeoutAt?: number;
  threads: Record<string, Thread>;
}

export interface HistoryEvent {
  timestamp: number;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

interface Execution {
  rec: ExecutionRecord;
  /** What DescribeExecution and ListExecutions show: `rec` as of the last persisted step, so a
   * caller never sees a closed status before the history that closes it can be read. */
  visible: ExecutionRecord;
  def: Definition;
  parsedInput: Json;
  snap: Snapshot;
  queue: Promise<unknown>;
  pending: HistoryEvent[];
  effects: (() => void)[];
  dirty: boolean;
  recordDirty: boolean;
  nextDue?: number;
  inflight: Set<Promise<unknown>>;
  /** Continuations queued by a finishing child thread, run within the same step (never persisted). */
  followUps: (() => Promise<void>)[];
}

/** A Fail state without Error or Cause leaves the field absent, as AWS reports it. */
type ErrorInfo = { error?: string; cause?: string };

const TERMINAL_ERRORS = new Set(['States.Runtime', 'States.DataLimitExceeded']);
const MAX_TRANSITIONS_PER_STEP = 200;

export const smArnFor = (name: string) => `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
const execArnFor = (smName: string, name: string) => `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${smName}:${name}`;
const NAME_RE = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;
const DEFAULT_ROLE = `arn:aws:iam::${LOCAL_ACCOUNT}:role/local-stepfunctions`;

function errorMatches(list: unknown, error: string | undefined): boolean {
  if (!Array.isArray(list)) return false;
  if (error === undefined) return list.includes('States.ALL');
  if (list.includes(error)) return true;
  if (TERMINAL_ERRORS.has(error)) return false;
  if (list.includes('States.ALL')) return true;
  // States.TaskFailed: "a wildcard that matches any known error name except for States.Timeout".
  return list.includes('States.TaskFailed') && error !== 'States.Timeout';
}

function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof QueryEvaluationError) return { error: err.error, cause: err.message };
  if (err instanceof TaskError) return { error: err.error, cause: err.cause };
  return { error: 'States.Runtime', cause: String((err as Error)?.message ?? err) };
}

export function encodeToken(execArn: string, threadId: string, nonce: number): string {
  return Buffer.from(JSON.stringify({ e: execArn, t: threadId, n: nonce, r: randomUUID() })).toString('base64url');
}

function decodeToken(token: unknown): { e: string; t: string; n: number } | undefined {
  if (typeof token !== 'string' || token.length < 1 || token.length > 1024) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { e?: unknown; t?: unknown; n?: unknown };
    if (typeof v.e === 'string' && typeof v.t === 'string' && typeof v.n === 'number') return { e: v.e, t: v.t, n: v.n };
  } catch {
    /* fall through */
  }
  return undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class SfnEngine implements ClockSubscriber {
  readonly name = 'stepfunctions';
  readonly machines = new Map<string, MachineRecord>();
  readonly executions = new Map<string, Execution>();
  private readonly timed = new Set<Execution>();
  private readonly machineHashes = new WeakMap<MachineRecord, string>();
  /** Parsed definitions by the hash executions name them by: parsed once, shared (never mutated). */
  private readonly definitions = new Map<string, Definition>();
  private stopped = false;
  /** Steps queued or running, and integration calls in flight (for the clock's `busy`). */
  private active = 0;
  private tasksInFlight = 0;
  /** States entered so far (every thread), for benchmarks. */
  transitions = 0;

  /** DynamoDB writes the engine has issued so far (a transaction counts its items). */
  get persistedWrites(): number {
    return this.store.writes;
  }

  constructor(
    private readonly store: SfnStore,
    private readonly clock: LocalClock,
    private readonly integrations: Integrations,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  // ---------------------------------------------------------------- lifecycle

  /** Loads machines and executions; resumes every RUNNING execution. */
  async start(): Promise<number> {
    for (const m of await this.store.loadMachines()) this.machines.set(m.arn, m);
    const texts = await this.store.loadDefinitions();
    // Machines stored before definitions had their own table: executions will name theirs by hash.
    for (const m of this.machines.values()) await this.store.putDefinition(m.definition);
    let resumed = 0;
    for (const { record: rec, head } of await this.store.loadExecutions()) {
      const text = rec.definition ?? texts.get(rec.definitionHash ?? '');
      if (text === undefined) {
        this.log(`[stepfunctions] ${rec.arn}: definition ${rec.definitionHash} not found; execution not loaded`);
        continue;
      }
      const ex = this.newExecution(rec, this.parsedDefinition(text, rec.definitionHash));
      this.executions.set(rec.arn, ex);
      if (rec.status !== 'RUNNING') continue;
      const last: HistoryChunk | undefined = await this.store.lastChunk(rec.arn, head);
      if (!last) continue;
      ex.snap = last.snapshot as Snapshot;
      resumed++;
      // Relaunch the tasks that were in flight (at-least-once); callbacks keep their tokens.
      for (const t of Object.values(ex.snap.threads)) {
        if (t.phase === 'task' && t.task && t.task.phase === 'running') {
          const { resource, args } = t.task;
          const id = t.id;
          const nonce = t.task.nonce;
          ex.effects.push(() => this.launch(ex, id, nonce, resource, args));
        }
      }
      this.updateTimers(ex);
      void this.enqueue(ex, async () => undefined).catch(() => undefined);
    }
    return resumed;
  }

  get running(): boolean {
    return !this.stopped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.race([Promise.all([...this.executions.values()].map((e) => e.queue)), sleep(3000)]);
  }

  private parsedDefinition(text: string, hash = definitionHash(text)): Definition {
    let def = this.definitions.get(hash);
    if (!def) {
      def = JSON.parse(text) as Definition;
      this.definitions.set(hash, def);
    }
    return def;
  }

  private newExecution(rec: ExecutionRecord, def: Definition): Execution {
    return {
      rec,
      visible: rec,
      def,
      parsedInput: JSON.parse(rec.input),
      snap: { nextEventId: 1, seq: 0, nonce: 0, threadSeq: 0, threads: {} },
      queue: Promise.resolve(),
      pending: [],
      effects: [],
      dirty: false,
      recordDirty: false,
      inflight: new Set(),
      followUps: [],
    };
  }

  // ---------------------------------------------------------------- clock

  nextDueAt(): number | undefined {
    let min: number | undefined;
    for (const ex of this.timed) if (ex.nextDue !== undefined && (min === undefined || ex.nextDue < min)) min = ex.nextDue;
    return min;
  }

  async onTick(now: number): Promise<void> {
    const due = [...this.timed].filter((e) => e.nextDue !== undefined && e.nextDue <= now);
    await Promise.allSettled(due.map((ex) => this.enqueue(ex, () => this.fireTimers(ex, now))));
    // Let tasks started by what just fired finish (bounded), so that advancing the clock sees
    // their retries and timeouts in order.
    const inflight = due.flatMap((ex) => [...ex.inflight]);
    if (inflight.length) await Promise.race([Promise.allSettled(inflight), sleep(5000)]);
  }

  /** Steps to run or tasks in flight (a callback task waiting for its token is not busy). */
  busy(): boolean {
    return !this.stopped && (this.active > 0 || this.tasksInFlight > 0);
  }

  private updateTimers(ex: Execution): void {
    let min: number | undefined;
    const consider = (v: number | undefined) => {
      if (v !== undefined && (min === undefined || v < min)) min = v;
    };
    if (ex.rec.status === 'RUNNING') {
      consider(ex.snap.timeoutAt);
      for (const t of Object.values(ex.snap.threads)) {
        if (t.phase === 'wait' || t.phase === 'backoff') consider(t.wakeAt);
        if (t.phase === 'task' && t.task) {
          consider(t.task.timeoutAt);
          consider(t.task.heartbeatAt);
        }
      }
    }
    ex.nextDue = min;
    if (min === undefined) this.timed.delete(ex);
    else this.timed.add(ex);
  }

  private async fireTimers(ex: Execution, now: number): Promise<void> {
    if (ex.rec.status !== 'RUNNING') return;
    if (ex.snap.timeoutAt !== undefined && ex.snap.timeoutAt <= now) {
      this.emit(ex, undefined, 'ExecutionTimedOut', 'executionTimedOutEventDetails', { error: 'States.Timeout', cause: 'The execution timed out (TimeoutSeconds).' });
      this.close(ex, 'TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out (TimeoutSeconds).' });
      return;
    }
    type Due = { at: number; t: Thread; kind: 'wake' | 'timeout' | 'heartbeat' };
    const due: Due[] = [];
    for (const t of Object.values(ex.snap.threads)) {
      if ((t.phase === 'wait' || t.phase === 'backoff') && t.wakeAt !== undefined && t.wakeAt <= now) due.push({ at: t.wakeAt, t, kind: 'wake' });
      if (t.phase === 'task' && t.task?.timeoutAt !== undefined && t.task.timeoutAt <= now) due.push({ at: t.task.timeoutAt, t, kind: 'timeout' });
      else if (t.phase === 'task' && t.task?.heartbeatAt !== undefined && t.task.heartbeatAt <= now) due.push({ at: t.task.heartbeatAt, t, kind: 'heartbeat' });
    }
    due.sort((a, b) => a.at - b.at);
    for (const d of due) {
      const t = ex.snap.threads[d.t.id];
      if (!t || t !== d.t || ex.rec.status !== 'RUNNING') continue;
      if (d.kind === 'wake' && t.phase === 'wait') {
        const sdef = this.stateDef(ex, t);
        const states = { input: t.input, context: this.contextObject(ex, t) };
        await this.guard(ex, t, sdef, () => this.finishState(ex, t, sdef, states, t.input));
      } else if (d.kind === 'wake' && t.phase === 'backoff') {
        t.phase = 'exec';
        t.wakeAt = undefined;
      } else if (t.phase === 'task' && t.task) {
        const error = d.kind === 'timeout' ? 'States.Timeout' : 'States.HeartbeatTimeout';
        const cause = d.kind === 'timeout' ? `The task did not finish within ${t.task.timeoutSeconds} seconds (TimeoutSeconds).` : `No heartbeat within ${t.task.heartbeatSeconds} seconds (HeartbeatSeconds).`;
        this.taskEnded(ex, t, 'TimedOut', { error, cause });
        await this.stateFailed(ex, t, this.stateDef(ex, t), { error, cause });
      }
    }
  }

  // ---------------------------------------------------------------- the per-execution queue

  private enqueue<T>(ex: Execution, fn: () => Promise<T>): Promise<T> {
    this.active++;
    const run = ex.queue.then(async () => {
      let result: T;
      try {
        result = await fn();
        await this.drive(ex);
      } catch (err) {
        if (err instanceof AwsServiceError) {
          await this.flush(ex);
          throw err;
        }
        this.log(`[stepfunctions] internal error in ${ex.rec.arn}: ${(err as Error).stack ?? String(err)}`);
        if (ex.rec.status === 'RUNNING') {
          const info = toErrorInfo(err);
          this.emit(ex, undefined, 'ExecutionFailed', 'executionFailedEventDetails', info);
          this.close(ex, 'FAILED', info);
        }
        await this.flush(ex);
        throw err;
      }
      await this.flush(ex);
      return result;
    });
    ex.queue = run.catch(() => undefined).finally(() => this.active--);
    return run;
  }

  private async flush(ex: Execution): Promise<void> {
    if (ex.pending.length || ex.dirty || ex.recordDirty) {
      const events = ex.pending;
      ex.pending = [];
      const seq = ex.snap.seq++;
      ex.dirty = false;
      const record = ex.recordDirty ? ex.rec : undefined;
      ex.recordDirty = false;
      await this.store.writeStep({ arn: ex.rec.arn, seq, events, snapshot: ex.snap }, record);
    }
    ex.visible = ex.rec;
    this.updateTimers(ex);
    const effects = ex.effects;
    ex.effects = [];
    if (!this.stopped) for (const e of effects) e();
  }

  /** Runs every thread that can move, until all are blocked (bounded per step). */
  private async drive(ex: Execution): Promise<void> {
    let n = 0;
    for (;;) {
      if (ex.rec.status !== 'RUNNING') {
        ex.followUps = [];
        return;
      }
      const follow = ex.followUps.shift();
      if (follow) {
        await follow();
        continue;
      }
      const t = Object.values(ex.snap.threads).find((x) => x.phase === 'enter' || x.phase === 'exec');
      if (!t) return;
      if (++n > MAX_TRANSITIONS_PER_STEP) {
        // Persist what we have and continue in a later step, so an endless loop of Pass states
        // neither starves other executions nor builds an unbounded history item.
        this.active++;
        setImmediate(() => {
          this.active--;
          void this.enqueue(ex, async () => undefined).catch(() => undefined);
        });
        return;
      }
      const sdef = this.stateDef(ex, t);
      if (t.phase === 'enter') {
        t.enteredAt = this.clock.now();
        t.retries = [];
        t.retryCount = 0;
        this.transitions++;
        t.enteredEventId = this.emit(ex, t, `${sdef.Type}StateEntered`, 'stateEnteredEventDetails', { name: t.state, input: JSON.stringify(t.input), inputDetails: { truncated: false } });
      } else {
        t.retryCount++;
      }
      t.phase = 'exec';
      await this.guard(ex, t, sdef, () => this.execute(ex, t, sdef));
    }
  }

  /** Runs `fn`; an error becomes the state's failure (Retry / Catch / propagate). */
  private async guard(ex: Execution, t: Thread, sdef: StateDef, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (!(err instanceof QueryEvaluationError) && !(err instanceof TaskError)) throw err;
      const info = toErrorInfo(err);
      if (err instanceof QueryEvaluationError || (err instanceof TaskError && info.error?.startsWith('States.'))) {
        // AWS's causes of the errors it raises itself name the state and its StateEntered event.
        info.cause = `An error occurred while executing the state '${t.state}' (entered at the event id #${t.enteredEventId ?? t.lastEvent}). ${info.cause ?? ''}`;
      }
      if (err instanceof QueryEvaluationError) {
        this.emit(ex, t, 'EvaluationFailed', 'evaluationFailedEventDetails', { error: info.error, cause: info.cause, state: t.state, ...(err.location ? { location: err.location } : {}) });
      }
      await this.stateFailed(ex, t, sdef, info);
    }
  }

  // ---------------------------------------------------------------- events and context

  private emit(ex: Execution, t: Thread | undefined, type: string, key: string | undefined, details?: Record<string, unknown>): number {
    const id = ex.snap.nextEventId++;
    const prev = t ? t.lastEvent : id - 1;
    const ev: HistoryEvent = { timestamp: this.clock.now() / 1000, type, id, previousEventId: prev };
    if (key && details) ev[key] = details;
    ex.pending.push(ev);
    if (t) t.lastEvent = id;
    return id;
  }

  private graphOf(ex: Execution, scope: (string | number)[]): Graph {
    let g: unknown = ex.def;
    for (const k of scope) g = (g as Record<string | number, unknown>)[k];
    return g as Graph;
  }

  private stateDef(ex: Execution, t: Thread): StateDef {
    const s = this.graphOf(ex, t.scope).States[t.state];
    if (!s) throw new Error(`state ${t.state} not found`);
    return s;
  }

  /** The context object: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html */
  private contextObject(ex: Execution, t: Thread, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const smName = ex.rec.smArn.split(':').pop();
    return {
      Execution: { Id: ex.rec.arn, Input: ex.parsedInput, Name: ex.rec.name, RoleArn: ex.rec.roleArn, StartTime: iso(ex.rec.startDate), RedriveCount: 0 },
      State: { EnteredTime: iso(t.enteredAt), Name: t.state, RetryCount: t.retryCount },
      StateMachine: { Id: ex.rec.smArn, Name: smName },
      ...extra,
    };
  }

  // ---------------------------------------------------------------- states

  private async execute(ex: Execution, t: Thread, s: StateDef): Promise<void> {
    const context = this.contextObject(ex, t);
    const states: StatesVar = { input: t.input, context };
    switch (s.Type) {
      case 'Pass':
        return this.finishState(ex, t, s, states, t.input);
      case 'Succeed':
        return this.finishState(ex, t, s, states, t.input);
      case 'Fail': {
        // https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html: Error and Cause
        // are optional; one not given is absent from the failure, not a default.
        const field = async (name: 'Error' | 'Cause') => {
          const v = s[name];
          if (v === undefined) return undefined;
          const out = isJsonataExpr(v) ? await evalExpr(v, states, t.vars, name) : v;
          if (typeof out !== 'string') throw unexpectedType(v, name, 'string', out);
          return out;
        };
        const error = await field('Error');
        const cause = await field('Cause');
        return this.threadFailed(ex, t, { ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) });
      }
      case 'Choice': {
        const choices = (s.Choices ?? []) as { Condition: unknown; Next: string; Output?: unknown; Assign?: Record<string, unknown> }[];
        for (let i = 0; i < choices.length; i++) {
          const rule = choices[i]!;
          const v = isJsonataExpr(rule.Condition) ? await evalExpr(rule.Condition, states, t.vars, `Choices/${i}/Condition`) : rule.Condition;
          if (typeof v !== 'boolean') throw unexpectedType(rule.Condition, `Choices/${i}/Condition`, 'boolean', v);
          if (v) return this.finishState(ex, t, s, states, t.input, { next: rule.Next, output: rule.Output ?? s.Output, assign: rule.Assign ?? s.Assign });
        }
        if (typeof s.Default === 'string') return this.finishState(ex, t, s, states, t.input, { next: s.Default });
        throw new TaskError('States.NoChoiceMatched', `No Choice rule matched and there is no Default in state '${t.state}'.`);
      }
      case 'Wait': {
        let at: number;
        if (s.Seconds !== undefined) {
          const v = isJsonataExpr(s.Seconds) ? await evalExpr(s.Seconds, states, t.vars, 'Seconds') : s.Seconds;
          if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw unexpectedType(s.Seconds, 'Seconds', 'integer', v);
          at = this.clock.now() + v * 1000;
        } else {
          const v = isJsonataExpr(s.Timestamp) ? await evalExpr(s.Timestamp, states, t.vars, 'Timestamp') : s.Timestamp;
          // https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html: an RFC3339
          // timestamp, with its zone offset (Z or ±hh:mm); without one it is not a timestamp.
          const ms = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) ? Date.parse(v) : NaN;
          if (Number.isNaN(ms)) {
            if (typeof v !== 'string') throw unexpectedType(s.Timestamp, 'Timestamp', 'string', v);
            throw new QueryEvaluationError(`The Timestamp field value '${v}' is not a valid RFC3339 timestamp with a time zone offset (e.g. 2016-03-14T01:59:00Z).`, 'Timestamp');
          }
          at = ms;
        }
        if (at <= this.clock.now()) return this.finishState(ex, t, s, states, t.input);
        t.phase = 'wait';
        t.wakeAt = at;
        return;
      }
      case 'Task':
        return this.scheduleTask(ex, t, s, states);
      case 'Parallel': {
        const args = s.Arguments !== undefined ? await evalTemplate(s.Arguments, states, t.vars, 'Arguments') : t.input;
        const branches = s.Branches as Graph[];
        this.emit(ex, t, 'ParallelStateStarted', undefined);
        t.phase = 'children';
        t.fan = { kind: 'parallel', results: branches.map(() => null), remaining: branches.length, next: branches.length, running: branches.length, max: 0 };
        branches.forEach((b, i) => this.spawn(ex, t, [...t.scope, 'States', t.state, 'Branches', i], b.StartAt, args, i));
        if (branches.length === 0) await this.fanDone(ex, t);
        return;
      }
      case 'Map': {
        // Items: an expression, or a JSON array whose elements may themselves be expressions.
        const items = s.Items === undefined ? t.input : await evalTemplate(s.Items, states, t.vars, 'Items');
        if (!Array.isArray(items)) {
          if (s.Items === undefined) throw new QueryEvaluationError(`The state input of the Map state '${t.state}' is not an array: Expected 'array', but was '${items === null ? 'null' : typeof items}' for value: ${JSON.stringify(items)?.slice(0, 200)}`, 'Items');
          throw unexpectedType(s.Items, 'Items', 'array', items);
        }
        const maxRaw = s.MaxConcurrency === undefined ? 0 : isJsonataExpr(s.MaxConcurrency) ? await evalExpr(s.MaxConcurrency, states, t.vars, 'MaxConcurrency') : s.MaxConcurrency;
        if (typeof maxRaw !== 'number' || !Number.isInteger(maxRaw) || maxRaw < 0) throw unexpectedType(s.MaxConcurrency, 'MaxConcurrency', 'integer', maxRaw);
        const tolerance = async (field: 'ToleratedFailureCount' | 'ToleratedFailurePercentage') => {
          const raw = s[field];
          if (raw === undefined) return undefined;
          const v = isJsonataExpr(raw) ? await evalExpr(raw, states, t.vars, field) : raw;
          const ok = typeof v === 'number' && v >= 0 && (field === 'ToleratedFailureCount' ? Number.isInteger(v) : v <= 100);
          if (!ok) throw unexpectedType(raw, field, field === 'ToleratedFailureCount' ? 'integer' : 'number', v);
          return v as number;
        };
        const toleratedCount = await tolerance('ToleratedFailureCount');
        const toleratedPercent = await tolerance('ToleratedFailurePercentage');
        this.emit(ex, t, 'MapStateStarted', 'mapStateStartedEventDetails', { length: items.length });
        t.phase = 'children';
        t.fan = {
          kind: 'map',
          results: items.map(() => null),
          remaining: items.length,
          items,
          next: 0,
          running: 0,
          max: maxRaw,
          ...(toleratedCount !== undefined || toleratedPercent !== undefined ? { failed: 0, ...(toleratedCount !== undefined ? { toleratedCount } : {}), ...(toleratedPercent !== undefined ? { toleratedPercent } : {}) } : {}),
        };
        if (items.length === 0) return this.fanDone(ex, t);
        return this.startIterations(ex, t, s);
      }
      default:
        throw new TaskError('States.Runtime', `unsupported state type ${s.Type}`);
    }
  }

  private spawn(ex: Execution, parent: Thread, scope: (string | number)[], startAt: string, input: Json, index: number): Thread {
    const child: Thread = {
      id: `${parent.id}.${ex.snap.threadSeq++}`,
      parent: parent.id,
      scope,
      state: startAt,
      input,
      vars: { ...parent.vars },
      phase: 'enter',
      enteredAt: this.clock.now(),
      retries: [],
      retryCount: 0,
      index,
      lastEvent: parent.lastEvent,
    };
    ex.snap.threads[child.id] = child;
    return child;
  }

  private async startIterations(ex: Execution, t: Thread, s: StateDef): Promise<void> {
    const fan = t.fan!;
    const proc = s.ItemProcessor as Graph;
    while (fan.next < fan.results.length && (fan.max === 0 || fan.running < fan.max)) {
      const index = fan.next++;
      const value = fan.items![index];
      let input = value;
      if (s.ItemSelector !== undefined) {
        const context = this.contextObject(ex, t, { Map: { Item: { Index: index, Value: value } } });
        input = await evalTemplate(s.ItemSelector, { input: t.input, context }, t.vars, 'ItemSelector');
      }
      fan.running++;
      this.emit(ex, t, 'MapIterationStarted', 'mapIterationStartedEventDetails', { name: t.state, index });
      this.spawn(ex, t, [...t.scope, 'States', t.state, 'ItemProcessor'], proc.StartAt, input, index);
    }
  }

  private async scheduleTask(ex: Execution, t: Thread, s: StateDef, states: StatesVar): Promise<void> {
    const resource = String(s.Resource);
    const info = resourceInfo(resource);
    const nonce = ex.snap.nonce++;
    const token = info.callback ? encodeToken(ex.rec.arn, t.id, nonce) : undefined;
    const context = this.contextObject(ex, t, token ? { Task: { Token: token } } : {});
    const st = { ...states, context };
    const args = s.Arguments !== undefined ? await evalTemplate(s.Arguments, st, t.vars, 'Arguments') : info.bareLambda ? t.input : {};
    const num = async (v: unknown, field: string) => {
      if (v === undefined) return undefined;
      const n = isJsonataExpr(v) ? await evalExpr(v, st, t.vars, field) : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw new QueryEvaluationError(`${field} must be a positive integer, got ${JSON.stringify(n)}`);
      return n;
    };
    const timeoutSeconds = await num(s.TimeoutSeconds, 'TimeoutSeconds');
    const heartbeatSeconds = await num(s.HeartbeatSeconds, 'HeartbeatSeconds');
    const now = this.clock.now();
    if (info.bareLambda) {
      this.emit(ex, t, 'LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', {
        resource,
        input: JSON.stringify(args),
        inputDetails: { truncated: false },
        ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
      });
      this.emit(ex, t, 'LambdaFunctionStarted', undefined);
    } else {
      this.emit(ex, t, 'TaskScheduled', 'taskScheduledEventDetails', {
        resourceType: info.resourceType,
        resource: info.resource,
        region: LOCAL_REGION,
        parameters: JSON.stringify(args),
        ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
        ...(heartbeatSeconds ? { heartbeatInSeconds: heartbeatSeconds } : {}),
      });
      this.emit(ex, t, 'TaskStarted', 'taskStartedEventDetails', { resourceType: info.resourceType, resource: info.resource });
    }
    t.phase = 'task';
    t.task = {
      resource,
      args,
      phase: 'running',
      nonce,
      ...(token ? { token } : {}),
      ...(timeoutSeconds ? { timeoutSeconds, timeoutAt: now + timeoutSeconds * 1000 } : {}),
      ...(heartbeatSeconds ? { heartbeatSeconds, heartbeatAt: now + heartbeatSeconds * 1000 } : {}),
    };
    const id = t.id;
    ex.effects.push(() => this.launch(ex, id, nonce, resource, args));
  }

  private launch(ex: Execution, threadId: string, nonce: number, resource: string, args: Json): void {
    const p = this.integrations.run(resource, args).then(
      (value) => this.enqueue(ex, () => this.taskReturned(ex, threadId, nonce, { value })),
      (err: unknown) => this.enqueue(ex, () => this.taskReturned(ex, threadId, nonce, { err: err instanceof TaskError ? err : new TaskError('States.TaskFailed', String((err as Error)?.message ?? err)) })),
    );
    const tracked = p.catch(() => undefined);
    ex.inflight.add(tracked);
    this.tasksInFlight++;
    void tracked.finally(() => {
      ex.inflight.delete(tracked);
      this.tasksInFlight--;
    });
  }

  private async taskReturned(ex: Execution, threadId: string, nonce: number, r: { value?: Json; err?: TaskError }): Promise<void> {
    const t = ex.snap.threads[threadId];
    if (ex.rec.status !== 'RUNNING' || !t || t.phase !== 'task' || !t.task || t.task.nonce !== nonce || t.task.phase !== 'running') return;
    const s = this.stateDef(ex, t);
    const info = resourceInfo(t.task.resource);
    if (r.err) {
      this.taskEnded(ex, t, 'Failed', { error: r.err.error, cause: r.err.cause });
      return this.stateFailed(ex, t, s, { error: r.err.error, cause: r.err.cause });
    }
    if (info.callback) {
      t.task.phase = 'submitted';
      this.emit(ex, t, 'TaskSubmitted', 'taskSubmittedEventDetails', { resourceType: info.resourceType, resource: info.resource, output: JSON.stringify(r.value ?? null), outputDetails: { truncated: false } });
      return;
    }
    return this.taskSucceeded(ex, t, s, r.value ?? null);
  }

  private async taskSucceeded(ex: Execution, t: Thread, s: StateDef, result: Json): Promise<void> {
    const task = t.task!;
    const info = resourceInfo(task.resource);
    if (info.bareLambda) this.emit(ex, t, 'LambdaFunctionSucceeded', 'lambdaFunctionSucceededEventDetails', { output: JSON.stringify(result), outputDetails: { truncated: false } });
    else this.emit(ex, t, 'TaskSucceeded', 'taskSucceededEventDetails', { resourceType: info.resourceType, resource: info.resource, output: JSON.stringify(result), outputDetails: { truncated: false } });
    t.task = undefined;
    t.phase = 'exec';
    const states: StatesVar = { input: t.input, result, context: this.contextObject(ex, t) };
    await this.guard(ex, t, s, () => this.finishState(ex, t, s, states, result));
  }

  /** Records a task's failure / time-out event and forgets the task (its token dies with it). */
  private taskEnded(ex: Execution, t: Thread, how: 'Failed' | 'TimedOut', e: ErrorInfo): void {
    const info = resourceInfo(t.task!.resource);
    if (info.bareLambda) this.emit(ex, t, `LambdaFunction${how}`, `lambdaFunction${how}EventDetails`, { error: e.error, cause: e.cause });
    else this.emit(ex, t, `Task${how}`, `task${how}EventDetails`, { resourceType: info.resourceType, resource: info.resource, error: e.error, cause: e.cause });
    t.task = undefined;
    t.phase = 'exec';
  }

  /**
   * Output and Assign are evaluated together against the same $states and the variables as they
   * were before the state (assignments are not visible in Output):
   * https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
   */
  private async finishState(
    ex: Execution,
    t: Thread,
    s: StateDef,
    states: StatesVar,
    defaultOutput: Json,
    opts: { next?: string; output?: unknown; assign?: unknown } = {},
  ): Promise<void> {
    const outTpl = 'output' in opts ? opts.output : s.Output;
    const assignTpl = 'assign' in opts ? opts.assign : s.Assign;
    const output = outTpl !== undefined ? await evalTemplate(outTpl, states, t.vars, 'Output') : defaultOutput;
    const assigned = assignTpl !== undefined ? ((await evalTemplate(assignTpl, states, t.vars, 'Assign')) as Record<string, Json>) : undefined;
    this.exitState(ex, t, s, output, assigned, opts.next ?? (s.Next as string | undefined));
  }

  private exitState(ex: Execution, t: Thread, s: StateDef, output: Json, assigned: Record<string, Json> | undefined, next: string | undefined): void {
    const details: Record<string, unknown> = { name: t.state, output: JSON.stringify(output), outputDetails: { truncated: false } };
    if (assigned) {
      details.assignedVariables = Object.fromEntries(Object.entries(assigned).map(([k, v]) => [k, JSON.stringify(v)]));
      details.assignedVariablesDetails = { truncated: false };
      t.vars = { ...t.vars, ...assigned };
    }
    this.emit(ex, t, `${s.Type}StateExited`, 'stateExitedEventDetails', details);
    t.wakeAt = undefined;
    if (s.Type === 'Succeed' || s.End === true || !next) {
      this.threadDone(ex, t, output);
      return;
    }
    t.state = next;
    t.input = output;
    t.phase = 'enter';
  }

  /**
   * A state failed: the first retrier whose ErrorEquals matches decides (if its attempts are
   * spent, the Catchers are tried); then the first matching catcher; else the thread fails.
   * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
   */
  private async stateFailed(ex: Execution, t: Thread, s: StateDef, e: ErrorInfo): Promise<void> {
    t.task = undefined;
    const retriers = (s.Retry ?? []) as { ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number; MaxDelaySeconds?: number; JitterStrategy?: string }[];
    for (let i = 0; i < retriers.length; i++) {
      const r = retriers[i]!;
      if (!errorMatches(r.ErrorEquals, e.error)) continue;
      const done = t.retries[i] ?? 0;
      if (done < (r.MaxAttempts ?? 3)) {
        t.retries[i] = done + 1;
        let delay = (r.IntervalSeconds ?? 1) * Math.pow(r.BackoffRate ?? 2, done);
        if (r.MaxDelaySeconds !== undefined) delay = Math.min(delay, r.MaxDelaySeconds);
        if (r.JitterStrategy === 'FULL') delay = Math.random() * delay;
        t.phase = 'backoff';
        t.wakeAt = this.clock.now() + Math.round(delay * 1000);
        ex.dirty = true;
        return;
      }
      break;
    }
    const catchers = (s.Catch ?? []) as { ErrorEquals: string[]; Next: string; Output?: unknown; Assign?: unknown }[];
    for (const c of catchers) {
      if (!errorMatches(c.ErrorEquals, e.error)) continue;
      const errorOutput = { ...(e.error !== undefined ? { Error: e.error } : {}), ...(e.cause !== undefined ? { Cause: e.cause } : {}) };
      const states: StatesVar = { input: t.input, errorOutput, context: this.contextObject(ex, t) };
      let output: Json;
      let assigned: Record<string, Json> | undefined;
      try {
        output = c.Output !== undefined ? await evalTemplate(c.Output, states, t.vars, 'Output') : errorOutput;
        assigned = c.Assign !== undefined ? ((await evalTemplate(c.Assign, states, t.vars, 'Assign')) as Record<string, Json>) : undefined;
      } catch (err) {
        return this.threadFailed(ex, t, toErrorInfo(err));
      }
      this.exitState(ex, t, { ...s, End: false }, output, assigned, c.Next);
      return;
    }
    return this.threadFailed(ex, t, e);
  }

  private threadDone(ex: Execution, t: Thread, output: Json): void {
    if (!t.parent) {
      delete ex.snap.threads[t.id];
      this.emit(ex, t, 'ExecutionSucceeded', 'executionSucceededEventDetails', { output: JSON.stringify(output), outputDetails: { truncated: false } });
      this.close(ex, 'SUCCEEDED', { output: JSON.stringify(output) });
      return;
    }
    const p = ex.snap.threads[t.parent]!;
    delete ex.snap.threads[t.id];
    const fan = p.fan!;
    fan.results[t.index!] = output;
    fan.remaining--;
    fan.running--;
    if (fan.kind === 'map') this.emit(ex, t, 'MapIterationSucceeded', 'mapIterationSucceededEventDetails', { name: p.state, index: t.index });
    p.lastEvent = Math.max(p.lastEvent, t.lastEvent);
    // Follow-up work (more iterations, or the parent's exit) runs as a pseudo-thread step.
    const s = this.stateDef(ex, p);
    ex.followUps.push(async () => {
      if (!ex.snap.threads[p.id] || p.phase !== 'children') return;
      if (fan.remaining === 0) return this.fanDone(ex, p);
      if (fan.kind === 'map') await this.guard(ex, p, s, () => this.startIterations(ex, p, s));
    });
  }

  /**
   * A Map with ToleratedFailureCount / ToleratedFailurePercentage: an iteration's failure is
   * tolerated while the failures stay within both thresholds; its result is its error output.
   * Past either, the Map fails with States.ExceedToleratedFailureThreshold.
   * https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html
   */
  private tolerated(fan: Fan): boolean | undefined {
    if (fan.failed === undefined) return undefined;
    const total = fan.results.length;
    const countOk = fan.toleratedCount === undefined || fan.failed <= fan.toleratedCount;
    const percentOk = fan.toleratedPercent === undefined || (fan.failed / total) * 100 <= fan.toleratedPercent;
    return countOk && percentOk;
  }

  private async fanDone(ex: Execution, p: Thread): Promise<void> {
    const s = this.stateDef(ex, p);
    const fan = p.fan!;
    this.emit(ex, p, fan.kind === 'map' ? 'MapStateSucceeded' : 'ParallelStateSucceeded', undefined);
    p.fan = undefined;
    p.phase = 'exec';
    const states: StatesVar = { input: p.input, result: fan.results, context: this.contextObject(ex, p) };
    await this.guard(ex, p, s, () => this.finishState(ex, p, s, states, fan.results));
  }

  private threadFailed(ex: Execution, t: Thread, e: ErrorInfo): void {
    delete ex.snap.threads[t.id];
    if (!t.parent) {
      this.emit(ex, t, 'ExecutionFailed', 'executionFailedEventDetails', { ...e });
      this.close(ex, 'FAILED', { ...e });
      return;
    }
    const p = ex.snap.threads[t.parent];
    if (!p) return;
    const s = this.stateDef(ex, p);
    const fan = p.fan!;
    if (fan.kind === 'map') this.emit(ex, t, 'MapIterationFailed', 'mapIterationFailedEventDetails', { name: p.state, index: t.index });
    if (fan.kind === 'map' && fan.failed !== undefined) {
      fan.failed++;
      if (this.tolerated(fan)) {
        fan.results[t.index!] = { ...(e.error !== undefined ? { Error: e.error } : {}), ...(e.cause !== undefined ? { Cause: e.cause } : {}) };
        fan.remaining--;
        fan.running--;
        p.lastEvent = Math.max(p.lastEvent, t.lastEvent);
        ex.followUps.push(async () => {
          if (!ex.snap.threads[p.id] || p.phase !== 'children') return;
          if (fan.remaining === 0) return this.fanDone(ex, p);
          await this.guard(ex, p, s, () => this.startIterations(ex, p, s));
        });
        return;
      }
      e = { error: 'States.ExceedToleratedFailureThreshold', cause: `The specified tolerated failure threshold was exceeded: ${fan.failed} of ${fan.results.length} iterations failed.` };
    }
    // The other iterations / branches are stopped.
    for (const other of Object.values(ex.snap.threads)) {
      if (other.parent === p.id && fan.kind === 'map') this.emit(ex, p, 'MapIterationAborted', 'mapIterationAbortedEventDetails', { name: p.state, index: other.index });
    }
    this.dropDescendants(ex, p.id);
    this.emit(ex, p, fan.kind === 'map' ? 'MapStateFailed' : 'ParallelStateFailed', undefined);
    p.fan = undefined;
    p.phase = 'exec';
    ex.followUps.push(() => this.stateFailed(ex, p, s, e));
  }

  private dropDescendants(ex: Execution, id: string): void {
    for (const k of Object.keys(ex.snap.threads)) if (k.startsWith(`${id}.`)) delete ex.snap.threads[k];
  }

  private close(ex: Execution, status: ExecutionRecord['status'], f: { output?: string; error?: string; cause?: string }): void {
    ex.rec = { ...ex.rec, status, stopDate: this.clock.now(), ...f };
    ex.snap.threads = {};
    ex.recordDirty = true;
  }

  // ---------------------------------------------------------------- API operations

  createMachine(input: { name?: unknown; definition?: unknown; roleArn?: unknown; type?: unknown }): Promise<MachineRecord> | MachineRecord {
    const name = String(input.name ?? '');
    if (!NAME_RE.test(name)) throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
    if (input.type !== undefined && input.type !== 'STANDARD') throw new AwsServiceError('ValidationException', `type '${String(input.type)}' is not supported by the local engine (STANDARD only)`);
    const definition = this.validate(input.definition);
    const roleArn = typeof input.roleArn === 'string' ? input.roleArn : DEFAULT_ROLE;
    const arn = smArnFor(name);
    const existing = this.machines.get(arn);
    if (existing) {
      if (existing.definition === definition && existing.roleArn === roleArn) return existing;
      throw new AwsServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const m: MachineRecord = { arn, name, definition, roleArn, type: 'STANDARD', creationDate: this.clock.now(), revision: 1 };
    this.machines.set(arn, m);
    return this.store.putMachine(m).then(() => m);
  }

  async updateMachine(input: { stateMachineArn?: unknown; definition?: unknown; roleArn?: unknown }): Promise<MachineRecord> {
    const m = this.machine(input.stateMachineArn);
    const next: MachineRecord = {
      ...m,
      ...(input.definition !== undefined ? { definition: this.validate(input.definition) } : {}),
      ...(typeof input.roleArn === 'string' ? { roleArn: input.roleArn } : {}),
      updateDate: this.clock.now(),
      revision: m.revision + 1,
    };
    this.machines.set(m.arn, next);
    await this.store.putMachine(next);
    return next;
  }

  async deleteMachine(arn: unknown): Promise<void> {
    this.checkArn(arn, 'stateMachine');
    if (!this.machines.delete(arn as string)) return;
    await this.store.deleteMachine(arn as string);
  }

  machine(arn: unknown): MachineRecord {
    this.checkArn(arn, 'stateMachine');
    const m = this.machines.get(arn as string);
    if (!m) throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    return m;
  }

  execution(arn: unknown): Execution {
    this.checkArn(arn, 'execution');
    const ex = this.executions.get(arn as string);
    if (!ex) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return ex;
  }

  private checkArn(arn: unknown, kind: string): void {
    if (typeof arn !== 'string' || !arn.startsWith(`arn:aws:states:`) || arn.split(':')[5] !== kind) {
      throw new AwsServiceError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
    }
  }

  private validate(definition: unknown): string {
    if (typeof definition !== 'string') throw new AwsServiceError('ValidationException', 'definition is required');
    try {
      checkDefinition(definition);
    } catch (err) {
      if (err instanceof DefinitionError) throw new AwsServiceError('InvalidDefinition', err.message);
      throw err;
    }
    return definition;
  }

  /**
   * StartExecution. Names are idempotent as in AWS: the same name and input as a RUNNING
   * execution returns that execution; otherwise a used name is ExecutionAlreadyExists.
   * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
   */
  async startExecution(input: { stateMachineArn?: unknown; name?: unknown; input?: unknown }): Promise<{ executionArn: string; startDate: number }> {
    if (this.stopped) throw new AwsServiceError('ServiceUnavailable', 'the local engine is stopping', 503);
    const m = this.machine(input.stateMachineArn);
    const name = input.name === undefined ? randomUUID() : String(input.name);
    if (!NAME_RE.test(name)) throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
    const text = input.input === undefined ? '{}' : String(input.input);
    let parsed: Json;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new AwsServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: 'not valid JSON'`);
    }
    const arn = execArnFor(m.name, name);
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.rec.status === 'RUNNING' && existing.rec.input === text) return { executionArn: arn, startDate: existing.rec.startDate / 1000 };
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const hash = this.machineHashes.get(m) ?? definitionHash(m.definition);
    this.machineHashes.set(m, hash);
    const def = this.parsedDefinition(m.definition, hash);
    const now = this.clock.now();
    const rec: ExecutionRecord = { arn, smArn: m.arn, name, status: 'RUNNING', input: text, startDate: now, definitionHash: hash, roleArn: m.roleArn };
    const ex = this.newExecution(rec, def);
    ex.parsedInput = parsed;
    this.executions.set(arn, ex);
    try {
      await this.enqueue(ex, async () => {
        this.emit(ex, undefined, 'ExecutionStarted', 'executionStartedEventDetails', { input: text, inputDetails: { truncated: false }, roleArn: m.roleArn });
        if (def.TimeoutSeconds) ex.snap.timeoutAt = now + def.TimeoutSeconds * 1000;
        ex.snap.threads['0'] = { id: '0', scope: [], state: def.StartAt, input: parsed, vars: {}, phase: 'enter', enteredAt: now, retries: [], retryCount: 0, lastEvent: 1 };
        ex.recordDirty = true;
      });
    } catch (err) {
      if (ex.snap.seq === 0) this.executions.delete(arn);
      throw err;
    }
    return { executionArn: arn, startDate: now / 1000 };
  }

  async stopExecution(input: { executionArn?: unknown; error?: unknown; cause?: unknown }): Promise<{ stopDate: number }> {
    const ex = this.execution(input.executionArn);
    await this.enqueue(ex, async () => {
      if (ex.rec.status !== 'RUNNING') return;
      const details = { ...(typeof input.error === 'string' ? { error: input.error } : {}), ...(typeof input.cause === 'string' ? { cause: input.cause } : {}) };
      this.emit(ex, undefined, 'ExecutionAborted', 'executionAbortedEventDetails', details);
      this.close(ex, 'ABORTED', details);
    });
    return { stopDate: (ex.rec.stopDate ?? this.clock.now()) / 1000 };
  }

  /**
   * SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat. A token that is not one of ours is
   * InvalidToken; one of ours whose task is over (done, timed out, execution closed) is
   * TaskTimedOut, as AWS answers; one for an execution that does not exist is TaskDoesNotExist.
   * https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
   */
  async callback(kind: 'success' | 'failure' | 'heartbeat', input: { taskToken?: unknown; output?: unknown; error?: unknown; cause?: unknown }): Promise<void> {
    const tok = decodeToken(input.taskToken);
    if (!tok) throw new AwsServiceError('InvalidToken', 'Invalid Token: the task token is malformed');
    let output: Json;
    if (kind === 'success') {
      if (typeof input.output !== 'string') throw new AwsServiceError('InvalidOutput', 'Invalid Output: output is required');
      try {
        output = JSON.parse(input.output);
      } catch {
        throw new AwsServiceError('InvalidOutput', 'Invalid Output: not valid JSON');
      }
    }
    const ex = this.executions.get(tok.e);
    if (!ex) throw new AwsServiceError('TaskDoesNotExist', 'Task Does Not Exist');
    const gone = () => new AwsServiceError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    await this.enqueue(ex, async () => {
      const t = ex.snap.threads[tok.t];
      if (ex.rec.status !== 'RUNNING' || !t || t.phase !== 'task' || !t.task || t.task.token !== input.taskToken) throw gone();
      const s = this.stateDef(ex, t);
      if (kind === 'heartbeat') {
        if (t.task.heartbeatSeconds) t.task.heartbeatAt = this.clock.now() + t.task.heartbeatSeconds * 1000;
        ex.dirty = true;
        return;
      }
      if (kind === 'success') return this.taskSucceeded(ex, t, s, output);
      const e: ErrorInfo = { ...(typeof input.error === 'string' ? { error: input.error } : {}), ...(typeof input.cause === 'string' ? { cause: input.cause } : {}) };
      this.taskEnded(ex, t, 'Failed', e);
      return this.stateFailed(ex, t, s, e);
    });
  }

  async history(arn: unknown): Promise<HistoryEvent[]> {
    this.execution(arn);
    return (await this.store.events(arn as string)) as HistoryEvent[];
  }
}
