import { AwsServiceError, type AwsJsonService } from '../aws-endpoint.ts';
import type { SfnEngine } from './engine.ts';

/**
 * The Step Functions API (AWS JSON 1.0, X-Amz-Target: AWSStepFunctions.<Action>) over the engine,
 * for @aws-sdk/client-sfn and the AWS CLI. Timestamps are epoch seconds, as awsJson1_0 sends them.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_Operations.html
 */
type In = Record<string, unknown>;

function page<T>(items: T[], input: In, defaultMax = 100): { items: T[]; nextToken?: string } {
  const max = typeof input.maxResults === 'number' && input.maxResults > 0 ? Math.min(input.maxResults, 1000) : defaultMax;
  let start = 0;
  if (input.nextToken !== undefined) {
    start = Number(Buffer.from(String(input.nextToken), 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw new AwsServiceError('InvalidToken', 'Invalid pagination token');
  }
  const slice = items.slice(start, start + max);
  return start + max < items.length ? { items: slice, nextToken: Buffer.from(String(start + max)).toString('base64url') } : { items: slice };
}

const sec = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

export function stepFunctionsService(engine: SfnEngine): AwsJsonService {
  const actions: Record<string, (i: In) => Promise<unknown> | unknown> = {
    async CreateStateMachine(i) {
      const m = await engine.createMachine(i);
      return { stateMachineArn: m.arn, creationDate: sec(m.creationDate) };
    },
    async UpdateStateMachine(i) {
      const m = await engine.updateMachine(i);
      return { updateDate: sec(m.updateDate), revisionId: String(m.revision) };
    },
    DescribeStateMachine(i) {
      const m = engine.machine(i.stateMachineArn);
      return {
        stateMachineArn: m.arn,
        name: m.name,
        status: 'ACTIVE',
        definition: m.definition,
        roleArn: m.roleArn,
        type: m.type,
        creationDate: sec(m.creationDate),
        revisionId: String(m.revision),
        loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      };
    },
    ListStateMachines(i) {
      const all = [...engine.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
      const p = page(all, i);
      return { stateMachines: p.items.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: sec(m.creationDate) })), ...(p.nextToken ? { nextToken: p.nextToken } : {}) };
    },
    async DeleteStateMachine(i) {
      await engine.deleteMachine(i.stateMachineArn);
      return {};
    },
    StartExecution(i) {
      return engine.startExecution(i);
    },
    DescribeExecution(i) {
      const rec = engine.execution(i.executionArn).visible;
      return {
        executionArn: rec.arn,
        stateMachineArn: rec.smArn,
        name: rec.name,
        status: rec.status,
        startDate: sec(rec.startDate),
        ...(rec.stopDate !== undefined ? { stopDate: sec(rec.stopDate) } : {}),
        input: rec.input,
        inputDetails: { included: true },
        ...(rec.output !== undefined ? { output: rec.output, outputDetails: { included: true } } : {}),
        ...(rec.error !== undefined ? { error: rec.error } : {}),
        ...(rec.cause !== undefined ? { cause: rec.cause } : {}),
        redriveCount: 0,
        redriveStatus: 'NOT_REDRIVABLE',
      };
    },
    ListExecutions(i) {
      engine.machine(i.stateMachineArn);
      const all = [...engine.executions.values()]
        .map((e) => e.visible)
        .filter((r) => r.smArn === i.stateMachineArn && (i.statusFilter === undefined || r.status === i.statusFilter))
        .sort((a, b) => b.startDate - a.startDate || a.name.localeCompare(b.name));
      const p = page(all, i);
      return {
        executions: p.items.map((r) => ({
          executionArn: r.arn,
          stateMachineArn: r.smArn,
          name: r.name,
          status: r.status,
          startDate: sec(r.startDate),
          ...(r.stopDate !== undefined ? { stopDate: sec(r.stopDate) } : {}),
        })),
        ...(p.nextToken ? { nextToken: p.nextToken } : {}),
      };
    },
    async GetExecutionHistory(i) {
      let events = await engine.history(i.executionArn);
      if (i.reverseOrder === true) events = [...events].reverse();
      if (i.includeExecutionData === false) {
        events = events.map((e) => {
          const copy: Record<string, unknown> = { ...e };
          for (const [k, v] of Object.entries(copy)) {
            if (k.endsWith('EventDetails') && v && typeof v === 'object') {
              const { input: _i, output: _o, parameters: _p, ...rest } = v as Record<string, unknown>;
              copy[k] = rest;
            }
          }
          return copy as typeof e;
        });
      }
      const p = page(events, i);
      return { events: p.items, ...(p.nextToken ? { nextToken: p.nextToken } : {}) };
    },
    StopExecution(i) {
      return engine.stopExecution(i);
    },
    async SendTaskSuccess(i) {
      await engine.callback('success', i);
      return {};
    },
    async SendTaskFailure(i) {
      await engine.callback('failure', i);
      return {};
    },
    async SendTaskHeartbeat(i) {
      await engine.callback('heartbeat', i);
      return {};
    },
  };
  return {
    targetPrefix: 'AWSStepFunctions',
    contentType: 'application/x-amz-json-1.0',
    async handle(action, input) {
      const fn = actions[action];
      if (!fn) throw new AwsServiceError('UnknownOperationException', `AWSStepFunctions.${action} is not supported by the local engine`);
      return fn(input);
    },
  };
}
