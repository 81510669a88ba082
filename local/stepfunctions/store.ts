import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Durable storage of the engine in DynamoDB Local, in internal tables (not in the manifest):
 * state machines, definitions (by content hash: an execution keeps the definition it started
 * with, and a 30 KB definition is not copied into every execution), executions and history.
 *
 * Every engine step is ONE single-item write holding the step's events and the execution's full
 * runtime snapshot after them, so a step is atomic and after a crash the last chunk is exactly
 * where the execution stands:
 *  - the first step (ExecutionStarted …) is the execution item itself (`head`), with the record;
 *  - each later step is a history item (pk = execution ARN, seq);
 *  - the closing step goes into the execution item (`tail`) with the closed status, in one
 *    UpdateItem — so the status can never disagree with the history.
 * Chunks are gzipped JSON (a step's events repeat the same input/output several times; a 3–20 KB
 * chunk is ~1 KB packed, one write unit). Items of the earlier layout (execution `definition`,
 * history `events`/`snap` attributes, a history item for every step) are still read.
 */
export const TABLES = {
  machines: '_local_sfn_machines',
  definitions: '_local_sfn_definitions',
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
  /** sha256 of the definition text (in the definitions table). */
  definitionHash?: string;
  /** The earlier layout kept the definition text in the record. */
  definition?: string;
  roleArn: string;
}

export interface HistoryChunk {
  seq: number;
  events: unknown[];
  snapshot: unknown;
}

/** Under this many characters gzip saves no write unit and costs CPU. */
const GZIP_OVER = 700;

function pack(v: unknown): string | Uint8Array {
  const s = JSON.stringify(v);
  return s.length > GZIP_OVER ? gzipSync(s) : s;
}
function unpack(v: unknown): unknown {
  if (v === undefined) return undefined;
  return JSON.parse(typeof v === 'string' ? v : gunzipSync(v as Uint8Array).toString('utf8'));
}

export const definitionHash = (text: string) => createHash('sha256').update(text).digest('hex');

/** The record's own attributes (the scan of executions reads these and the head, not the tail). */
const RECORD_FIELDS = ['pk', 'arn', 'smArn', 'name', 'status', 'input', 'output', 'error', 'cause', 'startDate', 'stopDate', 'definitionHash', 'definition', 'roleArn', 'head'] as const;

type Stored = Record<string, unknown>;

function chunkOf(it: Stored | undefined, attr: 'head' | 'tail' | 'body'): HistoryChunk | undefined {
  if (!it) return undefined;
  if (it[attr] === undefined) {
    // The earlier layout: a history item with `events` and `snap`.
    if (attr !== 'body' || it.events === undefined) return undefined;
    return { seq: Number(it.seq), events: unpack(it.events) as unknown[], snapshot: unpack(it.snap) };
  }
  const c = unpack(it[attr]) as { seq: number; events: unknown[]; snapshot: unknown };
  return { seq: attr === 'body' ? Number(it.seq) : c.seq, events: c.events, snapshot: c.snapshot };
}

export class SfnStore {
  writes = 0;
  private readonly knownDefinitions = new Set<string>();

  constructor(
    private readonly ddb: DynamoDBClient,
    private readonly doc: DynamoDBDocumentClient,
  ) {}

  async ensureTables(): Promise<void> {
    const defs: [string, boolean][] = [
      [TABLES.machines, false],
      [TABLES.definitions, false],
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

  /** A machine, after its definition (which executions started from it will name by hash). */
  async putMachine(m: MachineRecord): Promise<void> {
    await this.putDefinition(m.definition);
    this.writes++;
    await this.doc.send(new PutCommand({ TableName: TABLES.machines, Item: { pk: m.arn, ...m } }));
  }

  async putDefinition(text: string): Promise<string> {
    const hash = definitionHash(text);
    if (this.knownDefinitions.has(hash)) return hash;
    this.writes++;
    await this.doc.send(new PutCommand({ TableName: TABLES.definitions, Item: { pk: hash, definition: text } }));
    this.knownDefinitions.add(hash);
    return hash;
  }

  async deleteMachine(arn: string): Promise<void> {
    this.writes++;
    await this.doc.send(new DeleteCommand({ TableName: TABLES.machines, Key: { pk: arn } }));
  }

  async loadMachines(): Promise<MachineRecord[]> {
    return (await this.scanAll(TABLES.machines)).map(({ pk: _pk, ...m }) => m as unknown as MachineRecord);
  }

  /** Definition texts by hash (kept forever: a closed execution's history names none, but a running one may). */
  async loadDefinitions(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const it of await this.scanAll(TABLES.definitions)) {
      out.set(String(it.pk), String(it.definition));
      this.knownDefinitions.add(String(it.pk));
    }
    return out;
  }

  /** Every execution's record, and for a running one the chunk it started with (if in the record). */
  async loadExecutions(): Promise<{ record: ExecutionRecord; head?: HistoryChunk }[]> {
    const names = Object.fromEntries(RECORD_FIELDS.map((f, i) => [`#f${i}`, f]));
    const items = await this.scanAll(TABLES.executions, { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names });
    return items.map(({ pk: _pk, head, ...rec }) => {
      const record = rec as unknown as ExecutionRecord;
      return { record, ...(record.status === 'RUNNING' && head !== undefined ? { head: chunkOf({ head }, 'head') } : {}) };
    });
  }

  /**
   * One step. The first (seq 0) is written with the record as the execution item; a step that
   * closes the execution updates the record and holds its events (`tail`); others are history items.
   */
  async writeStep(chunk: { arn: string } & HistoryChunk, record?: ExecutionRecord): Promise<void> {
    const body = pack({ seq: chunk.seq, events: chunk.events, snapshot: chunk.snapshot });
    this.writes++;
    if (record && chunk.seq === 0) {
      await this.doc.send(new PutCommand({ TableName: TABLES.executions, Item: { pk: record.arn, ...record, head: body } }));
      return;
    }
    if (record) {
      const set: Record<string, unknown> = { status: record.status, stopDate: record.stopDate, tail: body };
      for (const k of ['output', 'error', 'cause'] as const) if (record[k] !== undefined) set[k] = record[k];
      const keys = Object.keys(set);
      await this.doc.send(
        new UpdateCommand({
          TableName: TABLES.executions,
          Key: { pk: record.arn },
          UpdateExpression: `SET ${keys.map((_, i) => `#k${i} = :v${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(keys.map((k, i) => [`#k${i}`, k])),
          ExpressionAttributeValues: Object.fromEntries(keys.map((k, i) => [`:v${i}`, set[k]])),
        }),
      );
      return;
    }
    await this.doc.send(new PutCommand({ TableName: TABLES.history, Item: { pk: chunk.arn, seq: chunk.seq, body } }));
  }

  /** Where a running execution stands: its last history item, or the chunk it started with. */
  async lastChunk(arn: string, head?: HistoryChunk): Promise<HistoryChunk | undefined> {
    const res = await this.doc.send(
      new QueryCommand({ TableName: TABLES.history, KeyConditionExpression: 'pk = :a', ExpressionAttributeValues: { ':a': arn }, ScanIndexForward: false, Limit: 1, ConsistentRead: true }),
    );
    return chunkOf(res.Items?.[0], 'body') ?? head;
  }

  /** The execution's events in order: head, history items, tail. */
  async events(arn: string): Promise<unknown[]> {
    const rec = (await this.doc.send(new GetCommand({ TableName: TABLES.executions, Key: { pk: arn }, ProjectionExpression: 'head, tail', ConsistentRead: true }))).Item;
    const out: unknown[] = [...(chunkOf(rec, 'head')?.events ?? [])];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({ TableName: TABLES.history, KeyConditionExpression: 'pk = :a', ExpressionAttributeValues: { ':a': arn }, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      for (const it of res.Items ?? []) out.push(...(chunkOf(it, 'body')?.events ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    out.push(...(chunkOf(rec, 'tail')?.events ?? []));
    return out;
  }

  private async scanAll(table: string, extra: { ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> } = {}): Promise<Stored[]> {
    const out: Stored[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ...extra }));
      out.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
