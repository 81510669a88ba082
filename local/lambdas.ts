import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { manifest } from '../infra/manifest.ts';
import type { FunctionDef } from '../infra/manifest-types.ts';
import { functionArn, functionName, logicalFunctionOf } from './names.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** Thrown by a handler: surfaces to Step Functions as a Lambda error (errorType = name). */
export class LambdaInvocationError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs the manifest's Lambda handlers in this process, as Lambda would: the same module, the
 * same event, a context object. Modules load once (warm starts) on first use.
 */
export class LocalLambdas {
  private readonly loaded = new Map<string, Promise<Handler>>();

  constructor(private readonly root: string) {}

  has(nameOrArn: string): boolean {
    return logicalFunctionOf(nameOrArn) !== undefined || nameOrArn in manifest.functions;
  }

  async invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    const logical = nameOrArn in manifest.functions ? nameOrArn : logicalFunctionOf(nameOrArn);
    if (!logical) throw new LambdaInvocationError('ResourceNotFoundException', `Function not found: ${nameOrArn}`);
    const def = (manifest.functions as Record<string, FunctionDef>)[logical]!;
    const handler = await this.load(logical, def);
    const context = {
      functionName: functionName(logical),
      functionVersion: '$LATEST',
      invokedFunctionArn: functionArn(logical),
      memoryLimitInMB: String(def.memoryMb ?? 256),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${functionName(logical)}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => (def.timeoutSeconds ?? 10) * 1000,
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    } as Context;
    // A structured clone keeps handlers from sharing object graphs with the caller, as the
    // JSON boundary does in AWS.
    return structuredClone(await handler(structuredClone(event), context));
  }

  private load(logical: string, def: FunctionDef): Promise<Handler> {
    let p = this.loaded.get(logical);
    if (!p) {
      p = import(pathToFileURL(resolve(this.root, def.entry)).href).then((mod: Record<string, unknown>) => {
        const h = mod[def.handler];
        if (typeof h !== 'function') throw new Error(`${def.entry} does not export ${def.handler}`);
        return h as Handler;
      });
      this.loaded.set(logical, p);
    }
    return p;
  }
}
