/**
 * Counts AWS calls (DynamoDB by operation and table, Step Functions by action) made by the
 * Lambdas of the local stack and by the stack's own parts, for benches that print calls per request.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export class CallCounter {
  readonly counts = new Map<string, number>();
  readonly ms = new Map<string, number>();
  on = true;
  attach(client: DynamoDBClient | DynamoDBDocumentClient, side: string): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (this.on) {
          const input = (args.input ?? {}) as { TableName?: string; TransactItems?: unknown[]; RequestItems?: Record<string, unknown> };
          const table = input.TableName ?? (input.RequestItems ? Object.keys(input.RequestItems).join('+') : input.TransactItems ? `${input.TransactItems.length} items` : '');
          const key = `${side} ${String(context.commandName).replace(/Command$/, '')} ${table}`;
          this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
          const t0 = performance.now();
          try {
            return await next(args);
          } finally {
            this.ms.set(key, (this.ms.get(key) ?? 0) + performance.now() - t0);
          }
        }
        return next(args);
      },
      { step: 'initialize', name: `count-${side}-${Math.random()}` },
    );
  }
  reset(): void {
    this.counts.clear();
    this.ms.clear();
  }
  total(prefix = ''): number {
    let n = 0;
    for (const [k, v] of this.counts) if (k.startsWith(prefix)) n += v;
    return n;
  }
  table(per = 1): string {
    return [...this.counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `    ${(v / per).toFixed(2).padStart(7)}  ${k.padEnd(52)} ${((this.ms.get(k) ?? 0) / v).toFixed(1).padStart(6)} ms each`).join('\n');
  }
}

/**
 * CPU time (ms) used so far by this process and by the DynamoDB Local JVM behind `endpoint`
 * (found by its -port in /proc): what a request costs, unlike wall time, barely moves when
 * neighbours load the machine.
 */
export function cpuMeter(endpoint: string): () => { node: number; dynamo: number } {
  const port = new URL(endpoint).port;
  const tick = 100; // USER_HZ on Linux
  let javaPid: string | undefined;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd[0]?.endsWith('java') && cmd.includes('-port') && cmd[cmd.indexOf('-port') + 1] === port) javaPid = pid;
    } catch {
      /* gone */
    }
  }
  const java = () => {
    if (!javaPid) return NaN;
    const f = readFileSync(`/proc/${javaPid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / tick;
  };
  return () => {
    const u = process.cpuUsage();
    return { node: (u.user + u.system) / 1000, dynamo: java() };
  };
}
