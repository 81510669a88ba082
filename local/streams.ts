import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { manifest } from '../infra/manifest.ts';
import type { TableDef } from '../infra/manifest-types.ts';
import { tableName } from './names.ts';
import { failpointActive } from '../functions/commons/failpoints.ts';
import { plugins, type LocalContext } from './runtime.ts';

/**
 * DynamoDB Streams → Lambda, as the event source mapping does it in AWS, for every manifest
 * table with a `stream`: DynamoDB Local's own Streams API is polled (real time, every 200 ms),
 * each shard's records go to the function in order, and the shard's checkpoint advances only
 * after the function succeeded (kept in the data directory, so a crashed runtime re-delivers
 * what it had not finished: at least once). A failing batch is retried on the next poll.
 */
const POLL_MS = 200;
const DESCRIBE_MS = 2000;

interface ShardState {
  /** Last sequence number the function finished. */
  done?: string;
}

async function streamsCall(endpoint: string, action: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDBStreams_20120810.${action}`,
      // DynamoDB Local checks that a signature is there, not what it says.
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${action}: ${String(body.__type ?? res.status)} ${String(body.message ?? body.Message ?? '')}`);
  return body;
}

class StreamPoller {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private stopped = false;
  /** The poll in flight, which stop() waits for (DynamoDB Local stops after this). */
  private current: Promise<void> = Promise.resolve();
  private readonly file: string | undefined;
  private state: Record<string, ShardState>;
  private readonly iterators = new Map<string, string | null>();
  /** The stream and its shards, described again every DESCRIBE_MS (shards change rarely; the table's stream only if it is recreated). */
  private described: { arn: string; shards: string[]; at: number } | undefined;

  constructor(
    private readonly ctx: LocalContext,
    private readonly table: string,
    private readonly fn: string,
  ) {
    this.file = ctx.dataDir ? join(ctx.dataDir, `stream-${table}.json`) : undefined;
    this.state = this.file && existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, ShardState>) : {};
  }

  start(): void {
    // Crash tests: the stream is not read while a failpoint holds decisions back.
    if (failpointActive('streams-paused')) return;
    this.timer = setInterval(() => {
      if (!this.busy && !this.stopped) this.current = this.poll();
    }, POLL_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.current;
  }

  private save(): void {
    if (this.file) writeFileSync(this.file, JSON.stringify(this.state));
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      if (!this.described || Date.now() - this.described.at >= DESCRIBE_MS) {
        const arn = (await this.ctx.ddb.send(new DescribeTableCommand({ TableName: this.table }))).Table?.LatestStreamArn;
        if (!arn) return;
        const described = await streamsCall(this.ctx.dynamoEndpoint, 'DescribeStream', { StreamArn: arn });
        const shards = ((described.StreamDescription as { Shards?: { ShardId: string }[] })?.Shards ?? []).map((s) => s.ShardId);
        this.described = { arn, shards, at: Date.now() };
      }
      const { arn, shards } = this.described;
      for (const shard of shards) await this.drain(arn, shard);
    } catch (err) {
      this.described = undefined;
      if (!this.stopped) this.ctx.log(`streams: ${this.table}: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  private async drain(arn: string, shard: string): Promise<void> {
    const key = `${arn}|${shard}`;
    let iterator = this.iterators.get(key);
    if (iterator === null) return; // a closed shard, read to its end
    if (iterator === undefined) {
      const done = this.state[key]?.done;
      const res = await streamsCall(this.ctx.dynamoEndpoint, 'GetShardIterator', {
        StreamArn: arn,
        ShardId: shard,
        ...(done ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: done } : { ShardIteratorType: 'TRIM_HORIZON' }),
      });
      iterator = res.ShardIterator as string;
    }
    for (let page = 0; page < 20 && iterator && !this.stopped; page++) {
      const res = await streamsCall(this.ctx.dynamoEndpoint, 'GetRecords', { ShardIterator: iterator, Limit: 100 });
      const records = (res.Records as { dynamodb?: { SequenceNumber?: string } }[] | undefined) ?? [];
      if (records.length) {
        // Throws on failure: the iterator is dropped and the batch is read again next time.
        try {
          await this.ctx.lambdas.invoke(this.fn, { Records: records.map((r) => ({ ...r, eventSource: 'aws:dynamodb', eventSourceARN: arn })) });
        } catch (err) {
          this.iterators.delete(key);
          throw err;
        }
        this.state[key] = { done: records[records.length - 1]!.dynamodb!.SequenceNumber! };
        this.save();
      }
      iterator = (res.NextShardIterator as string | undefined) ?? null;
      if (!records.length) break;
    }
    this.iterators.set(key, iterator ?? null);
  }
}

plugins.push({
  name: 'dynamodb-streams',
  async start(ctx) {
    for (const [logical, def] of Object.entries(manifest.tables) as [string, TableDef][]) {
      if (!def.stream) continue;
      const poller = new StreamPoller(ctx, tableName(logical), def.stream.function);
      poller.start();
      ctx.onStop(() => poller.stop());
    }
  },
});
