import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

/** One SDK client per process (module singleton), as Lambda best practice has it. */
let client: DynamoDBDocumentClient | undefined;

/**
 * Sockets the client may open. The SDK's default is 50: right for one Lambda invocation at a
 * time, too few locally, where every Lambda of the stack shares this process (the merger import
 * alone runs 4 chunks × 8 BatchWriteItem calls per import). DYNAMODB_MAX_SOCKETS overrides.
 */
export function dynamoMaxSockets(): number {
  const env = Number(process.env.DYNAMODB_MAX_SOCKETS);
  if (Number.isInteger(env) && env > 0) return env;
  return process.env.JIUZHU_LOCAL === '1' ? 512 : 50;
}

export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({
      requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: dynamoMaxSockets() }), httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: dynamoMaxSockets() }) },
    }),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
  );
  return client;
}

export function tableNameFrom(envVar: string): string {
  const name = process.env[envVar];
  if (!name) throw new Error(`environment variable ${envVar} is not set`);
  return name;
}

/** One transaction: true once it commits, false when a condition (or a competing transaction) cancelled it. */
export async function transactOrFalse(items: NonNullable<TransactWriteCommandInput['TransactItems']>): Promise<boolean> {
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (err) {
    if ((err as Error).name === 'TransactionCanceledException') return false;
    throw err;
  }
}
