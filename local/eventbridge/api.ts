import { randomUUID } from 'node:crypto';
import { AwsServiceError, type AwsJsonService } from '../aws-endpoint.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../names.ts';
import { eventBusArn, isoSeconds, ruleArn, type EventBridgeEngine, type RuleRecord, type TargetRecord } from './engine.ts';
import { compilePattern, InvalidEventPatternError, matchesPattern } from './pattern.ts';
import { InvalidScheduleError } from './schedule.ts';
import { validateTargetInput } from './transform.ts';

/** PutEvents' limit on the summed entry sizes, as AWS computes them. */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;
const NAME_RE = /^[.\-_A-Za-z0-9]{1,64}$/;
const MAX_TARGETS_PER_RULE = 5;

/**
 * `X-Amz-Target: AWSEvents.*` (AWS JSON 1.1) on the local AWS endpoint. Beyond AWS's actions,
 * `LocalListDeadLetters`, `LocalRedriveDeadLetters` and `LocalWaitForDeliveries` serve the
 * local dead-letter store and tests.
 */
export function eventsService(engine: EventBridgeEngine, now: () => number): AwsJsonService {
  const handlers: Record<string, (input: Record<string, unknown>) => unknown> = {
    PutEvents: (input) => putEvents(engine, now, input),
    TestEventPattern: (input) => testEventPattern(input),
    PutRule: (input) => putRule(engine, input),
    DescribeRule: (input) => describe(requireRule(engine, input, 'Name')),
    ListRules: (input) => listRules(engine, input),
    DeleteRule: (input) => deleteRule(engine, input),
    EnableRule: (input) => setState(engine, input, 'ENABLED'),
    DisableRule: (input) => setState(engine, input, 'DISABLED'),
    PutTargets: (input) => putTargets(engine, input),
    RemoveTargets: (input) => removeTargets(engine, input),
    ListTargetsByRule: (input) => listTargets(engine, input),
    ListEventBuses: () => ({ EventBuses: [...engine.buses].sort().map((b) => ({ Name: b, Arn: eventBusArn(b) })) }),
    DescribeEventBus: (input) => {
      const bus = busOf(engine, input.Name);
      return { Name: bus, Arn: eventBusArn(bus) };
    },
    LocalListDeadLetters: () => ({
      DeadLetters: engine.listDeadLetters().map((d) => ({
        Id: d.id,
        EventId: d.eventId,
        Source: d.source,
        TargetId: d.targetId,
        TargetArn: d.arn,
        Input: d.input,
        Attempts: d.attempts,
        LastError: d.lastError,
        FailedAt: new Date(d.failedAt).toISOString(),
      })),
    }),
    LocalRedriveDeadLetters: (input) => {
      const ids = input.Ids === undefined ? undefined : stringList(input.Ids, 'Ids');
      return { Redriven: engine.redrive(ids) };
    },
    LocalWaitForDeliveries: async (input) => {
      const timeout = typeof input.TimeoutMs === 'number' ? input.TimeoutMs : 30_000;
      const idle = await engine.whenIdle(timeout);
      return { Idle: idle, Pending: engine.store.pending.size, DeadLetters: engine.store.dead.size };
    },
  };
  return {
    targetPrefix: 'AWSEvents',
    contentType: 'application/x-amz-json-1.1',
    async handle(action, input) {
      const h = handlers[action];
      if (!h) throw new AwsServiceError('UnknownOperationException', `AWSEvents.${action} is not supported by the local runtime`);
      try {
        return await h(input);
      } catch (err) {
        if (err instanceof InvalidEventPatternError) throw new AwsServiceError('InvalidEventPatternException', err.message);
        if (err instanceof InvalidScheduleError) throw new AwsServiceError('ValidationException', err.message);
        throw err;
      }
    },
  };
}

// ------------------------------------------------------------------------------ PutEvents

function utf8(s: unknown): number {
  return typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0;
}

/** AWS's "Calculating PutEvents event entry size". */
export function entrySize(e: Record<string, unknown>): number {
  let size = e.Time !== undefined ? 14 : 0;
  size += utf8(e.Source) + utf8(e.DetailType) + utf8(e.Detail);
  if (Array.isArray(e.Resources)) for (const r of e.Resources) size += utf8(r);
  return size;
}

async function putEvents(engine: EventBridgeEngine, now: () => number, input: Record<string, unknown>) {
  const entries = input.Entries;
  if (!Array.isArray(entries)) throw new AwsServiceError('ValidationException', "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
  if (entries.length < 1) throw new AwsServiceError('ValidationException', "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1");
  if (entries.length > 10) throw new AwsServiceError('ValidationException', `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10`);
  let total = 0;
  for (const e of entries) total += entrySize(isObject(e) ? e : {});
  if (total > MAX_PUT_EVENTS_BYTES) throw new AwsServiceError('ValidationException', 'Total size of the entries in the request is over the limit.');

  const results: Record<string, unknown>[] = [];
  const accepted: { bus: string; event: Record<string, unknown> }[] = [];
  for (const raw of entries) {
    const e = isObject(raw) ? raw : {};
    const fail = (code: string, message: string) => results.push({ ErrorCode: code, ErrorMessage: message });
    if (typeof e.Source !== 'string' || e.Source === '') {
      fail('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
      continue;
    }
    if (typeof e.DetailType !== 'string' || e.DetailType === '') {
      fail('InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.');
      continue;
    }
    if (typeof e.Detail !== 'string' || e.Detail === '') {
      fail('InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.');
      continue;
    }
    let detail: unknown;
    try {
      detail = JSON.parse(e.Detail);
    } catch {
      detail = undefined;
    }
    if (!isObject(detail)) {
      fail('MalformedDetail', 'Detail is malformed.');
      continue;
    }
    if (e.Resources !== undefined && (!Array.isArray(e.Resources) || e.Resources.some((r) => typeof r !== 'string'))) {
      fail('InvalidArgument', 'Parameter Resources is not valid. Reason: Resources must be a list of strings.');
      continue;
    }
    if (e.Source.startsWith('aws.')) {
      fail('NotAuthorizedForSourceException', 'Not authorized for the source.');
      continue;
    }
    const busName = typeof e.EventBusName === 'string' && e.EventBusName !== '' ? e.EventBusName : undefined;
    const bus = engine.resolveBus(busName);
    if (!bus) {
      fail('NotFoundException', `Event bus ${busName} does not exist.`);
      continue;
    }
    let time = now();
    if (e.Time !== undefined) {
      const t = typeof e.Time === 'number' ? e.Time * 1000 : typeof e.Time === 'string' ? Date.parse(e.Time) : NaN;
      if (!Number.isFinite(t)) {
        fail('InvalidArgument', 'Parameter Time is not valid.');
        continue;
      }
      time = t;
    }
    const id = randomUUID();
    accepted.push({
      bus,
      event: {
        version: '0',
        id,
        'detail-type': e.DetailType,
        source: e.Source,
        account: LOCAL_ACCOUNT,
        time: isoSeconds(time),
        region: LOCAL_REGION,
        resources: (e.Resources as string[] | undefined) ?? [],
        detail,
      },
    });
    results.push({ EventId: id });
  }
  // Durable before the caller hears "accepted".
  await engine.accept(accepted);
  return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
}

// ------------------------------------------------------------------------------ TestEventPattern

const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;

function testEventPattern(input: Record<string, unknown>) {
  if (typeof input.EventPattern !== 'string') throw new AwsServiceError('ValidationException', 'Parameter EventPattern is required.');
  if (typeof input.Event !== 'string') throw new AwsServiceError('ValidationException', 'Parameter Event is required.');
  const pattern = compilePattern(input.EventPattern);
  let event: unknown;
  try {
    event = JSON.parse(input.Event);
  } catch {
    throw new AwsServiceError('ValidationException', 'Parameter Event is not valid: not JSON.');
  }
  if (!isObject(event)) throw new AwsServiceError('ValidationException', 'Parameter Event is not valid: not a JSON object.');
  for (const f of REQUIRED_EVENT_FIELDS) {
    if (!(f in event)) throw new AwsServiceError('ValidationException', `Parameter Event is not valid: missing required field "${f}".`);
  }
  return { Result: matchesPattern(pattern, event) };
}

// ------------------------------------------------------------------------------ rules

function busOf(engine: EventBridgeEngine, nameOrArn: unknown): string {
  const name = typeof nameOrArn === 'string' && nameOrArn !== '' ? nameOrArn : undefined;
  const bus = engine.resolveBus(name);
  if (!bus) throw new AwsServiceError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
  return bus;
}

function requireName(input: Record<string, unknown>, field: string): string {
  const v = input[field];
  if (typeof v !== 'string' || !NAME_RE.test(v)) {
    throw new AwsServiceError('ValidationException', `1 validation error detected: Value '${String(v)}' at '${field.toLowerCase()}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`);
  }
  return v;
}

function requireRule(engine: EventBridgeEngine, input: Record<string, unknown>, field: string): RuleRecord {
  const bus = busOf(engine, input.EventBusName);
  const name = requireName(input, field);
  const rule = engine.getRule(bus, name);
  if (!rule) throw new AwsServiceError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus}.`);
  return rule;
}

function describe(rule: RuleRecord) {
  return {
    Name: rule.Name,
    Arn: ruleArn(rule.EventBusName, rule.Name),
    ...(rule.EventPattern !== undefined ? { EventPattern: rule.EventPattern } : {}),
    ...(rule.ScheduleExpression !== undefined ? { ScheduleExpression: rule.ScheduleExpression } : {}),
    State: rule.State,
    ...(rule.Description !== undefined ? { Description: rule.Description } : {}),
    ...(rule.RoleArn !== undefined ? { RoleArn: rule.RoleArn } : {}),
    ...(rule.ManagedBy !== undefined ? { ManagedBy: rule.ManagedBy } : {}),
    EventBusName: rule.EventBusName,
    CreatedBy: LOCAL_ACCOUNT,
  };
}

function putRule(engine: EventBridgeEngine, input: Record<string, unknown>) {
  const name = requireName(input, 'Name');
  const bus = busOf(engine, input.EventBusName);
  const pattern = input.EventPattern;
  const schedule = input.ScheduleExpression;
  if (pattern === undefined && schedule === undefined) throw new AwsServiceError('ValidationException', 'Parameter(s) EventPattern or ScheduleExpression must be specified.');
  if (pattern !== undefined && (typeof pattern !== 'string' || pattern.length > 4096)) throw new AwsServiceError('ValidationException', 'EventPattern must be a string of at most 4096 characters.');
  if (schedule !== undefined) {
    if (typeof schedule !== 'string' || schedule.length > 256) throw new AwsServiceError('ValidationException', 'Parameter ScheduleExpression is not valid.');
    if (bus !== 'default') throw new AwsServiceError('ValidationException', 'ScheduleExpression is supported only on the default event bus.');
  }
  const state = input.State ?? 'ENABLED';
  if (state !== 'ENABLED' && state !== 'DISABLED') throw new AwsServiceError('ValidationException', `State must be ENABLED or DISABLED.`);
  const existing = engine.getRule(bus, name);
  engine.putRule({
    Name: name,
    EventBusName: bus,
    ...(pattern !== undefined ? { EventPattern: pattern as string } : {}),
    ...(schedule !== undefined ? { ScheduleExpression: schedule as string } : {}),
    State: state,
    ...(typeof input.Description === 'string' ? { Description: input.Description } : {}),
    ...(typeof input.RoleArn === 'string' ? { RoleArn: input.RoleArn } : {}),
    ...(existing?.ManagedBy ? { ManagedBy: existing.ManagedBy } : {}),
  });
  return { RuleArn: ruleArn(bus, name) };
}

function listRules(engine: EventBridgeEngine, input: Record<string, unknown>) {
  const bus = busOf(engine, input.EventBusName);
  const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
  const limit = typeof input.Limit === 'number' && input.Limit > 0 ? Math.min(input.Limit, 100) : 100;
  const start = typeof input.NextToken === 'string' ? Number(Buffer.from(input.NextToken, 'base64url').toString()) || 0 : 0;
  const all = engine.listRules(bus).filter((r) => r.Name.startsWith(prefix));
  const page = all.slice(start, start + limit);
  const next = start + limit < all.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  return { Rules: page.map(describe).map(({ CreatedBy: _c, ...r }) => r), ...(next ? { NextToken: next } : {}) };
}

function deleteRule(engine: EventBridgeEngine, input: Record<string, unknown>) {
  const bus = busOf(engine, input.EventBusName);
  const name = requireName(input, 'Name');
  const rule = engine.getRule(bus, name);
  if (!rule) return {};
  if (rule.Targets.length > 0) throw new AwsServiceError('ValidationException', "Rule can't be deleted since it has targets.");
  engine.deleteRule(bus, name);
  return {};
}

function setState(engine: EventBridgeEngine, input: Record<string, unknown>, state: 'ENABLED' | 'DISABLED') {
  const rule = requireRule(engine, input, 'Name');
  const { Targets: _t, ...rest } = rule;
  engine.putRule({ ...rest, State: state });
  return {};
}

function putTargets(engine: EventBridgeEngine, input: Record<string, unknown>) {
  const rule = requireRule(engine, input, 'Rule');
  const targets = input.Targets;
  if (!Array.isArray(targets) || targets.length < 1 || targets.length > 10) {
    throw new AwsServiceError('ValidationException', "1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10");
  }
  const failed: { TargetId: string; ErrorCode: string; ErrorMessage: string }[] = [];
  const ok: TargetRecord[] = [];
  for (const raw of targets) {
    const t = isObject(raw) ? raw : {};
    const id = typeof t.Id === 'string' ? t.Id : '';
    const fail = (code: string, message: string) => failed.push({ TargetId: id, ErrorCode: code, ErrorMessage: message });
    if (!NAME_RE.test(id)) {
      fail('ValidationException', 'Target Id is not valid.');
      continue;
    }
    if (typeof t.Arn !== 'string' || !t.Arn.startsWith('arn:')) {
      fail('ValidationException', 'Target Arn is not valid.');
      continue;
    }
    const service = t.Arn.split(':')[2];
    if (service !== 'lambda' && service !== 'states') {
      fail('ValidationException', `Target type not supported by the local runtime (Lambda and Step Functions are): ${t.Arn}`);
      continue;
    }
    const rec: TargetRecord = {
      Id: id,
      Arn: t.Arn,
      ...(typeof t.Input === 'string' ? { Input: t.Input } : {}),
      ...(typeof t.InputPath === 'string' ? { InputPath: t.InputPath } : {}),
      ...(isObject(t.InputTransformer) ? { InputTransformer: t.InputTransformer as unknown as TargetRecord['InputTransformer'] & object } : {}),
      ...(typeof t.RoleArn === 'string' ? { RoleArn: t.RoleArn } : {}),
      ...(isObject(t.RetryPolicy) ? { RetryPolicy: t.RetryPolicy as TargetRecord['RetryPolicy'] & object } : {}),
      ...(isObject(t.DeadLetterConfig) ? { DeadLetterConfig: t.DeadLetterConfig as TargetRecord['DeadLetterConfig'] & object } : {}),
    };
    const inputError = validateTargetInput(rec);
    if (inputError) {
      fail('ValidationException', inputError);
      continue;
    }
    const retry = rec.RetryPolicy;
    if (retry) {
      const n = retry.MaximumRetryAttempts;
      const age = retry.MaximumEventAgeInSeconds;
      if ((n !== undefined && (!Number.isInteger(n) || n < 0 || n > 185)) || (age !== undefined && (!Number.isInteger(age) || age < 60 || age > 86_400))) {
        fail('ValidationException', 'RetryPolicy is not valid: MaximumRetryAttempts 0..185, MaximumEventAgeInSeconds 60..86400.');
        continue;
      }
    }
    ok.push(rec);
  }
  const ids = new Set([...rule.Targets.map((t) => t.Id), ...ok.map((t) => t.Id)]);
  if (ids.size > MAX_TARGETS_PER_RULE) throw new AwsServiceError('LimitExceededException', `The requested resource exceeds the maximum number allowed (${MAX_TARGETS_PER_RULE} targets per rule).`);
  if (ok.length) engine.putTargets(rule.EventBusName, rule.Name, ok);
  return { FailedEntryCount: failed.length, FailedEntries: failed };
}

function removeTargets(engine: EventBridgeEngine, input: Record<string, unknown>) {
  const rule = requireRule(engine, input, 'Rule');
  const ids = stringList(input.Ids, 'Ids');
  engine.removeTargets(rule.EventBusName, rule.Name, ids);
  return { FailedEntryCount: 0, FailedEntries: [] };
}

function listTargets(engine: EventBridgeEngine, input: Record<string, unknown>) {
  const rule = requireRule(engine, input, 'Rule');
  return { Targets: rule.Targets.map((t) => ({ ...t })) };
}

function stringList(v: unknown, field: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new AwsServiceError('ValidationException', `${field} must be a list of strings.`);
  return v as string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
