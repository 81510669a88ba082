import { Stack } from 'aws-cdk-lib';
import {
  Rule,
  RuleTargetInput,
  Schedule,
  type EventPattern,
  type IEventBus,
  type IRuleTarget,
  type RuleTargetInputProperties,
} from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { Grant, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { RuleDef, ScheduleDef, TargetDef } from '../manifest-types.ts';
import { grantInvokeExact } from './bind.ts';
import type { JiuzhuFunction } from './function.ts';
import type { JiuzhuWorkflow } from './workflow.ts';

export interface TargetResources {
  functions: Record<string, JiuzhuFunction>;
  workflows: Record<string, JiuzhuWorkflow>;
}

/** A target input passed through to CloudFormation as the manifest states it. */
class RawInput extends RuleTargetInput {
  constructor(private readonly props: RuleTargetInputProperties) {
    super();
  }
  override bind(): RuleTargetInputProperties {
    return this.props;
  }
}

function inputOf(target: TargetDef): RuleTargetInput | undefined {
  if (target.inputTransformer) {
    return new RawInput({
      inputPathsMap: target.inputTransformer.inputPathsMap ?? {},
      inputTemplate: target.inputTransformer.inputTemplate,
    });
  }
  if (target.inputPath) return new RawInput({ inputPath: target.inputPath });
  return undefined;
}

function ruleTarget(where: string, target: TargetDef, res: TargetResources, input = inputOf(target)): IRuleTarget {
  if ('function' in target) {
    const fn = res.functions[target.function];
    if (!fn) throw new Error(`${where} targets unknown function ${target.function}`);
    return new LambdaFunction(fn.function, { ...(input ? { event: input } : {}), retryAttempts: 2 });
  }
  const wf = res.workflows[target.workflow];
  if (!wf) throw new Error(`${where} targets unknown workflow ${target.workflow}`);
  return new SfnStateMachine(wf.stateMachine, input ? { input } : {});
}

/** The manifest writes patterns in EventBridge's JSON; the L2 takes `detailType` for `detail-type`. */
function toEventPattern(pattern: Record<string, unknown>): EventPattern {
  const { 'detail-type': detailType, ...rest } = pattern;
  return { ...rest, ...(detailType !== undefined ? { detailType } : {}) } as EventPattern;
}

/** An EventBridge rule on the platform bus with Lambda / Step Functions targets. */
export class JiuzhuRule extends Construct {
  readonly rule: Rule;
  constructor(scope: Construct, id: string, props: { name: string; def: RuleDef; bus: IEventBus; resources: TargetResources }) {
    super(scope, id);
    const { def, name } = props;
    if (def.targets.length === 0 || def.targets.length > 5) throw new Error(`rule ${name}: 1 to 5 targets`);
    this.rule = new Rule(this, 'Rule', {
      eventBus: props.bus,
      description: def.description,
      eventPattern: toEventPattern(def.eventPattern),
    });
    def.targets.forEach((t, i) => this.rule.addTarget(ruleTarget(`rule ${name} target ${i}`, t, props.resources)));
  }
}

/**
 * A schedule. With a time zone (the manifest's norm: Asia/Shanghai), an EventBridge Scheduler
 * schedule whose own role may invoke only its target; without one, an EventBridge rule on the
 * default bus (cron in UTC). The target receives the manifest's constant `input` (default {}).
 */
export class JiuzhuSchedule extends Construct {
  readonly schedule?: CfnSchedule;
  readonly rule?: Rule;

  constructor(scope: Construct, id: string, props: { name: string; def: ScheduleDef; resources: TargetResources }) {
    super(scope, id);
    const { def, name, resources } = props;
    const where = `schedule ${name}`;
    if (def.target.inputPath || def.target.inputTransformer) {
      throw new Error(`${where}: a schedule has no event to take paths from; give it a constant input`);
    }
    const input = JSON.stringify(def.input ?? {});

    if (!def.timezone) {
      this.rule = new Rule(this, 'Rule', { description: def.description, schedule: Schedule.expression(def.expression) });
      this.rule.addTarget(ruleTarget(where, def.target, resources, RuleTargetInput.fromObject(def.input ?? {})));
      return;
    }

    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `EventBridge Scheduler role of ${name}`,
    });
    let arn: string;
    if ('function' in def.target) {
      const fn = resources.functions[def.target.function];
      if (!fn) throw new Error(`${where} targets unknown function ${def.target.function}`);
      grantInvokeExact(fn, role);
      arn = fn.functionArn;
    } else {
      const wf = resources.workflows[def.target.workflow];
      if (!wf) throw new Error(`${where} targets unknown workflow ${def.target.workflow}`);
      Grant.addToPrincipal({ grantee: role, actions: ['states:StartExecution'], resourceArns: [wf.stateMachine.stateMachineArn] });
      arn = wf.stateMachine.stateMachineArn;
    }
    this.schedule = new CfnSchedule(this, 'Schedule', {
      description: def.description,
      scheduleExpression: def.expression,
      scheduleExpressionTimezone: def.timezone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: { arn, roleArn: role.roleArn, input, retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 } },
    });
    this.schedule.node.addDependency(role);
  }
}
