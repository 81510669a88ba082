import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LambdaInvocationError } from '../lambdas.ts';
import type { LocalContext } from '../runtime.ts';

/**
 * The service integrations a Task can call, and how their errors are named, as Step Functions
 * names them: a Lambda function's own error surfaces under its errorType; service errors are
 * prefixed (`Lambda.ResourceNotFoundException`, `DynamoDB.ConditionalCheckFailedException`,
 * `EventBridge.*`).
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html
 */
export class TaskError extends Error {
  constructor(
    readonly error: string,
    override readonly cause: string,
  ) {
    super(`${error}: ${cause}`);
  }
}

export type LocalFunction = (event: unknown, context: unknown) => Promise<unknown> | unknown;

/** Extra in-process functions by name (tests, benchmarks; see JIUZHU_TEST_FUNCTIONS). */
export const extraFunctions = new Map<string, LocalFunction>();

export function registerLocalFunction(name: string, fn: LocalFunction): void {
  extraFunctions.set(name, fn);
}

export interface ResourceInfo {
  /** 'lambda' | 'dynamodb' | 'events' */
  resourceType: string;
  /** e.g. 'invoke.waitForTaskToken', or the function ARN for a bare ARN */
  resource: string;
  callback: boolean;
  /** A bare Lambda function ARN (legacy LambdaFunction* history events). */
  bareLambda: boolean;
}

export function resourceInfo(resource: string): ResourceInfo {
  if (resource.startsWith('arn:aws:lambda:')) return { resourceType: 'lambda', resource, callback: false, bareLambda: true };
  const rest = resource.slice('arn:aws:states:::'.length);
  const [service, action] = rest.split(':') as [string, string];
  return { resourceType: service, resource: action, callback: action.endsWith('.waitForTaskToken'), bareLambda: false };
}

function functionNameOf(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? (nameOrArn.split(':')[6] ?? nameOrArn) : nameOrArn;
}

function lambdaCause(err: unknown): { error: string; cause: string } {
  const e = err as Error & { errorType?: string };
  const errorType = err instanceof LambdaInvocationError ? err.errorType : (e?.errorType ?? e?.name ?? 'Error');
  const message = e?.message ?? String(err);
  const trace = typeof e?.stack === 'string' ? e.stack.split('\n') : [];
  return { error: errorType, cause: JSON.stringify({ errorType, errorMessage: message, trace }) };
}

export class Integrations {
  private events: EventBridgeClient | undefined;

  constructor(private readonly ctx: LocalContext) {}

  private async invokeFunction(nameOrArn: string, payload: unknown): Promise<unknown> {
    const extra = extraFunctions.get(functionNameOf(nameOrArn));
    const fail = (err: unknown): never => {
      const c = lambdaCause(err);
      throw new TaskError(c.error, c.cause);
    };
    if (extra) {
      try {
        return structuredClone(await extra(structuredClone(payload), { functionName: functionNameOf(nameOrArn) }));
      } catch (err) {
        return fail(err);
      }
    }
    if (!this.ctx.lambdas.has(nameOrArn)) {
      throw new TaskError('Lambda.ResourceNotFoundException', `Function not found: ${nameOrArn} (Service: Lambda, Status Code: 404)`);
    }
    try {
      return await this.ctx.lambdas.invoke(nameOrArn, payload);
    } catch (err) {
      return fail(err);
    }
  }

  /** Runs a task; resolves with its result (for callback tasks: the submit response). */
  async run(resource: string, args: unknown): Promise<unknown> {
    const info = resourceInfo(resource);
    if (info.bareLambda) return this.invokeFunction(resource, args);
    const a = (args ?? {}) as Record<string, unknown>;
    const base = info.resource.replace(/\.waitForTaskToken$/, '');
    if (info.resourceType === 'lambda' && base === 'invoke') {
      if (typeof a.FunctionName !== 'string') throw new TaskError('States.Runtime', "lambda:invoke needs Arguments.FunctionName");
      const payload = await this.invokeFunction(a.FunctionName, a.Payload ?? {});
      return { ExecutedVersion: '$LATEST', Payload: payload ?? null, SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: {}, StatusCode: 200 };
    }
    if (info.resourceType === 'dynamodb') {
      const cmd =
        base === 'getItem' ? new GetItemCommand(a as never) : base === 'putItem' ? new PutItemCommand(a as never) : base === 'updateItem' ? new UpdateItemCommand(a as never) : new DeleteItemCommand(a as never);
      try {
        const { $metadata: _m, ...out } = (await this.ctx.ddb.send(cmd as never)) as unknown as Record<string, unknown>;
        return out;
      } catch (err) {
        throw new TaskError(`DynamoDB.${(err as Error).name}`, `${(err as Error).message} (Service: DynamoDb)`);
      }
    }
    if (info.resourceType === 'events' && base === 'putEvents') {
      this.events ??= new EventBridgeClient({ endpoint: this.ctx.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      try {
        const { $metadata: _m, ...out } = (await this.events.send(new PutEventsCommand(a as never))) as unknown as Record<string, unknown>;
        return out;
      } catch (err) {
        throw new TaskError(`EventBridge.${(err as Error).name}`, `${(err as Error).message} (Service: EventBridge)`);
      }
    }
    throw new TaskError('States.Runtime', `unsupported resource ${resource}`);
  }
}
