import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Grant, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { GsiDef, WorkflowDef } from '../manifest-types.ts';
import { grantInvokeExact } from './bind.ts';
import type { JiuzhuFunction } from './function.ts';
import { acknowledge } from './nag.ts';

export interface WorkflowResources {
  functions: Record<string, JiuzhuFunction>;
  tables: Record<string, { table: Table; gsis: readonly GsiDef[] }>;
  bus: IEventBus;
}

export interface JiuzhuWorkflowProps {
  projectRoot: string;
  name: string;
  def: WorkflowDef;
  resources: WorkflowResources;
}

/** One Task state of an ASL definition, wherever it is nested. */
export interface TaskUse {
  state: string;
  resource: string;
  /** `${Name}` substitutions referenced by the state's Resource, Arguments or Parameters. */
  refs: string[];
}

const SUBSTITUTION = /\$\{([A-Za-z0-9_.-]+)\}/g;

/** Every Task state in a definition, including those inside Parallel branches and Maps. */
export function taskUses(asl: unknown): TaskUse[] {
  const out: TaskUse[] = [];
  const walk = (machine: unknown): void => {
    const states = (machine as { States?: Record<string, Record<string, unknown>> } | undefined)?.States ?? {};
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') {
        const text = JSON.stringify([state.Resource, state.Arguments ?? null, state.Parameters ?? null]);
        const refs = [...new Set([...text.matchAll(SUBSTITUTION)].map((m) => m[1]!))];
        out.push({ state: name, resource: String(state.Resource), refs });
      }
      for (const branch of (state.Branches as unknown[] | undefined) ?? []) walk(branch);
      if (state.ItemProcessor) walk(state.ItemProcessor);
      if (state.Iterator) walk(state.Iterator);
    }
  };
  walk(asl);
  return out;
}

const DYNAMO = /^arn:aws:states:::(?:aws-sdk:)?dynamodb:([a-zA-Z]+)$/;
const LAMBDA = /^arn:aws:states:::lambda:invoke(?:\.waitForTaskToken)?$/;
const PUT_EVENTS = /^arn:aws:states:::events:putEvents(?:\.waitForTaskToken)?$/;

/**
 * A Standard state machine from `workflows/*.asl.json` (DefinitionBody.fromFile) with the
 * manifest's substitutions, X-Ray tracing and logging to its own log group. Its role gets exactly
 * what the definition's Task states call: lambda:InvokeFunction on the substituted functions,
 * the named DynamoDB actions on the substituted tables (and their GSIs), events:PutEvents on the
 * bus. A Task whose integration this construct cannot grant fails the synth.
 */
export class JiuzhuWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  /** The execution role: grants go here. */
  readonly role: Role;
  readonly stateMachineName: string;
  /** Formatted from the fixed name (no reference to the resource): safe in function env vars. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: JiuzhuWorkflowProps) {
    super(scope, id);
    const { name, def, resources } = props;
    const stack = Stack.of(this);
    this.stateMachineName = `${stack.stackName}-${name}`;
    this.arn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: this.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    const file = resolve(props.projectRoot, def.definition);
    const asl: unknown = JSON.parse(readFileSync(file, 'utf8'));

    const substitutions: Record<string, string> = {};
    const kinds: Record<string, 'function' | 'table' | 'literal' | 'bus'> = {};
    for (const [key, sub] of Object.entries(def.substitutions ?? {})) {
      if ('function' in sub) {
        const fn = resources.functions[sub.function];
        if (!fn) throw new Error(`workflow ${name}: substitution ${key} names unknown function ${sub.function}`);
        substitutions[key] = fn.functionArn;
        kinds[key] = 'function';
      } else if ('table' in sub) {
        const t = resources.tables[sub.table];
        if (!t) throw new Error(`workflow ${name}: substitution ${key} names unknown table ${sub.table}`);
        substitutions[key] = t.table.tableName;
        kinds[key] = 'table';
      } else if ('literal' in sub) {
        substitutions[key] = sub.literal;
        kinds[key] = 'literal';
      } else {
        substitutions[key] = resources.bus.eventBusName;
        kinds[key] = 'bus';
      }
    }

    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${this.stateMachineName}`,
      retention: RetentionDays.SIX_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('states.amazonaws.com'),
      description: `Execution role of the ${name} workflow`,
    });
    // Logging and tracing need actions without resource-level permissions: they get their own
    // policy, the only place Resource * is acknowledged; the state machine sees its role as
    // immutable so it does not add them to the default policy, where the Task grants go.
    const observability = new Policy(this, 'LogsAndTracingPolicy', {
      statements: [
        new PolicyStatement({
          actions: [
            'logs:CreateLogDelivery',
            'logs:GetLogDelivery',
            'logs:UpdateLogDelivery',
            'logs:DeleteLogDelivery',
            'logs:ListLogDeliveries',
            'logs:PutResourcePolicy',
            'logs:DescribeResourcePolicies',
            'logs:DescribeLogGroups',
          ],
          resources: ['*'],
        }),
        new PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
          resources: ['*'],
        }),
      ],
    });
    observability.attachToRole(this.role);

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      role: this.role.withoutPolicyUpdates(),
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(file),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      // Execution data holds applicants' personal data: log every event, not the payloads.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      ...(def.timeoutSeconds ? { timeout: Duration.seconds(def.timeoutSeconds) } : {}),
      comment: def.description,
    });

    // Step Functions checks at creation that the role can deliver logs.
    this.stateMachine.node.addDependency(this.role, observability);
    for (const use of taskUses(asl)) this.grantFor(name, use, kinds, def, resources);

    acknowledge(
      observability,
      'AwsSolutions-IAM5[Resource::*]',
      'Only the CloudWatch Logs delivery actions (logs:CreateLogDelivery etc.) and X-Ray actions that Step Functions logging and tracing need use Resource *; neither supports resource-level permissions.',
    );
  }

  private grantFor(
    name: string,
    use: TaskUse,
    kinds: Record<string, string>,
    def: WorkflowDef,
    resources: WorkflowResources,
  ): void {
    const subs = def.substitutions ?? {};
    const refsOf = (kind: string) => use.refs.filter((r) => kinds[r] === kind);
    const where = `workflow ${name}, state ${use.state}`;
    const direct = /^\$\{([A-Za-z0-9_.-]+)\}$/.exec(use.resource)?.[1];

    if (LAMBDA.test(use.resource) || (direct && kinds[direct] === 'function')) {
      const fns = direct ? [direct] : refsOf('function');
      if (fns.length === 0) throw new Error(`${where}: lambda:invoke without a \${Function} substitution`);
      for (const ref of fns) {
        const sub = subs[ref] as { function: string };
        grantInvokeExact(resources.functions[sub.function]!, this.role);
      }
      return;
    }
    const dynamo = DYNAMO.exec(use.resource);
    if (dynamo) {
      const action = `dynamodb:${dynamo[1]![0]!.toUpperCase()}${dynamo[1]!.slice(1)}`;
      const tables = refsOf('table');
      if (tables.length === 0) throw new Error(`${where}: ${use.resource} without a \${Table} substitution`);
      for (const ref of tables) {
        const t = resources.tables[(subs[ref] as { table: string }).table]!;
        const arns = [t.table.tableArn, ...t.gsis.map((g) => `${t.table.tableArn}/index/${g.name}`)];
        Grant.addToPrincipal({ grantee: this.role, actions: [action], resourceArns: arns });
        if (t.table.encryptionKey) {
          const reads = /^dynamodb:(Get|Query|Scan|BatchGet|TransactGet|Describe)/.test(action);
          t.table.encryptionKey.grant(
            this.role,
            ...(reads ? ['kms:Decrypt', 'kms:DescribeKey'] : ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']),
          );
        }
      }
      return;
    }
    if (PUT_EVENTS.test(use.resource)) {
      resources.bus.grantPutEventsTo(this.role);
      return;
    }
    throw new Error(
      `${where}: the integration ${use.resource} is not one infra/constructs/workflow.ts knows how to grant; extend grantFor()`,
    );
  }
}
