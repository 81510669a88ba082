import { gunzipSync, gzipSync } from 'node:zlib';
import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Durable storage of the engine in DynamoDB Local, in three internal tables (not in the
 * manifest): state machines, executions (one item each, written when an execution starts and
 * when it closes) and history. Each engine step writes ONE history item holding the events of
 * that step and the execution's full runtime snapshot after them, so a step is atomic: after a
 * crash the last history item is exactly where the execution stands.
 */
export const TABLES = {
  machines: '_local_sfn_machines',
  executions: '_local_sfn_executions',
  history: '_local_sfn_history',
} as const;

export interface MachineRecord {
  arn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: string;
  creationDate: number;
  updateDate?: number;
  revision: number;
}

export interface ExecutionRecord {
  arn: string;
  smArn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  definition: string;
  roleArn: string;
}

export interface HistoryChunk {
  seq: number;
  events: unknown[];
  snapshot: unknown;
}

const GZIP_OVER = 96 * 1024;

function pack(v: unknown): string | Uint8Array {
  const s = JSON.stringify(v);
  return s.length > GZIP_OVER ? gzipSync(s) : s;
}
function unpack(v: unknown): unknown {
  if (v === undefined) return undefined;
  return JSON.parse(typeof v === 'string' ? v : gunzipSync(v as Uint8Array).toString('utf8'));
}

export class SfnStore {
  writes = 0;

  constructor(
    private readonly ddb: DynamoDBClient,
    private readonly doc: DynamoDBDocumentClient,
  ) {}

  async ensureTables(): Promise<void> {
    const defs: [string, boolean][] = [
      [TABLES.machines, false],
      [TABLES.executions, false],
      [TABLES.history, true],
    ];
    await Promise.all(defs.map(async ([name, sorted]) => {
      try {
        await this.ddb.send(new DescribeTableCommand({ TableName: name }));
        return;
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
      }
      await this.ddb.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, ...(sorted ? [{ AttributeName: 'seq', AttributeType: 'N' as const }] : [])],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, ...(sorted ? [{ AttributeName: 'seq', KeyType: 'RANGE' as const }] : [])],
        }),
      );
    }));
  }

  async putMachine(m: MachineRecord): Promise<void> {
    this.writes++;
    await this.doc.send(new PutCommand({ TableName: TABLES.machines, Item: { pk: m.arn, ...m } }));
  }

  async deleteMachine(arn: string): Promise<void> {
    this.writes++;
    await this.doc.send(new DeleteCommand({ TableName: TABLES.machines, Key: { pk: arn } }));
  }

  async loadMachines(): Promise<MachineRecord[]> {
    return (await this.scanAll(TABLES.machines)).map(({ pk: _pk, ...m }) => m as unknown as MachineRecord);
  }

  async loadExecutions(): Promise<ExecutionRecord[]> {
    return (await this.scanAll(TABLES.executions)).map(({ pk: _pk, ...e }) => e as unknown as ExecutionRecord);
  }

  /** One step: the history chunk, plus the execution record when it started or closed (atomically). */
  async writeStep(chunk: { arn: string } & HistoryChunk, record?: ExecutionRecord): Promise<void> {
    const item = { pk: chunk.arn, seq: chunk.seq, events: pack(chunk.events), snap: pack(chunk.snapshot) };
    if (!record) {
      this.writes++;
      await this.doc.send(new PutCommand({ TableName: TABLES.history, Item: item }));
      return;
    }
    this.writes += 2;
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: TABLES.history, Item: item } },
          { Put: { TableName: TABLES.executions, Item: { pk: record.arn, ...record } } },
        ],
      }),
    );
  }

  async lastChunk(arn: string): Promise<HistoryChunk | undefined> {
    const res = await this.doc.send(
      new QueryCommand({ TableName: TABLES.history, KeyConditionExpression: 'pk = :a', ExpressionAttributeValues: { ':a': arn }, ScanIndexForward: false, Limit: 1 }),
    );
    const it = res.Items?.[0];
    return it ? { seq: Number(it.seq), events: unpack(it.events) as unknown[], snapshot: unpack(it.snap) } : undefined;
  }

  async events(arn: string): Promise<unknown[]> {
    const out: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({ TableName: TABLES.history, KeyConditionExpression: 'pk = :a', ExpressionAttributeValues: { ':a': arn }, ProjectionExpression: 'events', ExclusiveStartKey: start }),
      );
      for (const it of res.Items ?? []) out.push(...(unpack(it.events) as unknown[]));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  private async scanAll(table: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      out.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
