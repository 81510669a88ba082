import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One SDK client per process (module singleton), as Lambda best practice has it. */
let client: DynamoDBDocumentClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return client;
}

export function tableNameFrom(envVar: string): string {
  const name = process.env[envVar];
  if (!name) throw new Error(`environment variable ${envVar} is not set`);
  return name;
}
