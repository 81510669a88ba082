import { manifest } from '../../infra/manifest.ts';
import type { RuleDef, ScheduleDef, TargetDef } from '../../infra/manifest-types.ts';
import { functionArn, functionName, stateMachineArn } from '../names.ts';
import { plugins, type LocalContext } from '../runtime.ts';
import { eventsService } from './api.ts';
import { EventBridgeEngine, type TargetRecord } from './engine.ts';
import { schedulerService } from './scheduler-api.ts';
import { loadTestFunctionsFromEnv } from './test-functions.ts';

/**
 * The local EventBridge: buses `default` and the manifest's bus, the manifest's rules and
 * schedules, the `AWSEvents.*` API on the AWS endpoint, schedules on the runtime's clock, and
 * redelivery of what the outbox still held when the runtime last stopped (or crashed).
 */
const engines = new WeakMap<LocalContext, EventBridgeEngine>();

/** The engine of a running stack (tests, bench). */
export function eventBridgeOf(ctx: LocalContext): EventBridgeEngine {
  const e = engines.get(ctx);
  if (!e) throw new Error('the eventbridge plugin is not running in this stack');
  return e;
}

export function manifestTarget(def: TargetDef, id: string): TargetRecord {
  return {
    Id: id,
    Arn: 'function' in def ? functionArn(def.function) : stateMachineArn(def.workflow),
    ...(def.inputPath !== undefined ? { InputPath: def.inputPath } : {}),
    ...(def.inputTransformer ? { InputTransformer: { ...(def.inputTransformer.inputPathsMap ? { InputPathsMap: def.inputTransformer.inputPathsMap } : {}), InputTemplate: def.inputTransformer.inputTemplate } } : {}),
  };
}

/** Physical names of the manifest's rules and schedules (as for functions: `<app>-<logical>`). */
export const manifestRuleName = (logical: string) => functionName(logical);

/**
 * Create the manifest's rules (on its bus, named `<app>-<logical>`, ManagedBy 'manifest') and
 * its schedules (EventBridge Scheduler semantics: time zone, constant input). Run at every start.
 */
export function applyManifest(engine: EventBridgeEngine, m: { busName: string; rules: Record<string, RuleDef>; schedules: Record<string, ScheduleDef> }): void {
  engine.addBus(m.busName);
  for (const [logical, def] of Object.entries(m.rules)) {
    const name = manifestRuleName(logical);
    engine.putRule({ Name: name, EventBusName: m.busName, EventPattern: JSON.stringify(def.eventPattern), State: 'ENABLED', Description: def.description, ManagedBy: 'manifest' });
    const targets = def.targets.map((t, i) => manifestTarget(t, `Target${i}`));
    if (targets.length) engine.putTargets(m.busName, name, targets);
  }
  engine.startRuleSchedules();
  for (const [logical, def] of Object.entries(m.schedules)) {
    const name = manifestRuleName(logical);
    const target = manifestTarget(def.target, 'Target0');
    if (def.input !== undefined && !target.InputPath && !target.InputTransformer) target.Input = JSON.stringify(def.input);
    // Visible through the Scheduler API (ListSchedules, GetSchedule), as in AWS.
    engine.putSchedulerSchedule({
      Name: name,
      GroupName: 'default',
      ScheduleExpression: def.expression,
      ScheduleExpressionTimezone: def.timezone ?? 'UTC',
      State: 'ENABLED',
      ...(def.description ? { Description: def.description } : {}),
      Target: { Arn: target.Arn, RoleArn: `arn:aws:iam::000000000000:role/${name}-scheduler`, ...(target.Input !== undefined ? { Input: target.Input } : {}) },
      FlexibleTimeWindow: { Mode: 'OFF' },
      ManagedBy: 'manifest',
      delivery: target,
    });
  }
}

export async function startEventBridge(ctx: LocalContext): Promise<EventBridgeEngine> {
  const env = process.env;
  const engine = new EventBridgeEngine({
    dataDir: ctx.dataDir,
    now: () => ctx.clock.now(),
    lambdas: ctx.lambdas,
    awsUrl: ctx.awsUrl,
    log: (l) => ctx.log(l),
    ...(env.JIUZHU_EVENTS_RETRY_BASE_MS ? { retryBaseMs: Number(env.JIUZHU_EVENTS_RETRY_BASE_MS) } : {}),
    ...(env.JIUZHU_EVENTS_FSYNC === '0' ? { fsync: false } : {}),
  });
  engines.set(ctx, engine);

  const loaded = await loadTestFunctionsFromEnv(env);
  if (loaded.length) ctx.log(`eventbridge: test functions ${loaded.join(', ')} (JIUZHU_TEST_FUNCTIONS)`);

  applyManifest(engine, manifest);

  ctx.aws.register(eventsService(engine, () => ctx.clock.now()));
  ctx.aws.registerRest(schedulerService(engine));
  ctx.clock.subscribe(engine);
  ctx.onStop(() => engine.stop());
  ctx.health('eventbridge', () => engine.running);
  const resumed = engine.resumePending();
  if (resumed) ctx.log(`eventbridge: redelivering ${resumed} pending deliveries from the outbox`);
  return engine;
}

plugins.push({ name: 'eventbridge', start: async (ctx) => void (await startEventBridge(ctx)) });
