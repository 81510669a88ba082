import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableDef } from '../../infra/manifest-types.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local.ts';
import { ensureTables } from '../../local/tables.ts';

// Prepare: DynamoDB Local (in memory; the marker lives in a data directory of its own), and a
// client that records the name of every command it sends.
let dynamo: DynamoDbLocal;
let ddb: DynamoDBClient;
const calls: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-tables-'));
beforeAll(async () => {
  dynamo = await startDynamoDbLocal({ inMemory: true });
  ddb = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  ddb.middlewareStack.add((next, context) => async (args) => {
    calls.push(String(context.commandName));
    return next(args);
  }, { step: 'initialize' });
}, 120_000);
afterAll(async () => {
  await dynamo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const defs: { name: string; def: TableDef }[] = [
  { name: 'jiuzhu-MarkerA', def: { envVar: 'A_TABLE', partitionKey: { name: 'pk', type: 'S' }, ttlAttribute: 'expiresAt' } as TableDef },
  { name: 'jiuzhu-MarkerB', def: { envVar: 'B_TABLE', partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } } as TableDef },
];

describe('ensureTables on a later start', () => {
  it('creates on the first start, then costs one ListTables while definitions and tables are unchanged; ensures again when a table is gone or a definition changed', async () => {
    expect(await ensureTables(ddb, defs, dir)).toBe(true);
    expect(calls.filter((c) => c === 'CreateTableCommand')).toHaveLength(2);
    expect((JSON.parse(readFileSync(join(dir, 'tables.json'), 'utf8')) as { hash: string }).hash).toMatch(/^[0-9a-f]{64}$/);

    calls.length = 0;
    expect(await ensureTables(ddb, defs, dir)).toBe(false);
    expect(calls).toEqual(['ListTablesCommand']);

    await ddb.send(new DeleteTableCommand({ TableName: 'jiuzhu-MarkerB' }));
    calls.length = 0;
    expect(await ensureTables(ddb, defs, dir)).toBe(true);
    expect(calls.filter((c) => c === 'CreateTableCommand')).toEqual(['CreateTableCommand']);

    const changed = [defs[0]!, { ...defs[1]!, def: { ...defs[1]!.def, ttlAttribute: 'ttl' } as TableDef }];
    calls.length = 0;
    expect(await ensureTables(ddb, changed, dir)).toBe(true);
    expect(calls).toContain('UpdateTimeToLiveCommand');
  });

  it('without a data directory always ensures them', async () => {
    calls.length = 0;
    expect(await ensureTables(ddb, defs, undefined)).toBe(true);
    expect(calls).toContain('DescribeTableCommand');
  });
});
