import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import type { TableDef } from '../infra/manifest-types.ts';

/** Creates the manifest's tables in DynamoDB Local, or adds what an existing one lacks (GSIs, TTL). */
export async function ensureTable(client: DynamoDBClient, name: string, def: TableDef): Promise<void> {
  const attrs = new Map<string, AttributeDefinition>();
  const add = (k: { name: string; type: 'S' | 'N' }) => attrs.set(k.name, { AttributeName: k.name, AttributeType: k.type });
  add(def.partitionKey);
  if (def.sortKey) add(def.sortKey);
  const gsis: GlobalSecondaryIndex[] = (def.gsis ?? []).map((g) => {
    add(g.partitionKey);
    if (g.sortKey) add(g.sortKey);
    return {
      IndexName: g.name,
      KeySchema: [
        { AttributeName: g.partitionKey.name, KeyType: 'HASH' },
        ...(g.sortKey ? [{ AttributeName: g.sortKey.name, KeyType: 'RANGE' as const }] : []),
      ],
      Projection: { ProjectionType: g.projection ?? 'ALL' },
    };
  });

  let existing;
  try {
    existing = (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  if (!existing) {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attrs.values()],
        KeySchema: [
          { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
          ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' as const }] : []),
        ],
        ...(gsis.length ? { GlobalSecondaryIndexes: gsis } : {}),
        ...(def.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } } : {}),
      }),
    );
  } else {
    if (def.stream && !existing.StreamSpecification?.StreamEnabled) {
      await client.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } }));
    }
    const have = new Set((existing.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
    for (const gsi of gsis.filter((g) => !have.has(g.IndexName))) {
      await client.send(
        new UpdateTableCommand({
          TableName: name,
          AttributeDefinitions: [...attrs.values()],
          GlobalSecondaryIndexUpdates: [{ Create: gsi }],
        }),
      );
    }
  }
  if (def.ttlAttribute) {
    try {
      await client.send(
        new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true } }),
      );
    } catch (err) {
      // Already enabled on this attribute: DynamoDB says so with a ValidationException.
      if ((err as Error).name !== 'ValidationException') throw err;
    }
  }
}
