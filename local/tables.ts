import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateTableCommand,
  ListTablesCommand,
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

/**
 * ensureTable for every table, unless this data directory's tables were last ensured from the
 * same definitions (`<dataDir>/tables.json` holds their hash) and all of them exist: a later
 * start then costs one ListTables instead of a DescribeTable and an UpdateTimeToLive (a write
 * DynamoDB Local syncs to disk) per table. Returns whether it had to ensure them.
 */
export async function ensureTables(client: DynamoDBClient, tables: { name: string; def: TableDef }[], dataDir: string | undefined): Promise<boolean> {
  const hash = createHash('sha256').update(JSON.stringify(tables)).digest('hex');
  const marker = dataDir ? join(dataDir, 'tables.json') : undefined;
  if (marker && existsSync(marker)) {
    try {
      if ((JSON.parse(readFileSync(marker, 'utf8')) as { hash?: string }).hash === hash) {
        const have = new Set<string>();
        let start: string | undefined;
        do {
          const res = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
          for (const n of res.TableNames ?? []) have.add(n);
          start = res.LastEvaluatedTableName;
        } while (start);
        if (tables.every((t) => have.has(t.name))) return false;
      }
    } catch {
      /* an unreadable marker: ensure them */
    }
  }
  await Promise.all(tables.map((t) => ensureTable(client, t.name, t.def)));
  if (marker) writeFileSync(marker, JSON.stringify({ hash }));
  return true;
}
